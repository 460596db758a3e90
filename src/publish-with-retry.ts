import { ChatError, callMomento, fromMomentoError } from './errors.js';
import type { ChatTopicClient } from './momento-ports.js';

// A message already stored is published again with the same id on a transient failure: readers
// de-duplicate by id, so a retry can only fill a gap, never double a message.
const PUBLISH_ATTEMPTS = 3;
const FINAL_MOMENTO_CODES = new Set(['PERMISSION_ERROR', 'AUTHENTICATION_ERROR', 'NOT_FOUND_ERROR', 'LIMIT_EXCEEDED_ERROR', 'INVALID_ARGUMENT_ERROR']);

/**
 * Publishes a message that is already in the history.
 * @throws ChatError DELIVERY_FAILED when every attempt failed, or at once on an error that a retry cannot fix.
 */
export async function publishStored(topicClient: ChatTopicClient, cacheName: string, roomId: string, id: string, encoded: string): Promise<void> {
  let failure: ChatError | undefined;
  for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
    const published = await callMomento('publish', () => topicClient.publish(cacheName, roomId, encoded)).catch((error: ChatError) => error);
    if (!(published instanceof Error) && published.type !== 'Error') return;
    failure = published instanceof Error ? published : fromMomentoError('publish', published);
    if (failure.momentoErrorCode !== undefined && FINAL_MOMENTO_CODES.has(failure.momentoErrorCode)) break;
  }
  throw new ChatError('DELIVERY_FAILED', `unable to deliver message ${id} live; it is stored in the history (${failure?.message})`, {
    cause: failure,
    momentoErrorCode: failure?.momentoErrorCode,
    messageId: id,
  });
}
