import { ChatError, callMomento, fromMomentoError } from './errors.js';
import type { ChatTopicClient } from './momento-ports.js';
import { retryTransient } from './transient-retry.js';

/**
 * Publishes to a room's topic what must reach it: a message already in the history, or a moderator's
 * rejection notice (which readers also match by id). A transient failure is retried with the same id:
 * readers de-duplicate by id, so a retry can only fill a gap, never double a message.
 * @param what the failure's text: what could not be delivered, and what that means.
 * @throws ChatError DELIVERY_FAILED, with the last failure as `cause` and its `momentoErrorCode`.
 */
export async function publishWithRetry(topicClient: ChatTopicClient, cacheName: string, roomId: string, id: string, encoded: string, what = `deliver message ${id} live; it is stored in the history`): Promise<void> {
  try {
    await retryTransient(async () => {
      const published = await callMomento('publish', () => topicClient.publish(cacheName, roomId, encoded));
      if (published.type === 'Error') throw fromMomentoError('publish', published);
    });
  } catch (error) {
    const failure = error as ChatError;
    throw new ChatError('DELIVERY_FAILED', `unable to ${what} (${failure.message})`, { cause: failure, momentoErrorCode: failure.momentoErrorCode, messageId: id });
  }
}
