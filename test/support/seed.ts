import { randomInt } from 'node:crypto';

/** The seed of a run when MOMENTO_CHAT_SEED is not set, so a plain `npm test` always runs the same scenarios. */
const FIXED_SEED = 20_251_125;

/**
 * The seed of the randomised tests: MOMENTO_CHAT_SEED unset (or empty) gives a fixed seed, a number gives
 * that number, and `random` a fresh one. Tests print the seed they used, so a failure can be run again.
 * @throws Error for any other value, rather than running with a seed nobody asked for.
 */
export function testSeed(): number {
  const value = process.env.MOMENTO_CHAT_SEED?.trim();
  if (value === undefined || value === '') return FIXED_SEED;
  if (value === 'random') return randomInt(0, 2 ** 32);
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`MOMENTO_CHAT_SEED must be a non-negative integer or 'random', not ${JSON.stringify(value)}`);
  return seed;
}
