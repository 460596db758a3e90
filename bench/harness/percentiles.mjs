// Percentiles of samples, by the nearest-rank method: p99 of 1000 samples is the 990th smallest.

/** @param {number[]} sorted ascending @param {number} p 0 to 100 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** @param {number[]} samples @returns {{ count: number, p50: number, p90: number, p99: number, mean: number }} */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { count: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), mean: sum / sorted.length };
}
