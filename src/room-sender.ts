import type { ResolvedRoomOptions } from './chat-room-options.js';
import { callMomento, fromMomentoError, type ChatError } from './errors.js';
import type { ChatMessage } from './message.js';
import type { CollectionTtlLike } from './momento-ports.js';
import type { PendingModeration } from './pending-moderation.js';
import { publishStored } from './publish-with-retry.js';
import { inputTopicOf } from './room-names.js';

/** A CollectionTtl by its shape, so the library needs no runtime import of sdk-core. */
export const collectionTtl = (seconds: number): CollectionTtlLike => ({
  ttlSeconds: () => seconds,
  ttlMilliseconds: () => seconds * 1000,
  refreshTtl: () => true,
});

/**
 * Client-only mode: writes the history (trimmed, TTL refreshed), then publishes. Writing first means a
 * message is never live but missing from the history a joiner reads.
 * @param onStored runs once the message is stored, before it is published.
 */
export async function storeAndPublish(options: ResolvedRoomOptions, id: string, encoded: string, onStored: () => void): Promise<void> {
  const { cacheClient, topicClient, cacheName, roomId } = options;
  const stored = await callMomento('send', () =>
    cacheClient.listPushBack(cacheName, roomId, encoded, { truncateFrontToSize: options.historyLength, ttl: collectionTtl(options.historyTtlSeconds) }),
  );
  if (stored.type === 'Error') throw fromMomentoError('send', stored);
  onStored();
  await publishStored(topicClient, cacheName, roomId, id, encoded);
}

/**
 * Moderated mode: publishes to the room's input topic and waits for the moderator's answer on the room.
 * @returns the message as the moderator stored it.
 */
export async function submitForModeration(options: ResolvedRoomOptions, pending: PendingModeration, id: string, encoded: string): Promise<ChatMessage> {
  const { topicClient, cacheName, roomId } = options;
  // Waiting starts before the publish: a fast moderator may answer before the publish call returns.
  const answer = pending.expect(id);
  // It may fail while the publish is in flight (a fast rejection, a leave), before the caller holds it:
  // marked as handled, or that is an unhandled rejection. The caller still gets the failure.
  answer.catch(() => undefined);
  try {
    const published = await callMomento('send', () => topicClient.publish(cacheName, inputTopicOf(roomId), encoded));
    if (published.type === 'Error') throw fromMomentoError('send', published);
  } catch (error) {
    pending.fail(id, error as ChatError);
  }
  return answer;
}
