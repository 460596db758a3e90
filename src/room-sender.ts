import type { ResolvedRoomOptions } from './chat-room-options.js';
import { callMomento, fromMomentoError, type ChatError } from './errors.js';
import type { ChatMessage } from './message.js';
import type { CollectionTtlLike } from './momento-ports.js';
import type { PendingModeration } from './pending-moderation.js';
import { publishWithRetry } from './publish-with-retry.js';
import type { RoomClients } from './room-clients.js';
import { inputTopicOf } from './room-names.js';
import { retryTransient } from './transient-retry.js';

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
export async function storeAndPublish(options: ResolvedRoomOptions, clients: RoomClients, id: string, encoded: string, onStored: () => void): Promise<void> {
  const { cacheName, roomId } = options;
  const { cacheClient, topicClient } = clients;
  // A write that timed out may have landed: written again, the list holds two copies of one id, and
  // readers keep one. Nothing is published until a write is known to have landed.
  await retryTransient(async () => {
    const stored = await callMomento('send', () =>
      cacheClient.listPushBack(cacheName, roomId, encoded, { truncateFrontToSize: options.historyLength, ttl: collectionTtl(options.historyTtlSeconds) }),
    );
    if (stored.type === 'Error') throw fromMomentoError('send', stored, id);
  });
  onStored();
  await publishWithRetry(topicClient, cacheName, roomId, id, encoded);
}

/**
 * Moderated mode: publishes to the room's input topic and waits for the moderator's answer on the room.
 * The wait is bounded by the moderation timeout, whatever the publish call does: the answer may come
 * before the publish call returns, and a publish that hangs must not hold `send` past the timeout.
 * @returns the message as the moderator stored it.
 */
export function submitForModeration(options: ResolvedRoomOptions, clients: () => RoomClients, pending: PendingModeration, id: string, encoded: string): Promise<ChatMessage> {
  const { cacheName, roomId, moderationTimeoutMs } = options;
  // Waiting starts before the publish: a fast moderator may answer before the publish call returns.
  const answer = pending.expect(id);
  // The moderator handles an id once, so publishing the input again is safe: after a transient failure,
  // and, unanswered, at a third and two thirds of the timeout, for an input a moderator missed (its
  // input stream was down; topics are best-effort). Only the first publish's failure fails the send.
  const submit = (): Promise<void> =>
    retryTransient(async () => {
      const published = await callMomento('send', () => clients().topicClient.publish(cacheName, inputTopicOf(roomId), encoded));
      if (published.type === 'Error') throw fromMomentoError('send', published, id);
    });
  submit().catch((error: ChatError) => pending.fail(id, error));
  const again = [1, 2].map((third) =>
    setTimeout(() => {
      if (pending.isWaiting(id)) submit().catch(() => undefined);
    }, (moderationTimeoutMs * third) / 3),
  );
  const stop = (): void => again.forEach(clearTimeout);
  answer.then(stop, stop);
  return answer;
}
