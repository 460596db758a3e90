// The hand-written relay a moderated room is compared with: what someone would write with the raw
// Node SDK instead of the Moderator. It subscribes to `<room>-input` and, for each item, one at a time
// per room (so it never reorders a room, like the Moderator): increment the room's counter, stamp the
// sender's tokenId, a time and the number into the JSON, listPushBack it (trimmed, TTL refreshed),
// publish it to `<room>`. No hook, no checks: the least a relay can do.
//
// With `claim`, it first claims the message id with setIfAbsent, as the Moderator does so that several
// moderators never store a message twice: the same four calls, to tell that call's cost from the
// library's own.
import { CollectionTtl } from '@gomomento/sdk';

/**
 * @returns {Promise<{ stop(): void, failures: () => number }>}
 */
export async function startRawRelay({ cacheClient, topicClient, cacheName, roomId, historyLength = 100, ttlSeconds = 86_400, claim = false, onRelayed }) {
  const ttl = CollectionTtl.of(ttlSeconds);
  let chain = Promise.resolve();
  let failures = 0;
  const fail = () => {
    failures++;
  };
  async function relay(raw, tokenId) {
    const message = JSON.parse(raw);
    if (claim) {
      const claimed = await cacheClient.setIfAbsent(cacheName, `${roomId}#seen#${message.id}`, tokenId || '-', { ttl: ttlSeconds });
      if (claimed.type !== 'Stored') return fail();
    }
    const counted = await cacheClient.increment(cacheName, `${roomId}#seq`, 1, { ttl: ttlSeconds });
    if (counted.type !== 'Success') return fail();
    message.by = tokenId ?? '';
    message.sts = Date.now();
    message.n = counted.value();
    const encoded = JSON.stringify(message);
    const stored = await cacheClient.listPushBack(cacheName, roomId, encoded, { truncateFrontToSize: historyLength, ttl });
    if (stored.type !== 'Success') return fail();
    const published = await topicClient.publish(cacheName, roomId, encoded);
    if (published.type !== 'Success') return fail();
    onRelayed?.();
  }
  const subscription = await topicClient.subscribe(cacheName, `${roomId}-input`, {
    onItem: (item) => {
      const raw = item.valueString();
      const tokenId = item.tokenId();
      chain = chain.then(() => relay(raw, tokenId)).catch(fail);
    },
    onError: fail,
  });
  if (subscription.type !== 'Subscription') throw new Error(`bench: the raw relay could not subscribe; ${subscription.message()}`);
  return { stop: () => subscription.unsubscribe(), failures: () => failures };
}
