import { MomentoErrorCode, type CacheClient, type TopicClient } from '@gomomento/sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom, clientOnlyScopes, isChatError } from '../../src/index.js';
import { cacheClientFor, topicClientFor } from './support/clients.js';
import { useLocalServer } from './support/local-server.js';
import { errorCodeOf } from './support/outcomes.js';
import { waitFor } from './support/time.js';
import { ChatUsers, ids, listEntries, listIds, receivedId, record } from './support/chat.js';

const CACHE = 'chat';
const OTHER_CACHE = 'chat-other';

describe('chat rooms over the real SDK with client-only tokens', () => {
  const env = useLocalServer({ caches: [CACHE, OTHER_CACHE] });
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => users.closeAll());

  it("shows the sender's own message verified once its echo arrives, without a second message event", async () => {
    const ann = await users.add({ cacheName: CACHE, roomId: 'echo', userId: 'ann' });
    await ann.room.join();
    const sent = await ann.room.send('mine');
    expect(sent.sender.tokenId).toBeUndefined();
    await waitFor(() => ann.room.messages[0]?.sender.tokenId === 'ann', 5000, 'the echo of the own message');
    expect(ids(ann.room.messages)).toEqual([sent.id]);
    expect(ids(ann.events.messages)).toEqual([sent.id]);
  });

  it('delivers each message to its own room only, with claims, metadata and the verified tokenId live', async () => {
    const ann = await users.add({ cacheName: CACHE, roomId: 'lobby', userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId: 'lobby', userId: 'bob' });
    const cat = await users.add({ cacheName: CACHE, roomId: 'games', userId: 'cat' });
    const dan = await users.add({ cacheName: CACHE, roomId: 'games', userId: 'dan' });
    // The same room name in another cache is another room.
    const fay = await users.add({ cacheName: OTHER_CACHE, roomId: 'lobby', userId: 'fay' });
    for (const user of [ann, bob, cat, dan, fay]) await user.room.join();

    const a1 = await ann.room.send('hello lobby', { metadata: { mood: 'happy', tags: ['a', 'b'], n: 1.5, nested: { ok: true, none: null } } });
    const g1 = await cat.room.send('hello games');
    const f1 = await fay.room.send('hello other cache');
    // Sent after the others: a misrouted g1 or f1 would reach bob's stream before a2.
    const a2 = await ann.room.send('second');
    const g2 = await cat.room.send('second game');
    await receivedId(bob.events, a2.id);
    await receivedId(dan.events, g2.id);

    expect(ids(bob.events.messages)).toEqual([a1.id, a2.id]);
    expect(ids(dan.events.messages)).toEqual([g1.id, g2.id]);
    const [live] = bob.events.messages;
    expect(live).toMatchObject({
      id: a1.id,
      text: 'hello lobby',
      timestamp: a1.timestamp,
      sender: { claims: { displayName: 'ann', userId: 'ann' }, tokenId: 'ann' },
      metadata: { mood: 'happy', tags: ['a', 'b'], n: 1.5, nested: { ok: true, none: null } },
    });
    expect(dan.events.messages.map((m) => m.sender.tokenId)).toEqual(['cat', 'cat']);
    expect(ids(bob.room.messages)).toEqual([a1.id, a2.id]);
    expect(ids(fay.room.messages)).toEqual([f1.id]);
    expect(await listIds(env.clients.cache, CACHE, 'lobby')).toEqual([a1.id, a2.id]);
    expect(await listIds(env.clients.cache, CACHE, 'games')).toEqual([g1.id, g2.id]);
    expect(await listIds(env.clients.cache, OTHER_CACHE, 'lobby')).toEqual([f1.id]);

    // History carries the claims and metadata but no verified sender.
    const eve = await users.add({ cacheName: CACHE, roomId: 'lobby', userId: 'eve' });
    const history = await eve.room.join();
    expect(ids(history)).toEqual([a1.id, a2.id]);
    expect(history[0]).toEqual({ id: a1.id, text: 'hello lobby', timestamp: a1.timestamp, sender: { claims: { displayName: 'ann', userId: 'ann' } }, metadata: a1.metadata });
    expect(history.every((m) => m.sender.tokenId === undefined)).toBe(true);
    expect(eve.events.messages).toEqual([]);
    for (const user of [ann, bob, cat, dan, eve, fay]) expect(user.events.errors).toEqual([]);
  });

  describe('a client-only token for one room reaches nothing else', () => {
    const ROOM_A = { cacheName: CACHE, roomId: 'room-a' };
    const TARGETS = [
      { target: 'another room of the same cache', cacheName: CACHE, roomId: 'room-b' },
      { target: 'the same room name in another cache', cacheName: OTHER_CACHE, roomId: 'room-a' },
      { target: 'another room of another cache', cacheName: OTHER_CACHE, roomId: 'room-b' },
    ];
    type RawCall = (clients: { cache: CacheClient; topics: TopicClient }, cacheName: string, roomId: string) => Promise<{ type: string; toString(): string }>;
    const RAW_CALLS: Array<[string, RawCall]> = [
      ['listFetch', (c, cache, room) => c.cache.listFetch(cache, room)],
      ['listPushBack', (c, cache, room) => c.cache.listPushBack(cache, room, 'intruder')],
      ['publish', (c, cache, room) => c.topics.publish(cache, room, 'intruder')],
      [
        'subscribe',
        async (c, cache, room) => {
          const response = await c.topics.subscribe(cache, room, { onItem: () => undefined, onError: () => undefined });
          if (response.type === 'Subscription') response.unsubscribe();
          return response;
        },
      ],
    ];
    const CELLS = TARGETS.flatMap((t) => RAW_CALLS.map(([call, run]) => ({ ...t, call, run })));

    async function roomAUser() {
      return users.add({ ...ROOM_A, userId: 'ann' });
    }

    it('vends exactly the item and topic of the room, in two scopes', () => {
      expect(clientOnlyScopes(ROOM_A)).toEqual({
        cache: { permissions: [{ role: 'readwrite', cache: CACHE, item: { key: 'room-a' } }] },
        topics: { permissions: [{ role: 'publishsubscribe', cache: CACHE, topic: 'room-a' }] },
      });
    });

    it.each(RAW_CALLS)('allows %s on its own room (the control)', async (_call, run) => {
      const ann = await roomAUser();
      const response = await run({ cache: ann.cacheClient, topics: ann.topicClient }, ROOM_A.cacheName, ROOM_A.roomId);
      expect(response.type, response.toString()).not.toBe('Error');
    });

    it.each(CELLS)('denies $call on $target through the raw SDK clients', async ({ cacheName, roomId, run }) => {
      const seeded = await env.clients.cache.listPushBack(cacheName, roomId, 'seeded');
      expect(seeded.type).toBe('Success');
      const ann = await roomAUser();
      const response = await run({ cache: ann.cacheClient, topics: ann.topicClient }, cacheName, roomId);
      expect(errorCodeOf(response)).toBe(MomentoErrorCode.PERMISSION_ERROR);
      expect((await listEntries(env.clients.cache, cacheName, roomId)).includes('intruder')).toBe(false);
    });

    it('keeps the two tokens apart: the cache token cannot use the topic, nor the topic token the list', async () => {
      const ann = await roomAUser();
      const listWithTopicToken = await cacheClientFor(env.momento, ann.tokens.topicToken);
      try {
        expect(errorCodeOf(await listWithTopicToken.listFetch(CACHE, 'room-a'))).toBe(MomentoErrorCode.PERMISSION_ERROR);
        expect(errorCodeOf(await listWithTopicToken.listPushBack(CACHE, 'room-a', 'x'))).toBe(MomentoErrorCode.PERMISSION_ERROR);
      } finally {
        listWithTopicToken.close();
      }
      const topicWithCacheToken = topicClientFor(env.momento, ann.tokens.cacheToken);
      expect(errorCodeOf(await topicWithCacheToken.publish(CACHE, 'room-a', 'x'))).toBe(MomentoErrorCode.PERMISSION_ERROR);
      const subscribed = await topicWithCacheToken.subscribe(CACHE, 'room-a', { onItem: () => undefined, onError: () => undefined });
      if (subscribed.type === 'Subscription') subscribed.unsubscribe();
      expect(errorCodeOf(subscribed)).toBe(MomentoErrorCode.PERMISSION_ERROR);
    });

    it.each(TARGETS)('a ChatRoom for $target built with room A’s clients fails to join with PERMISSION_DENIED', async ({ cacheName, roomId }) => {
      const ann = await roomAUser();
      const owner = await users.add({ cacheName, roomId, userId: 'owner' });
      // Both of A's clients (the subscribe is refused); A's list client with the target's own topic client
      // (the history read is refused); the target's list client with A's topic client.
      const mixes = [
        { cacheClient: ann.cacheClient, topicClient: ann.topicClient },
        { cacheClient: ann.cacheClient, topicClient: owner.topicClient },
        { cacheClient: owner.cacheClient, topicClient: ann.topicClient },
      ];
      for (const clients of mixes) {
        const room = new ChatRoom({ ...clients, cacheName, roomId });
        const events = record(room);
        const failure = await room.join().then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(isChatError(failure) && failure.code).toBe('PERMISSION_DENIED');
        expect(isChatError(failure) && failure.momentoErrorCode).toBe(MomentoErrorCode.PERMISSION_ERROR);
        expect(room.status).toBe('failed');
        expect(events.statuses).toEqual(['joining', 'failed']);
        expect(room.messages).toEqual([]);
        await room.leave();
      }
    });
  });
});
