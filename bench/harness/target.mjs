// A target a row is held to, and whether a figure meets it. `at-most` for costs (latency, bytes, a ratio
// of costs), `at-least` for rates (messages per second, a ratio of rates).

/** @param {'at-most' | 'at-least'} kind @param {number} value @param {string} [unit] '×' for a ratio */
export const target = (kind, value, unit = '×') => ({ kind, value, unit });

export function meets(figure, t) {
  if (!t || !Number.isFinite(figure)) return undefined;
  return t.kind === 'at-most' ? figure <= t.value : figure >= t.value;
}

export function describeTarget(t) {
  if (!t) return '—';
  return `${t.kind === 'at-most' ? '≤' : '≥'} ${t.value}${t.unit === '×' ? '×' : ` ${t.unit}`}`;
}
