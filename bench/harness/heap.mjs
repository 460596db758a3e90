// The heap in use once garbage is collected: what the process really holds. Needs --expose-gc.

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** @returns {Promise<number>} bytes of heap in use after full collections */
export async function settledHeap() {
  if (typeof globalThis.gc !== 'function') throw new Error('bench: run with --expose-gc to measure the heap');
  // Several passes with turns of the event loop between: weak callbacks and finalizers free more each time.
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await settle();
  }
  return process.memoryUsage().heapUsed;
}
