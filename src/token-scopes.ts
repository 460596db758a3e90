import { ChatError } from './errors.js';
import { checkRoomId, inputTopicOf, moderatorKeyPrefixOf } from './room-names.js';

/** A cache permission limited to one item or one key prefix, in the shape `AuthClient.generateDisposableToken` takes. */
export interface ItemPermission {
  /** A Momento `CacheRole`. */
  role: 'readwrite' | 'readonly' | 'writeonly';
  /** The cache. */
  cache: string;
  /** The one item, or the items of one key prefix. */
  item: ItemKey | ItemKeyPrefix;
}

/** An item selector naming one key. */
export interface ItemKey {
  /** The item's key: for a room, its id. */
  key: string;
}

/** An item selector naming the keys that start with a prefix. */
export interface ItemKeyPrefix {
  /** The prefix: for a moderator, `<roomId>#`. */
  keyPrefix: string;
}

/** A topic permission limited to one topic. */
export interface TopicPermission {
  /** A Momento `TopicRole`. */
  role: 'publishsubscribe' | 'subscribeonly' | 'publishonly';
  /** The cache the topic belongs to. */
  cache: string;
  /** The one topic. */
  topic: string;
}

/**
 * The scope of one disposable token. A scope never mixes item and topic permissions: the Momento SDKs
 * silently widen the item permission of such a mixed scope to the whole cache.
 */
export type ChatTokenScope = ItemScope | TopicScope;

/** A token scope of item permissions only. */
export interface ItemScope {
  /** Each names one item or one key prefix. */
  permissions: ItemPermission[];
}

/** A token scope of topic permissions only. */
export interface TopicScope {
  /** Each names one topic. */
  permissions: TopicPermission[];
}

/** The two scopes one party needs: one for its CacheClient, one for its TopicClient. */
export interface RoomTokenScopes {
  /** For the CacheClient: named items only. */
  cache: ItemScope;
  /** For the TopicClient: named topics only. */
  topics: TopicScope;
}

/** The cache and room a scope is for. */
export interface RoomRef {
  /** The Momento cache that holds the room. */
  cacheName: string;
  /** The room: the name of its list and of its topic. */
  roomId: string;
}

// Momento's limit on the permissions of one token.
const MAX_PERMISSIONS = 10;

function checkCache(cacheName: unknown): asserts cacheName is string {
  if (typeof cacheName !== 'string' || cacheName === '') throw new ChatError('INVALID_ARGUMENT', 'unable to build token scopes; cacheName is empty');
}

/**
 * The exact scopes a client needs in client-only mode: read and write the room's list, publish and
 * subscribe the room's topic, nothing else. They come as two scopes because one token cannot hold
 * both without the SDK widening the list permission to the whole cache.
 * @param room the cache and the room.
 * @returns one scope for the cache client's token and one for the topic client's.
 * @throws ChatError INVALID_ARGUMENT for an empty cache name or a room id that is not allowed.
 * @example
 * ```ts
 * const scopes = clientOnlyScopes({ cacheName: 'chat', roomId: 'lobby' });
 * await authClient.generateDisposableToken(scopes.cache, ExpiresIn.hours(1), { tokenId: userId });
 * ```
 */
export function clientOnlyScopes(room: RoomRef): RoomTokenScopes {
  checkCache(room.cacheName);
  checkRoomId(room.roomId, 'build token scopes');
  return {
    cache: { permissions: [{ role: 'readwrite', cache: room.cacheName, item: { key: room.roomId } }] },
    topics: { permissions: [{ role: 'publishsubscribe', cache: room.cacheName, topic: room.roomId }] },
  };
}

/**
 * The exact scopes a client needs in moderated mode: read the room's list; publish only to the room's
 * input topic; subscribe only to the room's topic. It can neither write the history nor publish to the
 * room, so everything there came through the moderator.
 * @param room the cache and the room.
 * @returns one scope for the cache client's token and one for the topic client's.
 * @throws ChatError INVALID_ARGUMENT for an empty cache name or a room id that is not allowed.
 * @example
 * ```ts
 * const scopes = moderatedClientScopes({ cacheName: 'chat', roomId: 'lobby' });
 * ```
 */
export function moderatedClientScopes(room: RoomRef): RoomTokenScopes {
  checkCache(room.cacheName);
  checkRoomId(room.roomId, 'build token scopes');
  const cache = room.cacheName;
  return {
    cache: { permissions: [{ role: 'readonly', cache, item: { key: room.roomId } }] },
    topics: {
      permissions: [
        { role: 'publishonly', cache, topic: inputTopicOf(room.roomId) },
        { role: 'subscribeonly', cache, topic: room.roomId },
      ],
    },
  };
}

/** The most rooms one pair of moderator tokens can name: two permissions a room, ten a token. */
export const MAX_MODERATOR_ROOMS = MAX_PERMISSIONS / 2;

/**
 * The exact scopes a moderator needs for some rooms: per room, read and write the room's list and its
 * own keys (`<roomId>#…`: the sequence and what it has seen), subscribe to the input topic and publish
 * to the room's topic. A token holds at most 10 permissions, so one pair of tokens covers at most
 * {@link MAX_MODERATOR_ROOMS} rooms; run a moderator per group of rooms, or give it an API key.
 * @param options the cache and the rooms.
 * @returns one scope for the moderator's cache client and one for its topic client.
 * @throws ChatError INVALID_ARGUMENT for no rooms, too many, or a room id that is not allowed.
 * @example
 * ```ts
 * const scopes = moderatorScopes({ cacheName: 'chat', roomIds: ['lobby', 'help'] });
 * ```
 */
export function moderatorScopes(options: { cacheName: string; roomIds: readonly string[] }): RoomTokenScopes {
  checkCache(options.cacheName);
  const cache = options.cacheName;
  const rooms = [...new Set(options.roomIds)];
  if (rooms.length === 0 || rooms.length > MAX_MODERATOR_ROOMS) {
    throw new ChatError('INVALID_ARGUMENT', `unable to build moderator scopes; name 1 to ${MAX_MODERATOR_ROOMS} rooms, not ${rooms.length}`);
  }
  for (const roomId of rooms) checkRoomId(roomId, 'build moderator scopes');
  return {
    cache: {
      permissions: rooms.flatMap((roomId): ItemPermission[] => [
        { role: 'readwrite', cache, item: { key: roomId } },
        { role: 'readwrite', cache, item: { keyPrefix: moderatorKeyPrefixOf(roomId) } },
      ]),
    },
    topics: {
      permissions: rooms.flatMap((roomId): TopicPermission[] => [
        { role: 'subscribeonly', cache, topic: inputTopicOf(roomId) },
        { role: 'publishonly', cache, topic: roomId },
      ]),
    },
  };
}
