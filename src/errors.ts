import type { MomentoErrorResponse } from './momento-ports.js';

/**
 * Every code a {@link ChatError} carries. Stable strings: match on them, never on messages.
 *
 * | code | when |
 * |---|---|
 * | `INVALID_ARGUMENT` | bad options, empty text, metadata that is not a plain JSON object, an id from `generateId` that is not a ULID (or, moderated, that a send still waits on), `join()` while joining or joined |
 * | `MESSAGE_TOO_LARGE` | the encoded message exceeds the room's limit (at most Momento's 4 KB topic limit) |
 * | `NOT_JOINED` | `send` or `loadOlder` before `join()` resolved, or after `leave()`; a `join()` that `leave()` interrupted; a `loadOlder()` or moderated `send` that `leave()` or a failed subscription interrupted |
 * | `PERMISSION_DENIED` | the token does not allow the call (Momento `PERMISSION_ERROR`) |
 * | `AUTHENTICATION_FAILED` | the token is unknown or expired (Momento `AUTHENTICATION_ERROR`) |
 * | `CACHE_NOT_FOUND` | the cache does not exist (Momento `NOT_FOUND_ERROR`) |
 * | `LIMIT_EXCEEDED` | a Momento limit was hit (Momento `LIMIT_EXCEEDED_ERROR`) |
 * | `MOMENTO_ERROR` | any other Momento error; `momentoErrorCode` says which. Also a `clients` function that threw or gave nothing in time, a subscribe not answered in time, a `close()` that threw |
 * | `DELIVERY_FAILED` | the message was stored in history but could not be published live |
 * | `MESSAGE_REJECTED` | moderated mode: the moderator rejected the message; `reason` says why |
 * | `MODERATION_TIMEOUT` | moderated mode: the moderator did not answer in time; the message may still appear |
 * | `LISTENER_FAILED` | (an `error` event) a listener of yours threw; `cause` is what it threw, and the other listeners still ran |
 * | `MALFORMED_MESSAGE` | (an `error` event) an entry of the history or an item on the topic is not a momento-chat message (not JSON, binary, over 4 KB, of another version or room, missing or invalid fields, hostile keys); it is skipped, and `raw` holds it as received |
 */
export type ChatErrorCode =
  | 'INVALID_ARGUMENT'
  | 'MESSAGE_TOO_LARGE'
  | 'NOT_JOINED'
  | 'PERMISSION_DENIED'
  | 'AUTHENTICATION_FAILED'
  | 'CACHE_NOT_FOUND'
  | 'LIMIT_EXCEEDED'
  | 'MOMENTO_ERROR'
  | 'DELIVERY_FAILED'
  | 'MESSAGE_REJECTED'
  | 'MODERATION_TIMEOUT'
  | 'LISTENER_FAILED'
  | 'MALFORMED_MESSAGE';

const BRAND = Symbol.for('momento-chat.ChatError');

/**
 * The one error type of momento-chat. `code` is stable; `cause` holds the underlying error (for
 * Momento errors, the SDK's error object) and `momentoErrorCode` the Momento code, when there is one.
 */
export class ChatError extends Error {
  /** Always `ChatError`. */
  override name = 'ChatError';
  /** What went wrong, as a stable string. */
  readonly code: ChatErrorCode;
  /** The `MomentoErrorCode` behind the error, when Momento answered with one. */
  readonly momentoErrorCode?: string;
  /** MESSAGE_REJECTED: the moderator's reason. */
  readonly reason?: string;
  /** DELIVERY_FAILED, MESSAGE_REJECTED, MODERATION_TIMEOUT: the id of the message, to match a late copy to its send. */
  readonly messageId?: string;
  /**
   * MALFORMED_MESSAGE: the history entry (a string) or topic item (a string, or the bytes of a binary
   * item) as received, to log or inspect. Anyone who can write the room may have written it: never trust it.
   */
  readonly raw?: string | Uint8Array;

  /**
   * Creates an error; the library throws these, apps rarely need to.
   * @param code what went wrong.
   * @param message lowercase, "unable to <operation>; <reason>".
   * @param options `cause` (the underlying error), `momentoErrorCode`, a moderator's `reason`, the `messageId` concerned, and the `raw` entry of a malformed message.
   */
  constructor(
    code: ChatErrorCode,
    message: string,
    options: { cause?: unknown; momentoErrorCode?: string; reason?: string; messageId?: string; raw?: string | Uint8Array } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.momentoErrorCode !== undefined) this.momentoErrorCode = options.momentoErrorCode;
    if (options.reason !== undefined) this.reason = options.reason;
    if (options.messageId !== undefined) this.messageId = options.messageId;
    if (options.raw !== undefined) this.raw = options.raw;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether a value is a {@link ChatError}, even one thrown by another copy of momento-chat.
 * @param value anything caught.
 * @returns true for a ChatError.
 * @example
 * ```ts
 * try {
 *   await room.send('');
 * } catch (error) {
 *   if (isChatError(error) && error.code === 'INVALID_ARGUMENT') console.log(error.message);
 * }
 * ```
 */
export function isChatError(value: unknown): value is ChatError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

const CODE_OF_MOMENTO: Record<string, ChatErrorCode> = {
  PERMISSION_ERROR: 'PERMISSION_DENIED',
  AUTHENTICATION_ERROR: 'AUTHENTICATION_FAILED',
  NOT_FOUND_ERROR: 'CACHE_NOT_FOUND',
  CACHE_NOT_FOUND_ERROR: 'CACHE_NOT_FOUND',
  LIMIT_EXCEEDED_ERROR: 'LIMIT_EXCEEDED',
};

/** Turns a Momento error response into a ChatError, so no raw response escapes. */
export function fromMomentoError(operation: string, response: MomentoErrorResponse, messageId?: string): ChatError {
  const momentoErrorCode = response.errorCode();
  return new ChatError(CODE_OF_MOMENTO[momentoErrorCode] ?? 'MOMENTO_ERROR', `unable to ${operation}; ${response.message()}`, {
    cause: response.innerException(),
    momentoErrorCode,
    messageId,
  });
}

/**
 * Runs one Momento client call. A client answers failures with error responses, but one that throws
 * (a bug, a closed client) must still surface as a ChatError, never as a raw exception.
 */
export async function callMomento<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isChatError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ChatError('MOMENTO_ERROR', `unable to ${operation}; the Momento client threw: ${reason}`, { cause: error });
  }
}
