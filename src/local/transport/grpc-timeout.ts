/** Milliseconds in one unit of a `grpc-timeout` value (gRPC over HTTP/2 spec: Hours, Minutes, Seconds, milli, micro, nano). */
const UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/** The longest delay a Node timer takes (about 24.8 days); a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Reads a `grpc-timeout` header (`<up to 8 digits><unit>`; grpc-web sends milliseconds, `1500m`).
 * @returns the timeout in whole milliseconds (at least 1), or undefined when the header is absent or malformed,
 * which gRPC treats as no deadline. A timeout longer than a timer can wait (`99999999S` is over 3 years) is
 * no deadline too.
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^(\d{1,8})([HMSmun])$/.exec(value.trim());
  if (!match) return undefined;
  const ms = Math.max(1, Math.ceil(Number(match[1]) * UNIT_MS[match[2]!]!));
  return ms > MAX_TIMER_MS ? undefined : ms;
}
