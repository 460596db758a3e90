import { ChatError, callMomento, fromMomentoError } from './errors.js';
import type { MomentoErrorResponse } from './momento-ports.js';
import { clientOnlyScopes, moderatedClientScopes, moderatorScopes, type ChatTokenScope, type RoomRef, type RoomTokenScopes } from './token-scopes.js';

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

/** A pair of tokens, to hand to one party's two clients. */
export interface RoomTokens {
  /** For `CredentialProvider.fromDisposableToken` of the CacheClient. */
  cacheToken: string;
  /** For the TopicClient. */
  topicToken: string;
  /** When the tokens expire, in epoch seconds. */
  expiresAt: number;
}

/** Options of {@link vendClientOnlyTokens} and {@link vendModeratedClientTokens}. */
export interface VendTokensOptions extends RoomRef {
  /** The user's id, stamped by Momento on every message they publish (`TopicItem.tokenId()`): the verified sender. */
  userId: string;
  /** Token life in seconds. Default and maximum 3600 (Momento's limit). */
  expiresInSeconds?: number;
}

/** Options of {@link vendModeratorTokens}. */
export interface VendModeratorTokensOptions {
  /** The cache that holds the rooms. */
  cacheName: string;
  /** The rooms, at most five. */
  roomIds: readonly string[];
  /** The moderator's id, stamped on what it publishes. Default `moderator`. */
  moderatorId?: string;
  /** Token life in seconds. Default and maximum 3600 (Momento's limit). */
  expiresInSeconds?: number;
}

const MAX_TOKEN_SECONDS = 60 * 60;
const MAX_TOKEN_ID_LENGTH = 64;
const TOKEN_ID = new RegExp(`^[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]{1,${MAX_TOKEN_ID_LENGTH}}$`);

async function vendPair(authClient: ChatAuthClient, scopes: RoomTokenScopes, tokenId: string, expiresInSeconds = MAX_TOKEN_SECONDS): Promise<RoomTokens> {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_TOKEN_SECONDS) {
    throw new ChatError('INVALID_ARGUMENT', `unable to vend tokens; expiresInSeconds must be an integer from 1 to ${MAX_TOKEN_SECONDS}`);
  }
  // Printable ASCII without quotes or backslashes: a moderated room reserves room for the moderator's stamp
  // of the id as 64 bytes of JSON, which any other character could exceed.
  if (typeof tokenId !== 'string' || !TOKEN_ID.test(tokenId)) {
    throw new ChatError(
      'INVALID_ARGUMENT',
      `unable to vend tokens; the user or moderator id must be 1 to ${MAX_TOKEN_ID_LENGTH} printable ASCII characters, without quotes or backslashes`,
    );
  }
  const expiresIn: ExpiresInLike = { seconds: () => expiresInSeconds, doesExpire: () => true };
  const [cache, topics] = await callMomento('vend tokens', () =>
    Promise.all([
      authClient.generateDisposableToken(scopes.cache, expiresIn, { tokenId }),
      authClient.generateDisposableToken(scopes.topics, expiresIn, { tokenId }),
    ]),
  );
  if (cache.type === 'Error') throw fromMomentoError('vend the cache token', cache);
  if (topics.type === 'Error') throw fromMomentoError('vend the topic token', topics);
  return { cacheToken: cache.authToken, topicToken: topics.authToken, expiresAt: Math.min(cache.expiresAt.epoch(), topics.expiresAt.epoch()) };
}

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
  return vendPair(authClient, clientOnlyScopes(options), options.userId, options.expiresInSeconds);
}

/**
 * Vends the two disposable tokens of one user for one moderated room, scoped by
 * {@link moderatedClientScopes}, with the user's id as tokenId: the moderator stamps it as the verified sender.
 * @param authClient an `AuthClient` with an API key that may vend tokens.
 * @param options the cache, the room, the user and the tokens' life.
 * @returns the two tokens and their expiry.
 * @throws ChatError INVALID_ARGUMENT for bad options, or the code of Momento's refusal.
 * @example
 * ```ts
 * const tokens = await vendModeratedClientTokens(authClient, { cacheName: 'chat', roomId: 'lobby', userId: 'u-42' });
 * ```
 */
export async function vendModeratedClientTokens(authClient: ChatAuthClient, options: VendTokensOptions): Promise<RoomTokens> {
  return vendPair(authClient, moderatedClientScopes(options), options.userId, options.expiresInSeconds);
}

/**
 * Vends the two disposable tokens of a moderator for up to five rooms, scoped by {@link moderatorScopes}.
 * A moderator that holds an API key needs none.
 * @param authClient an `AuthClient` with an API key that may vend tokens.
 * @param options the cache, the rooms, the moderator's id and the tokens' life.
 * @returns the two tokens and their expiry.
 * @throws ChatError INVALID_ARGUMENT for bad options, or the code of Momento's refusal.
 * @example
 * ```ts
 * const tokens = await vendModeratorTokens(authClient, { cacheName: 'chat', roomIds: ['lobby'] });
 * ```
 */
export async function vendModeratorTokens(authClient: ChatAuthClient, options: VendModeratorTokensOptions): Promise<RoomTokens> {
  return vendPair(authClient, moderatorScopes(options), options.moderatorId ?? 'moderator', options.expiresInSeconds);
}
