/** How a room waits between attempts to get its live subscription back. */
export interface ReconnectOptions {
  /** The pause before the second attempt, in milliseconds; the first is made at once. Default 250. */
  initialDelayMs?: number;
  /** The longest pause between attempts, in milliseconds. Default 10000. */
  maxDelayMs?: number;
}

/**
 * The pause before attempt `attempt` (0 is the first, made at once): doubling from the initial delay up
 * to the cap, then drawn between half and all of it, so clients that lost Momento together do not all
 * come back in the same instant.
 */
export function backoffDelay(attempt: number, options: Required<ReconnectOptions>, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
