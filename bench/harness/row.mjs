// One row of the results: a figure of momento-chat beside the raw SDK doing the same work, measured in
// the same run, their ratio, the target and its verdict. Every group returns rows of this shape.
import { meets } from './target.mjs';

/**
 * A row judged on the ratio momento-chat / raw.
 * @param {{ group: string, name: string, unit: string, library: number, raw: number, target?: object, note?: string, detail?: object }} row
 */
export function ratioRow({ group, name, unit, library, raw, target, note, detail }) {
  const ratio = library / raw;
  return { group, name, unit, library, raw, ratio, target, judged: 'ratio', verdict: verdictOf(meets(ratio, target)), note, detail };
}

/**
 * A row judged on momento-chat's own figure (bytes of the bundle, heap per room above a raw
 * subscription); the raw figure, if any, is shown beside it, with no ratio (it may be zero or negative).
 */
export function absoluteRow({ group, name, unit, library, raw, target, note, detail }) {
  return { group, name, unit, library, raw, ratio: undefined, target, judged: 'value', verdict: verdictOf(meets(library, target)), note, detail };
}

const verdictOf = (met) => (met === undefined ? 'info' : met ? 'PASS' : 'MISS');
