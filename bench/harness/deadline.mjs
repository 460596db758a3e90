// Bounds every wait of the bench: a message that never arrives fails the run with a reason instead of
// hanging it.

/** @template T @param {Promise<T>} promise @param {number} ms @param {string} what @returns {Promise<T>} */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A countdown: `arrive()` n times and `done` resolves (with the time of the last arrival). */
export function countdown(n) {
  let left = n;
  let resolve;
  const done = new Promise((r) => (resolve = r));
  if (n <= 0) resolve(performance.now());
  return {
    done,
    arrive() {
      if (--left === 0) resolve(performance.now());
    },
  };
}
