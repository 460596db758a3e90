import { describe, expect, it } from 'vitest';
import { MAX_MODERATOR_ROOMS, clientOnlyScopes, moderatedClientScopes, moderatorScopes, type ChatTokenScope, type RoomTokenScopes } from '../../src/token-scopes.js';
import {
  vendClientOnlyTokens,
  vendModeratedClientTokens,
  vendModeratorTokens,
  type ChatAuthClient,
  type DisposableTokenOptions,
  type ExpiresInLike,
  type GenerateDisposableTokenResponse,
} from '../../src/token-vending.js';
import { momentoError } from './support/fake-momento.js';
import { rejection, thrown } from './support/thrown.js';

const room = { cacheName: 'chat', roomId: 'lobby' };

/** Every permission of both scopes, for checks that hold for all of them. */
const everyScope = (scopes: RoomTokenScopes): ChatTokenScope[] => [scopes.cache, scopes.topics];

/** A scope mixes kinds when it holds an item permission and a topic permission: the SDK then widens the item one to the whole cache. */
const mixesKinds = (scope: ChatTokenScope): boolean => {
  const kinds = new Set(scope.permissions.map((p) => ('topic' in p ? 'topic' : 'item' in p ? 'item' : 'other')));
  return kinds.size !== 1 || kinds.has('other');
};

describe('clientOnlyScopes', () => {
  it("allows reading and writing the room's list, and publishing and subscribing its topic, nothing else", () => {
    expect(clientOnlyScopes(room)).toEqual({
      cache: { permissions: [{ role: 'readwrite', cache: 'chat', item: { key: 'lobby' } }] },
      topics: { permissions: [{ role: 'publishsubscribe', cache: 'chat', topic: 'lobby' }] },
    });
  });
});

describe('moderatedClientScopes', () => {
  it('allows reading the list, publishing only to the input topic and subscribing only to the room topic', () => {
    expect(moderatedClientScopes(room)).toEqual({
      cache: { permissions: [{ role: 'readonly', cache: 'chat', item: { key: 'lobby' } }] },
      topics: {
        permissions: [
          { role: 'publishonly', cache: 'chat', topic: 'lobby-input' },
          { role: 'subscribeonly', cache: 'chat', topic: 'lobby' },
        ],
      },
    });
  });

  it('gives no way to write the history or to publish to the room', () => {
    const scopes = moderatedClientScopes(room);
    const all = [...scopes.cache.permissions, ...scopes.topics.permissions];
    expect(all.filter((p) => p.role === 'readwrite' || p.role === 'writeonly')).toEqual([]);
    expect(scopes.topics.permissions.filter((p) => p.topic === 'lobby' && p.role !== 'subscribeonly')).toEqual([]);
  });
});

describe('moderatorScopes', () => {
  it("allows, per room, the list and the moderator's own keys, reading the input topic and publishing to the room", () => {
    expect(moderatorScopes({ cacheName: 'chat', roomIds: ['lobby', 'help'] })).toEqual({
      cache: {
        permissions: [
          { role: 'readwrite', cache: 'chat', item: { key: 'lobby' } },
          { role: 'readwrite', cache: 'chat', item: { keyPrefix: 'lobby#' } },
          { role: 'readwrite', cache: 'chat', item: { key: 'help' } },
          { role: 'readwrite', cache: 'chat', item: { keyPrefix: 'help#' } },
        ],
      },
      topics: {
        permissions: [
          { role: 'subscribeonly', cache: 'chat', topic: 'lobby-input' },
          { role: 'publishonly', cache: 'chat', topic: 'lobby' },
          { role: 'subscribeonly', cache: 'chat', topic: 'help-input' },
          { role: 'publishonly', cache: 'chat', topic: 'help' },
        ],
      },
    });
  });

  it('covers at most five rooms, ten permissions a token; a room named twice counts once', () => {
    expect(MAX_MODERATOR_ROOMS).toBe(5);
    const five = moderatorScopes({ cacheName: 'chat', roomIds: ['a', 'b', 'c', 'd', 'e', 'a'] });
    expect(five.cache.permissions).toHaveLength(10);
    expect(five.topics.permissions).toHaveLength(10);
  });

  it.each([
    ['no rooms', [], 'unable to build moderator scopes; name 1 to 5 rooms, not 0'],
    ['six rooms', ['a', 'b', 'c', 'd', 'e', 'f'], 'unable to build moderator scopes; name 1 to 5 rooms, not 6'],
  ])('refuses %s (INVALID_ARGUMENT)', (_, roomIds, message) => {
    const error = thrown(() => moderatorScopes({ cacheName: 'chat', roomIds }));
    expect([error.code, error.message]).toEqual(['INVALID_ARGUMENT', message]);
  });

  it.each([['lobby-input'], [''], ['a#b'], ['a/b'], ['r'.repeat(129)]])('refuses the room id %j (INVALID_ARGUMENT)', (roomId) => {
    const error = thrown(() => moderatorScopes({ cacheName: 'chat', roomIds: ['lobby', roomId] }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^unable to build moderator scopes; roomId must be/);
  });
});

describe('every scope', () => {
  const all: Array<[string, RoomTokenScopes]> = [
    ['clientOnlyScopes', clientOnlyScopes(room)],
    ['moderatedClientScopes', moderatedClientScopes(room)],
    ['moderatorScopes', moderatorScopes({ cacheName: 'chat', roomIds: ['a', 'b', 'c', 'd', 'e'] })],
  ];

  it.each(all)('of %s never mixes item and topic permissions, and the cache one holds items only', (_, scopes) => {
    for (const scope of everyScope(scopes)) expect(mixesKinds(scope)).toBe(false);
    expect(scopes.cache.permissions.every((p) => 'item' in p)).toBe(true);
    expect(scopes.topics.permissions.every((p) => 'topic' in p)).toBe(true);
  });

  it.each(all)('of %s names one cache and fits in one token', (_, scopes) => {
    for (const scope of everyScope(scopes)) {
      expect(scope.permissions.length).toBeLessThanOrEqual(10);
      expect(new Set(scope.permissions.map((p) => p.cache))).toEqual(new Set(['chat']));
    }
  });

  it.each([
    ['clientOnlyScopes', clientOnlyScopes],
    ['moderatedClientScopes', moderatedClientScopes],
  ])('%s refuses an empty cache name and a room id that is not allowed (INVALID_ARGUMENT)', (_, scopesOf) => {
    expect(thrown(() => scopesOf({ cacheName: '', roomId: 'lobby' })).message).toBe('unable to build token scopes; cacheName is empty');
    for (const roomId of ['lobby-input', '', 'a b', 'a#b']) {
      const error = thrown(() => scopesOf({ cacheName: 'chat', roomId }));
      expect([roomId, error.code]).toEqual([roomId, 'INVALID_ARGUMENT']);
    }
  });

  it('moderatorScopes refuses an empty cache name', () => {
    expect(thrown(() => moderatorScopes({ cacheName: '', roomIds: ['lobby'] })).code).toBe('INVALID_ARGUMENT');
  });
});

interface VendCall {
  scope: ChatTokenScope;
  seconds: number;
  doesExpire: boolean;
  options: DisposableTokenOptions | undefined;
}

/** An auth client that vends `token-<n>` expiring at the given epochs, or answers the scripted errors. */
function fakeAuth(expiries: number[] = [2_000_000_000, 2_000_000_000], errors: Array<GenerateDisposableTokenResponse | undefined> = []) {
  const calls: VendCall[] = [];
  const authClient: ChatAuthClient = {
    generateDisposableToken: async (scope, expiresIn: ExpiresInLike, options) => {
      const n = calls.length;
      calls.push({ scope, seconds: expiresIn.seconds(), doesExpire: expiresIn.doesExpire(), options });
      const scripted = errors[n];
      if (scripted) return scripted;
      const expiry = expiries[n]!;
      return { type: 'Success', authToken: `token-${n}`, expiresAt: { epoch: () => expiry } };
    },
  };
  return { authClient, calls };
}

describe('vending tokens', () => {
  it("vends the two client-only tokens with the user's id as tokenId, for an hour by default", async () => {
    const { authClient, calls } = fakeAuth([2_000_000_100, 2_000_000_050]);
    const tokens = await vendClientOnlyTokens(authClient, { ...room, userId: 'u-42' });
    expect(tokens).toEqual({ cacheToken: 'token-0', topicToken: 'token-1', expiresAt: 2_000_000_050 });
    const scopes = clientOnlyScopes(room);
    expect(calls).toEqual([
      { scope: scopes.cache, seconds: 3600, doesExpire: true, options: { tokenId: 'u-42' } },
      { scope: scopes.topics, seconds: 3600, doesExpire: true, options: { tokenId: 'u-42' } },
    ]);
  });

  it('vends the moderated client tokens with the moderated scopes', async () => {
    const { authClient, calls } = fakeAuth();
    await vendModeratedClientTokens(authClient, { ...room, userId: 'u-42', expiresInSeconds: 60 });
    const scopes = moderatedClientScopes(room);
    expect(calls.map((c) => [c.scope, c.seconds, c.options])).toEqual([
      [scopes.cache, 60, { tokenId: 'u-42' }],
      [scopes.topics, 60, { tokenId: 'u-42' }],
    ]);
  });

  it("vends the moderator's tokens as `moderator` unless named", async () => {
    const { authClient, calls } = fakeAuth([1, 1, 1, 1]);
    await vendModeratorTokens(authClient, { cacheName: 'chat', roomIds: ['lobby'] });
    await vendModeratorTokens(authClient, { cacheName: 'chat', roomIds: ['lobby'], moderatorId: 'mod-eu', expiresInSeconds: 1 });
    const scopes = moderatorScopes({ cacheName: 'chat', roomIds: ['lobby'] });
    expect(calls.map((c) => [c.scope, c.seconds, c.options?.tokenId])).toEqual([
      [scopes.cache, 3600, 'moderator'],
      [scopes.topics, 3600, 'moderator'],
      [scopes.cache, 1, 'mod-eu'],
      [scopes.topics, 1, 'mod-eu'],
    ]);
  });

  it.each([[0], [-1], [3601], [1.5], [Number.NaN]])('refuses expiresInSeconds %s before asking Momento (INVALID_ARGUMENT)', async (expiresInSeconds) => {
    const { authClient, calls } = fakeAuth();
    const error = await rejection(vendClientOnlyTokens(authClient, { ...room, userId: 'u', expiresInSeconds }));
    expect([error.code, error.message]).toEqual(['INVALID_ARGUMENT', 'unable to vend tokens; expiresInSeconds must be an integer from 1 to 3600']);
    expect(calls).toEqual([]);
  });

  it('accepts a user id of 64 printable ASCII characters', async () => {
    const { authClient, calls } = fakeAuth();
    const userId = 'u-42@example.com:' + 'x'.repeat(64 - 17);
    await vendClientOnlyTokens(authClient, { ...room, userId });
    expect(calls.map((c) => c.options?.tokenId)).toEqual([userId, userId]);
  });

  it('accepts expiresInSeconds 1 and 3600', async () => {
    const { authClient, calls } = fakeAuth([1, 1, 1, 1]);
    await vendClientOnlyTokens(authClient, { ...room, userId: 'u', expiresInSeconds: 1 });
    await vendClientOnlyTokens(authClient, { ...room, userId: 'u', expiresInSeconds: 3600 });
    expect(calls.map((c) => c.seconds)).toEqual([1, 1, 3600, 3600]);
  });

  it.each([
    ['an empty user id', ''],
    ['a user id of 65 characters', 'u'.repeat(65)],
    ['a user id that is not a string', 42],
    // A moderated room reserves 64 bytes of JSON for the stamped id: these would take more.
    ['a user id with a character outside ASCII', 'zoë'],
    ['a user id with a quote', 'a"b'],
    ['a user id with a backslash', 'a\\b'],
    ['a user id with a control character', 'a\nb'],
  ])('refuses %s (INVALID_ARGUMENT)', async (_, userId) => {
    const { authClient, calls } = fakeAuth();
    const error = await rejection(vendModeratedClientTokens(authClient, { ...room, userId: userId as string }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(calls).toEqual([]);
  });

  it('refuses bad scopes with a rejected promise, before asking Momento (INVALID_ARGUMENT)', async () => {
    const { authClient, calls } = fakeAuth();
    expect((await rejection(vendClientOnlyTokens(authClient, { cacheName: 'chat', roomId: 'lobby-input', userId: 'u' }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(vendModeratedClientTokens(authClient, { cacheName: '', roomId: 'lobby', userId: 'u' }))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(vendModeratorTokens(authClient, { cacheName: 'chat', roomIds: [] }))).code).toBe('INVALID_ARGUMENT');
    expect(calls).toEqual([]);
  });

  it.each([
    ['PERMISSION_ERROR', 'PERMISSION_DENIED'],
    ['AUTHENTICATION_ERROR', 'AUTHENTICATION_FAILED'],
    ['NOT_FOUND_ERROR', 'CACHE_NOT_FOUND'],
    ['LIMIT_EXCEEDED_ERROR', 'LIMIT_EXCEEDED'],
    ['INVALID_ARGUMENT_ERROR', 'MOMENTO_ERROR'],
  ] as const)("maps Momento's refusal %s to %s", async (momentoCode, code) => {
    const { authClient } = fakeAuth(undefined, [momentoError(momentoCode, 'refused')]);
    const error = await rejection(vendClientOnlyTokens(authClient, { ...room, userId: 'u' }));
    expect([error.code, error.momentoErrorCode, error.message]).toEqual([code, momentoCode, 'unable to vend the cache token; refused']);
  });

  it('reports a refused topic token as such', async () => {
    const { authClient } = fakeAuth(undefined, [undefined, momentoError('PERMISSION_ERROR', 'refused')]);
    const error = await rejection(vendModeratorTokens(authClient, { cacheName: 'chat', roomIds: ['lobby'] }));
    expect([error.code, error.message]).toEqual(['PERMISSION_DENIED', 'unable to vend the topic token; refused']);
  });

  it('reports an auth client that throws instead of answering as MOMENTO_ERROR', async () => {
    const bug = new Error('closed client');
    const authClient: ChatAuthClient = { generateDisposableToken: () => Promise.reject(bug) };
    const error = await rejection(vendClientOnlyTokens(authClient, { ...room, userId: 'u' }));
    expect([error.code, error.message, error.cause]).toEqual(['MOMENTO_ERROR', 'unable to vend tokens; the Momento client threw: closed client', bug]);
  });
});
