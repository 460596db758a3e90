import {
  AllCaches,
  AllTopics,
  CacheClient,
  CacheRole,
  ExpiresIn,
  MomentoErrorCode,
  TopicClient,
  TopicRole,
  type DisposableTokenScope,
  type PermissionScope,
} from '@gomomento/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authClientFor, cacheClientFor, topicClientFor } from './support/clients.js';
import { useLocalServer } from './support/local-server.js';
import { outcome } from './support/outcomes.js';
import { manualClock, waitFor } from './support/time.js';
import { decodedKey, encodedKey, vendToken } from './support/tokens.js';

const INVALID = `Error:${MomentoErrorCode.INVALID_ARGUMENT_ERROR}`;
const UNAUTHENTICATED = `Error:${MomentoErrorCode.AUTHENTICATION_ERROR}`;
const DENIED = `Error:${MomentoErrorCode.PERMISSION_ERROR}`;

const CACHE = 'tokens';
const TOPIC = 'room';

const everything: PermissionScope = {
  permissions: [
    { role: CacheRole.ReadWrite, cache: AllCaches },
    { role: TopicRole.PublishSubscribe, cache: AllCaches, topic: AllTopics },
  ],
};

describe('disposable tokens through the real AuthClient', () => {
  const clock = manualClock();
  const start = clock.now();
  // A short heartbeat: live subscriptions notice a token that ran out on the next tick.
  const env = useLocalServer({ now: clock.now, caches: [CACHE], heartbeatIntervalMs: 20 });
  const cacheClients: CacheClient[] = [];
  const unsubscribers: Array<() => void> = [];

  async function cacheClient(apiKey: string): Promise<CacheClient> {
    const client = await cacheClientFor(env.momento, apiKey);
    cacheClients.push(client);
    return client;
  }

  /** Subscribes and records items and the first error; the subscription must open. */
  async function subscribe(topics: TopicClient, topic = TOPIC) {
    const items: Array<[string, string | undefined]> = [];
    const errors: string[] = [];
    const response = await topics.subscribe(CACHE, topic, {
      onItem: (item) => items.push([item.valueString(), item.tokenId()]),
      onError: (error) => errors.push(outcome(error)),
    });
    if (response.type !== 'Subscription') throw new Error(`subscribe failed: ${response.toString()}`);
    unsubscribers.push(() => response.unsubscribe());
    return { items, errors };
  }

  beforeAll(async () => {
    for (const key of ['mine', 'not-mine']) {
      // A long TTL: tests move the clock on by minutes.
      const seeded = await env.clients.cache.set(CACHE, key, `value of ${key}`, { ttl: 6 * 60 * 60 });
      if (seeded.type !== 'Success') throw new Error(seeded.toString());
    }
  });
  afterAll(() => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    for (const client of cacheClients) client.close();
  });

  describe('generation rules', () => {
    const readOnly: PermissionScope = { permissions: [{ role: CacheRole.ReadOnly, cache: CACHE }] };

    it.each([
      { life: 'one second', expiresIn: ExpiresIn.seconds(1), expected: 'Success' },
      { life: 'exactly one hour', expiresIn: ExpiresIn.hours(1), expected: 'Success' },
      { life: 'one hour and one second', expiresIn: ExpiresIn.seconds(3601), expected: INVALID },
      { life: 'one day', expiresIn: ExpiresIn.days(1), expected: INVALID },
      { life: 'never', expiresIn: ExpiresIn.never(), expected: INVALID },
    ])('a token living $life → $expected', async ({ expiresIn, expected }) => {
      expect(outcome(await env.clients.auth.generateDisposableToken(readOnly, expiresIn))).toBe(expected);
    });

    const nPermissions = (n: number): PermissionScope => ({
      permissions: Array.from({ length: n }, (_, i) => ({ role: CacheRole.ReadOnly, cache: `cache-${i}` })),
    });

    it.each([
      { n: 1, expected: 'Success' },
      { n: 10, expected: 'Success' },
      { n: 11, expected: INVALID },
    ])('a token with $n explicit permissions → $expected', async ({ n, expected }) => {
      expect(outcome(await env.clients.auth.generateDisposableToken(nPermissions(n), ExpiresIn.minutes(5)))).toBe(expected);
    });

    it.each([
      { length: 64, expected: 'Success' },
      { length: 65, expected: INVALID },
      { length: 500, expected: INVALID },
    ])('a tokenId of $length characters → $expected', async ({ length, expected }) => {
      const response = await env.clients.auth.generateDisposableToken(readOnly, ExpiresIn.minutes(5), { tokenId: 't'.repeat(length) });
      expect(outcome(response)).toBe(expected);
    });

    it('the success response carries expiresAt = issue time + life, in epoch seconds, and the server endpoint', async () => {
      clock.advance(12_345);
      const issuedAt = clock.now();
      const response = await env.clients.auth.generateDisposableToken(readOnly, ExpiresIn.minutes(15));
      expect(outcome(response)).toBe('Success');
      if (response.type !== 'Success') return;
      expect(response.expiresAt.doesExpire()).toBe(true);
      expect(response.expiresAt.epoch()).toBe(Math.floor(issuedAt / 1000) + 15 * 60);
      expect(response.expiresAt.epoch()).toBe(Math.floor(start / 1000) + 12 + 15 * 60);
      expect(response.endpoint).toBe(env.momento.address);
      const decoded = decodedKey(response.authToken);
      expect(decoded.endpoint).toBe(env.momento.address);
      expect(typeof decoded.api_key).toBe('string');
      expect(decoded.api_key).not.toBe('');
      expect(decoded.api_key).not.toBe(decodedKey(env.momento.adminApiKey).api_key);
    });

    it('every token is a distinct key, even with the same scope and tokenId', async () => {
      const a = await vendToken(env.clients.auth, readOnly, { tokenId: 'same' });
      const b = await vendToken(env.clients.auth, readOnly, { tokenId: 'same' });
      expect(decodedKey(a).api_key).not.toBe(decodedKey(b).api_key);
    });
  });

  describe('authentication', () => {
    it.each([
      { what: 'an unknown key', apiKey: 'not-a-key-this-server-issued' },
      { what: 'an admin-looking key it never issued', apiKey: 'mcl-admin-AAAAAAAAAAAAAAAAAAAAAAAA' },
      { what: 'a token-looking key it never issued', apiKey: 'mcl-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      { what: 'a JWT-shaped key', apiKey: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' },
    ])('$what answers AUTHENTICATION_ERROR on every service', async ({ apiKey }) => {
      const key = encodedKey(env.momento, apiKey);
      const cache = await cacheClient(key);
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe(UNAUTHENTICATED);
      expect(outcome(await cache.set(CACHE, 'mine', 'x'))).toBe(UNAUTHENTICATED);
      expect(outcome(await cache.listCaches())).toBe(UNAUTHENTICATED);
      const topics = topicClientFor(env.momento, key);
      expect(outcome(await topics.publish(CACHE, TOPIC, 'x'))).toBe(UNAUTHENTICATED);
      expect(outcome(await topics.subscribe(CACHE, TOPIC, { onItem: () => undefined, onError: () => undefined }))).toBe(UNAUTHENTICATED);
      const auth = authClientFor(env.momento, key);
      expect(outcome(await auth.generateDisposableToken(everything, ExpiresIn.minutes(1)))).toBe(UNAUTHENTICATED);
    });

    it('a tampered token (one character changed) is unknown', async () => {
      const token = await vendToken(env.clients.auth, everything);
      const apiKey = String(decodedKey(token).api_key);
      const tampered = apiKey.slice(0, -1) + (apiKey.endsWith('A') ? 'B' : 'A');
      const cache = await cacheClient(encodedKey(env.momento, tampered));
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe(UNAUTHENTICATED);
      const genuine = await cacheClient(token);
      expect(outcome(await genuine.get(CACHE, 'mine'))).toBe('Hit');
    });

    it('a token stops working when the clock reaches its expiry, on every service', async () => {
      const token = await vendToken(env.clients.auth, everything, { seconds: 60 });
      const cache = await cacheClient(token);
      const topics = topicClientFor(env.momento, token);
      const live = await subscribe(topics);
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe('Hit');

      clock.advance(59_999);
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe('Hit');
      expect(outcome(await topics.publish(CACHE, TOPIC, 'just in time'))).toBe('Success');
      expect(live.errors).toEqual([]);

      clock.advance(1);
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe(UNAUTHENTICATED);
      expect(outcome(await cache.set(CACHE, 'mine', 'late'))).toBe(UNAUTHENTICATED);
      expect(outcome(await topics.publish(CACHE, TOPIC, 'too late'))).toBe(UNAUTHENTICATED);
      expect(outcome(await topics.subscribe(CACHE, TOPIC, { onItem: () => undefined, onError: () => undefined }))).toBe(UNAUTHENTICATED);
      // The open subscription ends with the same error at the server's next heartbeat tick.
      await waitFor(() => live.errors.length > 0, 5000, 'the live subscription to end');
      expect(live.errors).toEqual([UNAUTHENTICATED]);
      expect(live.items.map(([value]) => value)).toEqual(['just in time']);
      // The admin key does not expire.
      expect(outcome(await env.clients.cache.get(CACHE, 'mine'))).toBe('Hit');
    });

    it('faults.expireToken(tokenId) ends that token at once and leaves others alone', async () => {
      const doomed = await vendToken(env.clients.auth, everything, { tokenId: 'doomed' });
      const survivor = await vendToken(env.clients.auth, everything, { tokenId: 'survivor' });
      const doomedCache = await cacheClient(doomed);
      const survivorCache = await cacheClient(survivor);
      const live = await subscribe(topicClientFor(env.momento, doomed));
      expect(outcome(await doomedCache.get(CACHE, 'mine'))).toBe('Hit');

      expect(env.momento.faults.expireToken('doomed')).toBe(1);
      expect(outcome(await doomedCache.get(CACHE, 'mine'))).toBe(UNAUTHENTICATED);
      expect(outcome(await topicClientFor(env.momento, doomed).publish(CACHE, TOPIC, 'x'))).toBe(UNAUTHENTICATED);
      await waitFor(() => live.errors.length > 0, 5000, 'the live subscription to end');
      expect(live.errors).toEqual([UNAUTHENTICATED]);
      expect(outcome(await survivorCache.get(CACHE, 'mine'))).toBe('Hit');
    });

    it('faults.expireToken also takes the api key a token carries', async () => {
      const token = await vendToken(env.clients.auth, everything);
      const cache = await cacheClient(token);
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe('Hit');
      expect(env.momento.faults.expireToken(String(decodedKey(token).api_key))).toBe(1);
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe(UNAUTHENTICATED);
      expect(env.momento.faults.expireToken('no-such-token')).toBe(0);
    });
  });

  describe('tokenId on published items', () => {
    it("TopicItem.tokenId() is the publisher's tokenId, and '' for an admin key or a token without one", async () => {
      const topic = 'stamped';
      const longId = 'x'.repeat(64);
      const live = await subscribe(env.clients.topics, topic);
      const publishers: Array<[TopicClient, string]> = [
        [topicClientFor(env.momento, await vendToken(env.clients.auth, everything, { tokenId: 'alice-device-1' })), 'from alice'],
        [env.clients.topics, 'from the admin'],
        [topicClientFor(env.momento, await vendToken(env.clients.auth, everything)), 'from an anonymous token'],
        [topicClientFor(env.momento, await vendToken(env.clients.auth, everything, { tokenId: longId })), 'from a 64-char id'],
      ];
      for (const [publisher, text] of publishers) expect(outcome(await publisher.publish(CACHE, topic, text))).toBe('Success');
      await waitFor(() => live.items.length >= publishers.length, 5000, 'every item');
      expect(live.items).toEqual([
        ['from alice', 'alice-device-1'],
        ['from the admin', ''],
        ['from an anonymous token', ''],
        ['from a 64-char id', longId],
      ]);
    });

    it('a token subscriber sees the tokenId too', async () => {
      const topic = 'stamped-2';
      const live = await subscribe(topicClientFor(env.momento, await vendToken(env.clients.auth, everything, { tokenId: 'bob' })), topic);
      const alice = topicClientFor(env.momento, await vendToken(env.clients.auth, everything, { tokenId: 'alice' }));
      expect(outcome(await alice.publish(CACHE, topic, 'hi bob'))).toBe('Success');
      await waitFor(() => live.items.length > 0, 5000, 'the item');
      expect(live.items).toEqual([['hi bob', 'alice']]);
    });
  });

  describe('pitfall (momento-wire §5): the SDK widens a mixed item + topic scope to the whole cache', () => {
    const itemOnly: DisposableTokenScope = { permissions: [{ role: CacheRole.ReadWrite, cache: CACHE, item: { key: 'mine' } }] };
    // The shape Momento's docs show. Every permission must have `item` for the SDK to keep item selectors;
    // the topic permission has none, so the SDK sends the cache permission without its item selector.
    const mixed = {
      permissions: [
        { role: CacheRole.ReadWrite, cache: CACHE, item: { key: 'mine' } },
        { role: TopicRole.PublishSubscribe, cache: CACHE, topic: TOPIC },
      ],
    } as DisposableTokenScope;

    it('an item-only token is held to its key', async () => {
      const cache = await cacheClient(await vendToken(env.clients.auth, itemOnly));
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe('Hit');
      expect(outcome(await cache.get(CACHE, 'not-mine'))).toBe(DENIED);
      expect(outcome(await cache.set(CACHE, 'not-mine', 'overwritten'))).toBe(DENIED);
    });

    it('the same item permission plus a topic permission reads and writes every key of the cache', async () => {
      const token = await vendToken(env.clients.auth, mixed);
      const cache = await cacheClient(token);
      expect(outcome(await cache.get(CACHE, 'mine'))).toBe('Hit');
      // Widened: these would be PERMISSION_ERROR if the item selector had reached the server.
      expect(outcome(await cache.get(CACHE, 'not-mine'))).toBe('Hit');
      expect(outcome(await cache.set(CACHE, 'someone-else', 'written by a widened token'))).toBe('Success');
      // Still limited to its cache and topic.
      expect(outcome(await topicClientFor(env.momento, token).publish(CACHE, TOPIC, 'x'))).toBe('Success');
      expect(outcome(await topicClientFor(env.momento, token).publish(CACHE, 'other-topic', 'x'))).toBe(DENIED);
      expect(outcome(await cache.set('some-other-cache', 'mine', 'x'))).toBe(DENIED);
    });
  });
});

describe('a lowered limits.maxTokenLifeSeconds', () => {
  const env = useLocalServer({ limits: { maxTokenLifeSeconds: 60 }, caches: [CACHE] });

  it.each([
    { seconds: 60, expected: 'Success' },
    { seconds: 61, expected: INVALID },
    { seconds: 3600, expected: INVALID },
  ])('a token living $seconds s → $expected', async ({ seconds, expected }) => {
    expect(env.momento.limits.maxTokenLifeSeconds).toBe(60);
    const scope: PermissionScope = { permissions: [{ role: CacheRole.ReadOnly, cache: CACHE }] };
    expect(outcome(await env.clients.auth.generateDisposableToken(scope, ExpiresIn.seconds(seconds)))).toBe(expected);
  });
});
