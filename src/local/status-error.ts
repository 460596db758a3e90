/**
 * gRPC status codes the local server answers with. Values are the wire numbers.
 */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status number. */
export type StatusCode = (typeof Status)[keyof typeof Status];

/**
 * An error a handler throws to end a call with a gRPC status. `err` becomes the `err` trailer,
 * which Momento's SDKs read to tell apart causes that share a status.
 */
export class StatusError extends Error {
  override name = 'StatusError';
  constructor(
    readonly code: StatusCode,
    readonly details: string,
    readonly err?: string,
  ) {
    super(details);
  }
}

export const invalidArgument = (details: string): StatusError =>
  new StatusError(Status.INVALID_ARGUMENT, details, 'invalid_argument');

export const cacheNotFound = (cacheName: string): StatusError =>
  new StatusError(Status.NOT_FOUND, `cache not found: ${cacheName}`, 'cache_not_found');

export const permissionDenied = (details: string): StatusError =>
  new StatusError(Status.PERMISSION_DENIED, details, 'permission_denied');

export const unauthenticated = (details: string): StatusError =>
  new StatusError(Status.UNAUTHENTICATED, details, 'authentication_failed');

export const failedPrecondition = (details: string): StatusError =>
  new StatusError(Status.FAILED_PRECONDITION, details, 'failed_precondition');

/** The limit errors carry the words the SDKs match on to pick their message ("item size", "request limit"...). */
export const itemTooLarge = (limit: number): StatusError =>
  new StatusError(Status.RESOURCE_EXHAUSTED, `item size limit exceeded: items are at most ${limit} bytes`, 'item_size_limit_exceeded');

export const elementTooLarge = (limit: number): StatusError =>
  new StatusError(
    Status.RESOURCE_EXHAUSTED,
    `element size limit exceeded: collection elements are at most ${limit} bytes`,
    'element_size_limit_exceeded',
  );

export const publishTooLarge = (limit: number): StatusError =>
  new StatusError(
    Status.RESOURCE_EXHAUSTED,
    `message exceeds the request limit: topic messages are at most ${limit} bytes`,
    'request_size_limit_exceeded',
  );

export const subscribersExhausted = (limit: number): StatusError =>
  new StatusError(
    Status.RESOURCE_EXHAUSTED,
    `too many subscribers: at most ${limit} concurrent subscriptions`,
    'topic_subscriptions_limit_exceeded',
  );

/** Gives any thrown value a status, so a bug in a handler answers INTERNAL instead of crashing the server. */
export function toStatusError(error: unknown): StatusError {
  if (error instanceof StatusError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StatusError(Status.INTERNAL, `internal error: ${message}`);
}
