import {
  AllCaches,
  AllDataReadWrite,
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
import { vendToken } from './support/tokens.js';

const DENIED = `Error:${MomentoErrorCode.PERMISSION_ERROR}`;

const CACHE = 'perm';
const OTHER_CACHE = 'perm-other';
const PREFIX = 'user-';
const VALUE = 'seeded';

type Family = 'scalar' | 'list';
type Access = 'read' | 'write';

interface CacheOp {
  name: 'get' | 'listFetch' | 'set' | 'listPushBack';
  access: Access;
  family: Family;
  /** What the call answers when allowed (every target is seeded, so reads hit). */
  allowed: string;
  run(client: CacheClient, cache: string, key: string): Promise<{ type: string; toString(): string }>;
}

const CACHE_OPS: CacheOp[] = [
  { name: 'get', access: 'read', family: 'scalar', allowed: 'Hit', run: (c, cache, key) => c.get(cache, key) },
  { name: 'listFetch', access: 'read', family: 'list', allowed: 'Hit', run: (c, cache, key) => c.listFetch(cache, key) },
  { name: 'set', access: 'write', family: 'scalar', allowed: 'Success', run: (c, cache, key) => c.set(cache, key, VALUE) },
  { name: 'listPushBack', access: 'write', family: 'list', allowed: 'Success', run: (c, cache, key) => c.listPushBack(cache, key, VALUE) },
];

/** Keys of one family: the selected key, a key that only extends it, and a key outside the prefix. */
const keysOf = (family: Family) => ({ same: `${PREFIX}${family}`, longer: `${PREFIX}${family}-2`, other: `guest-${family}` });

type CacheSelectorKind = 'AllCaches' | 'named cache' | 'item key' | 'item key prefix';

function cacheScope(role: CacheRole, kind: CacheSelectorKind, family: Family): PermissionScope | DisposableTokenScope {
  switch (kind) {
    case 'AllCaches':
      return { permissions: [{ role, cache: AllCaches }] };
    case 'named cache':
      return { permissions: [{ role, cache: CACHE }] };
    case 'item key':
      return { permissions: [{ role, cache: CACHE, item: { key: keysOf(family).same } }] };
    case 'item key prefix':
      return { permissions: [{ role, cache: CACHE, item: { keyPrefix: PREFIX } }] };
  }
}

/** Where each selector kind is probed, and whether the selector covers it. */
const CACHE_TARGETS: Array<{ kind: CacheSelectorKind; target: string; cache: string; key: 'same' | 'longer' | 'other'; selected: boolean }> = [
  { kind: 'AllCaches', target: 'the cache', cache: CACHE, key: 'same', selected: true },
  { kind: 'AllCaches', target: 'another cache', cache: OTHER_CACHE, key: 'other', selected: true },
  { kind: 'named cache', target: 'the same cache', cache: CACHE, key: 'other', selected: true },
  { kind: 'named cache', target: 'another cache', cache: OTHER_CACHE, key: 'same', selected: false },
  { kind: 'item key', target: 'the same key', cache: CACHE, key: 'same', selected: true },
  { kind: 'item key', target: 'another key', cache: CACHE, key: 'other', selected: false },
  { kind: 'item key', target: 'a key that extends it', cache: CACHE, key: 'longer', selected: false },
  { kind: 'item key', target: 'the same key in another cache', cache: OTHER_CACHE, key: 'same', selected: false },
  { kind: 'item key prefix', target: 'the exact prefix match', cache: CACHE, key: 'same', selected: true },
  { kind: 'item key prefix', target: 'a longer matching key', cache: CACHE, key: 'longer', selected: true },
  { kind: 'item key prefix', target: 'a key without the prefix', cache: CACHE, key: 'other', selected: false },
  { kind: 'item key prefix', target: 'a matching key in another cache', cache: OTHER_CACHE, key: 'same', selected: false },
];

const ROLE_ALLOWS: Record<CacheRole, Access[]> = {
  [CacheRole.ReadWrite]: ['read', 'write'],
  [CacheRole.ReadOnly]: ['read'],
  [CacheRole.WriteOnly]: ['write'],
};

const CACHE_CELLS = CACHE_TARGETS.flatMap((t) =>
  [CacheRole.ReadWrite, CacheRole.ReadOnly, CacheRole.WriteOnly].flatMap((role) =>
    CACHE_OPS.map((op) => {
      const expected = t.selected && ROLE_ALLOWS[role].includes(op.access) ? op.allowed : DENIED;
      return { role, kind: t.kind, target: t.target, cache: t.cache, keyName: t.key, op, expected };
    }),
  ),
);

type TopicSelectorKind = 'AllCaches+AllTopics' | 'cache+AllTopics' | 'cache+named topic';
const TOPIC = 'room';

function topicScope(role: TopicRole, kind: TopicSelectorKind): PermissionScope {
  switch (kind) {
    case 'AllCaches+AllTopics':
      return { permissions: [{ role, cache: AllCaches, topic: AllTopics }] };
    case 'cache+AllTopics':
      return { permissions: [{ role, cache: CACHE, topic: AllTopics }] };
    case 'cache+named topic':
      return { permissions: [{ role, cache: { name: CACHE }, topic: { name: TOPIC } }] };
  }
}

const TOPIC_TARGETS: Array<{ kind: TopicSelectorKind; target: string; cache: string; topic: string; selected: boolean }> = [
  { kind: 'AllCaches+AllTopics', target: 'a topic in another cache', cache: OTHER_CACHE, topic: 'anything', selected: true },
  { kind: 'cache+AllTopics', target: 'any topic of the cache', cache: CACHE, topic: 'anything', selected: true },
  { kind: 'cache+AllTopics', target: 'a topic in another cache', cache: OTHER_CACHE, topic: TOPIC, selected: false },
  { kind: 'cache+named topic', target: 'the same topic', cache: CACHE, topic: TOPIC, selected: true },
  { kind: 'cache+named topic', target: 'another topic', cache: CACHE, topic: `${TOPIC}-2`, selected: false },
  { kind: 'cache+named topic', target: 'the same topic in another cache', cache: OTHER_CACHE, topic: TOPIC, selected: false },
];

const TOPIC_ROLE_ALLOWS: Record<TopicRole, Array<'publish' | 'subscribe'>> = {
  [TopicRole.PublishSubscribe]: ['publish', 'subscribe'],
  [TopicRole.SubscribeOnly]: ['subscribe'],
  [TopicRole.PublishOnly]: ['publish'],
};

const TOPIC_CELLS = TOPIC_TARGETS.flatMap((t) =>
  [TopicRole.PublishSubscribe, TopicRole.SubscribeOnly, TopicRole.PublishOnly].flatMap((role) =>
    (['publish', 'subscribe'] as const).map((op) => {
      const allowed = op === 'publish' ? 'Success' : 'Subscription';
      const expected = t.selected && TOPIC_ROLE_ALLOWS[role].includes(op) ? allowed : DENIED;
      return { role, kind: t.kind, target: t.target, cache: t.cache, topic: t.topic, op, expected };
    }),
  ),
);

/** Publishes, or subscribes and unsubscribes at once; answers what the SDK answered. */
async function topicCall(topics: TopicClient, op: 'publish' | 'subscribe', cache: string, topic: string): Promise<string> {
  if (op === 'publish') return outcome(await topics.publish(cache, topic, 'hello'));
  const response = await topics.subscribe(cache, topic, { onItem: () => undefined, onError: () => undefined });
  if (response.type === 'Subscription') response.unsubscribe();
  return outcome(response);
}

describe('disposable-token permissions through the real SDK', () => {
  const env = useLocalServer({ caches: [CACHE, OTHER_CACHE] });
  const cacheClients = new Map<string, CacheClient>();
  const tokens = new Map<string, string>();

  async function tokenFor(label: string, scope: PermissionScope | DisposableTokenScope): Promise<string> {
    let token = tokens.get(label);
    if (token === undefined) {
      token = await vendToken(env.clients.auth, scope);
      tokens.set(label, token);
    }
    return token;
  }

  async function cacheClientOf(label: string, scope: PermissionScope | DisposableTokenScope): Promise<CacheClient> {
    let client = cacheClients.get(label);
    if (client === undefined) {
      client = await cacheClientFor(env.momento, await tokenFor(label, scope));
      cacheClients.set(label, client);
    }
    return client;
  }

  async function seedValue(cache: string, key: string): Promise<string> {
    const got = await env.clients.cache.get(cache, key);
    return got.type === 'Hit' ? got.valueString() : outcome(got);
  }

  beforeAll(async () => {
    for (const cache of [CACHE, OTHER_CACHE]) {
      for (const family of ['scalar', 'list'] as const) {
        for (const key of Object.values(keysOf(family))) {
          const seeded = family === 'scalar' ? await env.clients.cache.set(cache, key, VALUE) : await env.clients.cache.listPushBack(cache, key, VALUE);
          if (seeded.type !== 'Success') throw new Error(`seeding ${cache}/${key}: ${seeded.toString()}`);
        }
      }
    }
  });
  afterAll(() => {
    for (const client of cacheClients.values()) client.close();
  });

  describe('cache roles × selectors', () => {
    it.each(CACHE_CELLS)('$role on $kind → $op.name on $target: $expected', async ({ role, kind, cache, keyName, op, expected }) => {
      // An item-key token names one key, so scalar and list calls each get a token for their own key.
      const family = kind === 'item key' ? op.family : 'any';
      const client = await cacheClientOf(`cache|${role}|${kind}|${family}`, cacheScope(role, kind, op.family));
      const key = keysOf(op.family)[keyName];
      expect(outcome(await op.run(client, cache, key))).toBe(expected);
      if (op.name === 'set' && expected === DENIED) expect(await seedValue(cache, key)).toBe(VALUE);
    });

    it('a read a role allows returns the stored value, not just a hit', async () => {
      const client = await cacheClientOf('cache|readonly|item key prefix|any', cacheScope(CacheRole.ReadOnly, 'item key prefix', 'scalar'));
      const got = await client.get(CACHE, keysOf('scalar').same);
      expect(got.type === 'Hit' ? got.valueString() : outcome(got)).toBe(VALUE);
    });

    it('a denied listPushBack leaves the list as it was', async () => {
      const key = keysOf('list').other;
      const before = await env.clients.cache.listLength(CACHE, key);
      const client = await cacheClientOf('cache|readwrite|item key prefix|any', cacheScope(CacheRole.ReadWrite, 'item key prefix', 'list'));
      expect(outcome(await client.listPushBack(CACHE, key, 'intruder'))).toBe(DENIED);
      const after = await env.clients.cache.listLength(CACHE, key);
      expect(after.type === 'Hit' ? after.length() : outcome(after)).toBe(before.type === 'Hit' ? before.length() : outcome(before));
    });
  });

  describe('topic roles × selectors', () => {
    it.each(TOPIC_CELLS)('$role on $kind → $op on $target: $expected', async ({ role, kind, cache, topic, op, expected }) => {
      const topics = topicClientFor(env.momento, await tokenFor(`topic|${role}|${kind}`, topicScope(role, kind)));
      expect(await topicCall(topics, op, cache, topic)).toBe(expected);
    });

    it('a subscribeonly token receives what a publishonly token publishes', async () => {
      const subscriber = topicClientFor(env.momento, await tokenFor('topic|subscribeonly|cache+named topic', topicScope(TopicRole.SubscribeOnly, 'cache+named topic')));
      const publisher = topicClientFor(env.momento, await tokenFor('topic|publishonly|cache+named topic', topicScope(TopicRole.PublishOnly, 'cache+named topic')));
      const received: string[] = [];
      const subscription = await subscriber.subscribe(CACHE, TOPIC, { onItem: (item) => received.push(item.valueString()), onError: () => undefined });
      expect(subscription.type).toBe('Subscription');
      try {
        expect(outcome(await publisher.publish(CACHE, TOPIC, 'from the publisher'))).toBe('Success');
        await expect.poll(() => received).toContain('from the publisher');
      } finally {
        if (subscription.type === 'Subscription') subscription.unsubscribe();
      }
    });
  });

  describe('tokens reach only what their kind of permission covers', () => {
    it.each(['publish', 'subscribe'] as const)('a cache-only readwrite token for every cache cannot %s', async (op) => {
      const topics = topicClientFor(env.momento, await tokenFor('cache|readwrite|AllCaches|any', cacheScope(CacheRole.ReadWrite, 'AllCaches', 'scalar')));
      expect(await topicCall(topics, op, CACHE, TOPIC)).toBe(DENIED);
    });

    it.each(CACHE_OPS)('a topic-only publishsubscribe token for every cache and topic cannot $name', async (op) => {
      const client = await cacheClientOf('topic|publishsubscribe|AllCaches+AllTopics', topicScope(TopicRole.PublishSubscribe, 'AllCaches+AllTopics'));
      expect(outcome(await op.run(client, CACHE, keysOf(op.family).same))).toBe(DENIED);
    });
  });

  describe('control plane and token generation need an API key', () => {
    const ALL_DATA = 'AllDataReadWrite';
    const controlCalls: Array<{ name: string; run(c: CacheClient): Promise<{ type: string; toString(): string }> }> = [
      { name: 'createCache', run: (c) => c.createCache('made-by-a-token') },
      { name: 'listCaches', run: (c) => c.listCaches() },
      { name: 'deleteCache', run: (c) => c.deleteCache(OTHER_CACHE) },
    ];

    it.each(controlCalls)('a token with every data permission cannot $name', async ({ run }) => {
      const client = await cacheClientOf(ALL_DATA, AllDataReadWrite);
      expect(outcome(await run(client))).toBe(DENIED);
    });

    it('the control calls a token was denied had no effect', async () => {
      const listed = await env.clients.cache.listCaches();
      expect(listed.type).toBe('Success');
      const names = listed.type === 'Success' ? listed.getCaches().map((c) => c.getName()) : [];
      expect(names).toContain(OTHER_CACHE);
      expect(names).not.toContain('made-by-a-token');
    });

    it('a token with every data permission cannot generate tokens', async () => {
      const auth = authClientFor(env.momento, await tokenFor(ALL_DATA, AllDataReadWrite));
      const response = await auth.generateDisposableToken({ permissions: [{ role: CacheRole.ReadOnly, cache: CACHE }] }, ExpiresIn.minutes(5));
      expect(outcome(response)).toBe(DENIED);
    });

    it('the same AllDataReadWrite token can read, write, publish and subscribe anywhere', async () => {
      const token = await tokenFor(ALL_DATA, AllDataReadWrite);
      const client = await cacheClientOf(ALL_DATA, AllDataReadWrite);
      expect(outcome(await client.set(OTHER_CACHE, 'anything', 'v'))).toBe('Success');
      expect(outcome(await client.get(OTHER_CACHE, 'anything'))).toBe('Hit');
      const topics = topicClientFor(env.momento, token);
      expect(await topicCall(topics, 'publish', OTHER_CACHE, 'anything')).toBe('Success');
      expect(await topicCall(topics, 'subscribe', OTHER_CACHE, 'anything')).toBe('Subscription');
    });

    it('an admin API key can do all of it', async () => {
      const { cache, topics, auth } = env.clients;
      expect(outcome(await cache.createCache('admin-made'))).toBe('Success');
      const listed = await cache.listCaches();
      expect(listed.type === 'Success' ? listed.getCaches().map((c) => c.getName()).sort() : outcome(listed)).toEqual(
        ['admin-made', CACHE, OTHER_CACHE].sort(),
      );
      expect(outcome(await cache.set('admin-made', 'k', 'v'))).toBe('Success');
      expect(outcome(await cache.get('admin-made', 'k'))).toBe('Hit');
      expect(outcome(await cache.listPushBack('admin-made', 'l', 'v'))).toBe('Success');
      expect(outcome(await cache.listFetch('admin-made', 'l'))).toBe('Hit');
      expect(await topicCall(topics, 'publish', 'admin-made', 't')).toBe('Success');
      expect(await topicCall(topics, 'subscribe', 'admin-made', 't')).toBe('Subscription');
      expect(outcome(await auth.generateDisposableToken({ permissions: [{ role: CacheRole.ReadOnly, cache: 'admin-made' }] }, ExpiresIn.minutes(5)))).toBe(
        'Success',
      );
      expect(outcome(await cache.deleteCache('admin-made'))).toBe('Success');
    });
  });
});
