import { backoffDelay } from './backoff.js';
import { isChatError, type ChatError } from './errors.js';

// Momento codes for a call that may succeed when made again: the service or the network failed, not the
// request. Anything else (permission, token, missing cache, rate limit, bad request) would fail the same way.
const TRANSIENT_CODES = new Set(['SERVER_UNAVAILABLE', 'TIMEOUT_ERROR', 'INTERNAL_SERVER_ERROR', 'UNKNOWN_SERVICE_ERROR', 'CONNECTION_ERROR', 'CANCELLED_ERROR', 'UNKNOWN_ERROR']);

/** Whether a failed call may succeed when made again. LIMIT_EXCEEDED is not: retrying a rate limit only deepens it. */
const isTransient = (error: ChatError): boolean => error.momentoErrorCode !== undefined && TRANSIENT_CODES.has(error.momentoErrorCode);

const ATTEMPTS = 3;
const PAUSES = { initialDelayMs: 50, maxDelayMs: 400 };

/**
 * Runs a call that throws ChatErrors, again after a short jittered pause when it failed transiently, up
 * to three times in all. Only for calls that are safe to repeat: a message write or publish carries its
 * id, and readers keep one copy of an id.
 * @throws ChatError the last failure.
 */
export async function retryTransient<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isChatError(error) || !isTransient(error) || attempt + 1 >= ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt + 1, PAUSES)));
    }
  }
}
