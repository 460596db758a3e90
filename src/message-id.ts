const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford's base32: no I, L, O, U

/** Makes the ids of messages: ULIDs (26 characters of Crockford base32), unique, and sorting as strings in the order they were made. */
export type MessageIdGenerator = () => string;

function randomBytes(count: number): Uint8Array {
  const bytes = new Uint8Array(count);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/**
 * Ids in the ULID layout: 10 characters of milliseconds, then 16 of randomness. Within one
 * millisecond the randomness is incremented, so ids of one generator never go backwards.
 * @param now the clock, in epoch milliseconds.
 */
export function createMessageIdGenerator(now: () => number = Date.now): MessageIdGenerator {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return () => {
    let time = now();
    if (time <= lastTime) {
      time = lastTime;
      lastRandom = increment(lastRandom);
    } else {
      lastTime = time;
      lastRandom = Array.from(randomBytes(16), (b) => b % 32);
    }
    let timePart = '';
    for (let i = 0, t = time; i < 10; i++, t = Math.floor(t / 32)) timePart = ALPHABET[t % 32] + timePart;
    return timePart + lastRandom.map((d) => ALPHABET[d]).join('');
  };
}

function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i]!++;
      return next;
    }
    next[i] = 0;
  }
  return next;
}

/** Whether a string has the shape of a message id. */
export function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}

/** The time a message id was made, in epoch milliseconds (its first 10 characters). */
export function timeOfMessageId(id: string): number {
  let time = 0;
  for (const char of id.slice(0, 10)) time = time * 32 + ALPHABET.indexOf(char);
  return time;
}
