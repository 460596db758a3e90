import { ChatError, fromMomentoError } from './errors.js';
import type { MomentoErrorResponse } from './momento-ports.js';

/** A cache permission limited to one item, in the shape `AuthClient.generateDisposableToken` takes. */
export interface ItemPermission {
  /** A Momento `CacheRole`. */
  role: 'readwrite' | 'readonly' | 'writeonly';
  /** The cache. */
  cache: string;
  /** The one item. */
  item: ItemKey;
}

/** An item selector naming one key. */
export interface ItemKey {
  /** The item's key: for a room, its id. */
  key: string;
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
  /** Each names one item. */
  permissions: ItemPermission[];
}

/** A token scope of topic permissions only. */
export interface TopicScope {
  /** Each names one topic. */
  permissions: TopicPermission[];
}

/** The two scopes a client of one room needs: one for its CacheClient, one for its TopicClient. */
export interface RoomTokenScopes {
  /** For the CacheClient: the room's list item only. */
  cache: ItemScope;
  /** For the TopicClient: the room's topic only. */
  topics: TopicScope;
}

/** The cache and room a scope is for. */
export interface RoomRef {
  /** The Momento cache that holds the room. */
  cacheName: string;
  /** The room: the name of its list and of its topic. */
  roomId: string;
}

function checkRoom({ cacheName, roomId }: RoomRef): void {
  if (typeof cacheName !== 'string' || cacheName === '') throw new ChatError('INVALID_ARGUMENT', 'unable to build token scopes; cacheName is empty');
  if (typeof roomId !== 'string' || roomId === '') throw new ChatError('INVALID_ARGUMENT', 'unable to build token scopes; roomId is empty');
}

/**
 * The exact scopes a client needs in client-only mode: read and write the room's list, publish and
 * subscribe the room's topic, nothing else. They come as two scopes because one token cannot hold
 * both without the SDK widening the list permission to the whole cache.
 * @param room the cache and the room.
 * @returns one scope for the cache client's token and one for the topic client's.
 * @throws ChatError INVALID_ARGUMENT for an empty cache or room name.
 * @example
 * ```ts
 * const scopes = clientOnlyScopes({ cacheName: 'chat', roomId: 'lobby' });
 * await authClient.generateDisposableToken(scopes.cache, ExpiresIn.hours(1), { tokenId: userId });
 * ```
 */
export function clientOnlyScopes(room: RoomRef): RoomTokenScopes {
  checkRoom(room);
  return {
    cache: { permissions: [{ role: 'readwrite', cache: room.cacheName, item: { key: room.roomId } }] },
    topics: { permissions: [{ role: 'publishsubscribe', cache: room.cacheName, topic: room.roomId }] },
  };
}

/** `ExpiresIn` by its shape. */
export interface ExpiresInLike {
  /** The life in seconds. */
  seconds(): number;
  /** Whether it expires at all; disposable tokens must. */
  doesExpire(): boolean;
}

/** `ExpiresAt` by its shape. */
export interface ExpiresAtLike {
  /** The expiry in epoch seconds. */
  epoch(): number;
}

/** A token that `generateDisposableToken` vended. */
export interface GenerateDisposableTokenSuccess {
  /** The discriminant. */
  readonly type: 'Success';
  /** The token, for `CredentialProvider.fromDisposableToken`. */
  readonly authToken: string;
  /** When it expires. */
  readonly expiresAt: ExpiresAtLike;
}

/** The response of `generateDisposableToken`. */
export type GenerateDisposableTokenResponse = GenerateDisposableTokenSuccess | MomentoErrorResponse;

/** Options of `generateDisposableToken`. */
export interface DisposableTokenOptions {
  /** Stamped by Momento on every item the token's holder publishes. */
  tokenId?: string;
}

/** The auth client method the vending helpers call: an `AuthClient` of either Momento SDK, with an API key. */
export interface ChatAuthClient {
  /** Vends a disposable token. */
  generateDisposableToken(scope: ChatTokenScope, expiresIn: ExpiresInLike, options?: DisposableTokenOptions): Promise<GenerateDisposableTokenResponse>;
}

/** The tokens of one user for one room, to hand to that user's client. */
export interface RoomTokens {
  /** For `CredentialProvider.fromDisposableToken` of the user's CacheClient. */
  cacheToken: string;
  /** For the user's TopicClient. */
  topicToken: string;
  /** When the tokens expire, in epoch seconds. */
  expiresAt: number;
}

/** Options of {@link vendClientOnlyTokens}. */
export interface VendTokensOptions extends RoomRef {
  /** The user's id, stamped by Momento on every message they publish (`TopicItem.tokenId()`): the verified sender. */
  userId: string;
  /** Token life in seconds. Default and maximum 3600 (Momento's limit). */
  expiresInSeconds?: number;
}

const MAX_TOKEN_SECONDS = 60 * 60;
const MAX_TOKEN_ID_LENGTH = 64;

/**
 * Vends, in a backend that holds an API key, the two disposable tokens of one user for one client-only
 * room, scoped by {@link clientOnlyScopes}, with the user's id as tokenId.
 * @param authClient an `AuthClient` of `@gomomento/sdk` with an API key that may vend tokens.
 * @param options the cache, the room, the user and the tokens' life.
 * @returns the two tokens and their expiry.
 * @throws ChatError INVALID_ARGUMENT for bad options, or the code of Momento's refusal.
 * @example
 * ```ts
 * const tokens = await vendClientOnlyTokens(authClient, { cacheName: 'chat', roomId: 'lobby', userId: 'u-42' });
 * response.json(tokens); // the browser builds its CacheClient from cacheToken and its TopicClient from topicToken
 * ```
 */
export async function vendClientOnlyTokens(authClient: ChatAuthClient, options: VendTokensOptions): Promise<RoomTokens> {
  const scopes = clientOnlyScopes(options);
  const seconds = options.expiresInSeconds ?? MAX_TOKEN_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TOKEN_SECONDS) {
    throw new ChatError('INVALID_ARGUMENT', `unable to vend tokens; expiresInSeconds must be an integer from 1 to ${MAX_TOKEN_SECONDS}`);
  }
  if (typeof options.userId !== 'string' || options.userId === '' || options.userId.length > MAX_TOKEN_ID_LENGTH) {
    throw new ChatError('INVALID_ARGUMENT', `unable to vend tokens; userId must be 1 to ${MAX_TOKEN_ID_LENGTH} characters`);
  }
  const expiresIn: ExpiresInLike = { seconds: () => seconds, doesExpire: () => true };
  const [cache, topics] = await Promise.all([
    authClient.generateDisposableToken(scopes.cache, expiresIn, { tokenId: options.userId }),
    authClient.generateDisposableToken(scopes.topics, expiresIn, { tokenId: options.userId }),
  ]);
  if (cache.type === 'Error') throw fromMomentoError('vend the cache token', cache);
  if (topics.type === 'Error') throw fromMomentoError('vend the topic token', topics);
  return { cacheToken: cache.authToken, topicToken: topics.authToken, expiresAt: Math.min(cache.expiresAt.epoch(), topics.expiresAt.epoch()) };
}
