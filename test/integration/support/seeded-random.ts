/** A source of random numbers that a seed fully determines, so a randomised test can be run again exactly. */
export interface SeededRandom {
  /** A number in [0, 1). */
  next(): number;
  /** An integer from `min` to `max`, both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One of `values`, which must not be empty. */
  pick<T>(values: readonly T[]): T;
  /** One of `choices`, drawn in proportion to its weight. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T;
  /**
   * An independent source for one part of a test, seeded from this seed and `label` only: however many
   * numbers other parts draw (which depends on timing), this part draws the same sequence.
   */
  fork(label: string): SeededRandom;
}

/** mulberry32: 32 bits of state, fast, and plenty for test scheduling (not for anything secret). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** FNV-1a of a label, mixed into a seed. */
function mixed(seed: number, label: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * A seeded random source.
 * @param seed any integer; only its low 32 bits count.
 */
export function seededRandom(seed: number): SeededRandom {
  const next = mulberry32(seed);
  const random: SeededRandom = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick(values) {
      if (values.length === 0) throw new Error('nothing to pick from');
      return values[Math.floor(next() * values.length)]!;
    },
    weighted(choices) {
      const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
      let at = next() * total;
      for (const [value, weight] of choices) {
        if (at < weight) return value;
        at -= weight;
      }
      return choices[choices.length - 1]![0];
    },
    fork: (label) => seededRandom(mixed(seed, label)),
  };
  return random;
}
