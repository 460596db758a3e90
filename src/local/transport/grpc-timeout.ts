/** Milliseconds in one unit of a `grpc-timeout` value (gRPC over HTTP/2 spec: Hours, Minutes, Seconds, milli, micro, nano). */
const UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/**
 * Reads a `grpc-timeout` header (`<up to 8 digits><unit>`; grpc-web sends milliseconds, `1500m`).
 * @returns the timeout in whole milliseconds (at least 1), or undefined when the header is absent or malformed,
 * which gRPC treats as no deadline.
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^(\d{1,8})([HMSmun])$/.exec(value.trim());
  if (!match) return undefined;
  return Math.max(1, Math.ceil(Number(match[1]) * UNIT_MS[match[2]!]!));
}
