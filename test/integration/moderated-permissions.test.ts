import { MomentoErrorCode, type CacheClient, type TopicClient } from '@gomomento/sdk';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isChatError, moderatedClientScopes, moderatorScopes, vendModeratedClientTokens, vendModeratorTokens, type RoomTokens } from '../../src/index.js';
import { Moderator } from '../../src/moderator/index.js';
import { cacheClientFor, topicClientFor } from './support/clients.js';
import { listEntries } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { acceptAll } from './support/moderated.js';
import { outcome } from './support/outcomes.js';

const CACHE = 'chat';
const OTHER_CACHE = 'chat-other';
const DENIED = `Error:${MomentoErrorCode.PERMISSION_ERROR}`;

type Response = { type: string; toString(): string };
type Clients = { cache: CacheClient; topics: TopicClient };
type Call = (clients: Clients, cacheName: string, target: string) => Promise<Response>;

async function subscribeOnce(topics: TopicClient, cacheName: string, topic: string): Promise<Response> {
  const response = await topics.subscribe(cacheName, topic, { onItem: () => undefined, onError: () => undefined });
  if (response.type === 'Subscription') response.unsubscribe();
  return response;
}

const listFetch: Call = (c, cache, room) => c.cache.listFetch(cache, room);
const listPushBack: Call = (c, cache, room) => c.cache.listPushBack(cache, room, 'intruder');
const set: Call = (c, cache, key) => c.cache.set(cache, key, 'intruder');
const increment: Call = (c, cache, key) => c.cache.increment(cache, key, 1);
const setIfAbsent: Call = (c, cache, key) => c.cache.setIfAbsent(cache, key, 'intruder');
const publish: Call = (c, cache, topic) => c.topics.publish(cache, topic, 'intruder');
const subscribe: Call = (c, cache, topic) => subscribeOnce(c.topics, cache, topic);

/** One probe: a raw SDK call on a name, and what it must answer. */
type Cell = [label: string, call: Call, cacheName: string, target: string, expected: string];

/** Runs every cell and returns `label → outcome`, so one comparison shows every cell that differs. */
async function outcomes(clients: Clients, cells: Cell[]): Promise<{ actual: Record<string, string>; expected: Record<string, string> }> {
  const actual: Record<string, string> = {};
  const expected: Record<string, string> = {};
  for (const [label, call, cacheName, target, wanted] of cells) {
    actual[label] = outcome(await call(clients, cacheName, target));
    expected[label] = wanted;
  }
  return { actual, expected };
}

describe('moderated mode: what the vended tokens allow', () => {
  const env = useLocalServer({ caches: [CACHE, OTHER_CACHE] });
  const closing: CacheClient[] = [];
  afterEach(() => {
    for (const client of closing.splice(0)) client.close();
  });

  /** The raw SDK clients of one pair of vended tokens. */
  async function clientsOf(tokens: RoomTokens): Promise<Clients> {
    const cache = await cacheClientFor(env.momento, tokens.cacheToken);
    closing.push(cache);
    return { cache, topics: topicClientFor(env.momento, tokens.topicToken) };
  }

  beforeEach(async () => {
    // Every list probed exists, so an allowed read is a Hit.
    for (const [cacheName, roomId] of [[CACHE, 'lobby'], [CACHE, 'vip'], [OTHER_CACHE, 'lobby']] as const) {
      expect((await env.clients.cache.listPushBack(cacheName, roomId, 'seeded')).type).toBe('Success');
    }
  });

  describe('a member of a moderated room', () => {
    let member: Clients;
    beforeAll(async () => {
      member = await clientsOf(await vendModeratedClientTokens(env.clients.auth, { cacheName: CACHE, roomId: 'lobby', userId: 'ann' }));
    });

    it('vends a read-only list, publish-only input topic and subscribe-only room topic', () => {
      expect(moderatedClientScopes({ cacheName: CACHE, roomId: 'lobby' })).toEqual({
        cache: { permissions: [{ role: 'readonly', cache: CACHE, item: { key: 'lobby' } }] },
        topics: {
          permissions: [
            { role: 'publishonly', cache: CACHE, topic: 'lobby-input' },
            { role: 'subscribeonly', cache: CACHE, topic: 'lobby' },
          ],
        },
      });
    });

    it('can read the history, publish to the input topic and subscribe to the room; nothing else, anywhere', async () => {
      const cells: Cell[] = [
        ['read its list', listFetch, CACHE, 'lobby', 'Hit'],
        ['publish to its input topic', publish, CACHE, 'lobby-input', 'Success'],
        ['subscribe to its room topic', subscribe, CACHE, 'lobby', 'Subscription'],
        ['push to its list', listPushBack, CACHE, 'lobby', DENIED],
        ['set its list key', set, CACHE, 'lobby', DENIED],
        ['publish to its room topic', publish, CACHE, 'lobby', DENIED],
        ['subscribe to its input topic', subscribe, CACHE, 'lobby-input', DENIED],
        ['bump its room sequence', increment, CACHE, 'lobby#seq', DENIED],
        ['claim a message id of its room', setIfAbsent, CACHE, 'lobby#seen#01JAAAAAAAAAAAAAAAAAAAAAAA', DENIED],
        ['read another room list', listFetch, CACHE, 'vip', DENIED],
        ['push to another room list', listPushBack, CACHE, 'vip', DENIED],
        ['publish to another room topic', publish, CACHE, 'vip', DENIED],
        ['subscribe to another room topic', subscribe, CACHE, 'vip', DENIED],
        ['publish to another room input', publish, CACHE, 'vip-input', DENIED],
        ['subscribe to another room input', subscribe, CACHE, 'vip-input', DENIED],
        ['read its room name in another cache', listFetch, OTHER_CACHE, 'lobby', DENIED],
        ['publish to its input name in another cache', publish, OTHER_CACHE, 'lobby-input', DENIED],
        ['subscribe to its room name in another cache', subscribe, OTHER_CACHE, 'lobby', DENIED],
      ];
      const { actual, expected } = await outcomes(member, cells);
      expect(actual).toEqual(expected);
      for (const [cacheName, roomId] of [[CACHE, 'lobby'], [CACHE, 'vip'], [OTHER_CACHE, 'lobby']] as const) {
        expect(await listEntries(env.clients.cache, cacheName, roomId)).not.toContain('intruder');
      }
    });

    it('keeps its two tokens apart: the list token opens no topic, the topic token no list', async () => {
      const tokens = await vendModeratedClientTokens(env.clients.auth, { cacheName: CACHE, roomId: 'lobby', userId: 'ann' });
      const crossed = await clientsOf({ ...tokens, cacheToken: tokens.topicToken, topicToken: tokens.cacheToken });
      const { actual, expected } = await outcomes(crossed, [
        ['read its list with the topic token', listFetch, CACHE, 'lobby', DENIED],
        ['publish its input with the list token', publish, CACHE, 'lobby-input', DENIED],
        ['subscribe its room with the list token', subscribe, CACHE, 'lobby', DENIED],
      ]);
      expect(actual).toEqual(expected);
    });
  });

  describe('a moderator', () => {
    let moderator: Clients;
    let tokens: RoomTokens;
    beforeAll(async () => {
      tokens = await vendModeratorTokens(env.clients.auth, { cacheName: CACHE, roomIds: ['lobby', 'help'] });
      moderator = await clientsOf(tokens);
    });

    it('vends, per room, the list and its own keys, the input to read and the room to publish', () => {
      expect(moderatorScopes({ cacheName: CACHE, roomIds: ['lobby'] })).toEqual({
        cache: {
          permissions: [
            { role: 'readwrite', cache: CACHE, item: { key: 'lobby' } },
            { role: 'readwrite', cache: CACHE, item: { keyPrefix: 'lobby#' } },
          ],
        },
        topics: {
          permissions: [
            { role: 'subscribeonly', cache: CACHE, topic: 'lobby-input' },
            { role: 'publishonly', cache: CACHE, topic: 'lobby' },
          ],
        },
      });
    });

    it('can do its work in its rooms and cannot touch a room outside its roomIds', async () => {
      const cells: Cell[] = [
        ['read a room list', listFetch, CACHE, 'lobby', 'Hit'],
        ['push to a room list', listPushBack, CACHE, 'help', 'Success'],
        ['bump a room sequence', increment, CACHE, 'lobby#seq', 'Success'],
        ['claim a message id', setIfAbsent, CACHE, 'help#seen#01JAAAAAAAAAAAAAAAAAAAAAAA', 'Stored'],
        ['subscribe to a room input', subscribe, CACHE, 'lobby-input', 'Subscription'],
        ['publish to a room topic', publish, CACHE, 'help', 'Success'],
        ['publish to a room input', publish, CACHE, 'lobby-input', DENIED],
        ['subscribe to a room topic', subscribe, CACHE, 'lobby', DENIED],
        ['read another room list', listFetch, CACHE, 'vip', DENIED],
        ['push to another room list', listPushBack, CACHE, 'vip', DENIED],
        ['bump another room sequence', increment, CACHE, 'vip#seq', DENIED],
        ['claim an id of another room', setIfAbsent, CACHE, 'vip#seen#01JAAAAAAAAAAAAAAAAAAAAAAA', DENIED],
        ['subscribe to another room input', subscribe, CACHE, 'vip-input', DENIED],
        ['publish to another room topic', publish, CACHE, 'vip', DENIED],
        ['push to its room name in another cache', listPushBack, OTHER_CACHE, 'lobby', DENIED],
        ['subscribe to its input name in another cache', subscribe, OTHER_CACHE, 'lobby-input', DENIED],
      ];
      const { actual, expected } = await outcomes(moderator, cells);
      expect(actual).toEqual(expected);
      expect(await listEntries(env.clients.cache, CACHE, 'vip')).not.toContain('intruder');
    });

    it('cannot watch a room outside its roomIds: PERMISSION_DENIED, and it watches nothing new', async () => {
      const running = new Moderator({ cacheClient: moderator.cache, topicClient: moderator.topics, cacheName: CACHE, moderate: acceptAll });
      try {
        await running.watch('lobby');
        const failure = await running.watch('vip').catch((error: unknown) => error);
        expect(isChatError(failure) && [failure.code, failure.momentoErrorCode]).toEqual(['PERMISSION_DENIED', MomentoErrorCode.PERMISSION_ERROR]);
        expect(running.rooms).toEqual(['lobby']);
      } finally {
        await running.stop();
      }
    });
  });
});
