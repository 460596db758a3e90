import { ChatError, callMomento, fromMomentoError } from './errors.js';
import type { ChatTopicClient } from './momento-ports.js';

// A message already stored is published again with the same id on a transient failure: readers
// de-duplicate by id, so a retry can only fill a gap, never double a message.
const PUBLISH_ATTEMPTS = 3;
const FINAL_MOMENTO_CODES = new Set(['PERMISSION_ERROR', 'AUTHENTICATION_ERROR', 'NOT_FOUND_ERROR', 'LIMIT_EXCEEDED_ERROR', 'INVALID_ARGUMENT_ERROR']);

/**
 * Publishes to a room's topic what must reach it: a message already in the history, or a moderator's
 * rejection notice (which readers also match by id).
 * @param what the failure's text: what could not be delivered, and what that means.
 * @throws ChatError DELIVERY_FAILED when every attempt failed, or at once on an error that a retry cannot fix.
 */
export async function publishWithRetry(topicClient: ChatTopicClient, cacheName: string, roomId: string, id: string, encoded: string, what = `deliver message ${id} live; it is stored in the history`): Promise<void> {
  let failure: ChatError | undefined;
  for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    const published = await callMomento('publish', () => topicClient.publish(cacheName, roomId, encoded)).catch((error: ChatError) => error);
    if (!(published instanceof Error) && published.type !== 'Error') return;
    failure = published instanceof Error ? published : fromMomentoError('publish', published);
    if (failure.momentoErrorCode !== undefined && FINAL_MOMENTO_CODES.has(failure.momentoErrorCode)) break;
  }
  throw new ChatError('DELIVERY_FAILED', `unable to ${what} (${failure?.message})`, {
    cause: failure,
    momentoErrorCode: failure?.momentoErrorCode,
    messageId: id,
  });
}
