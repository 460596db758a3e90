import type { ChatCacheClient, MomentoErrorResponse } from '../momento-ports.js';

/** A `setIfAbsent` that stored the value. */
export interface SetIfAbsentStored {
  /** The discriminant. */
  readonly type: 'Stored';
}

/** A `setIfAbsent` that found the key taken. */
export interface SetIfAbsentNotStored {
  /** The discriminant. */
  readonly type: 'NotStored';
}

/** An `increment` that succeeded. */
export interface IncrementSuccess {
  /** The discriminant. */
  readonly type: 'Success';
  /** The value after the increment. */
  value(): number;
}

/** A `delete` that succeeded. */
export interface DeleteSuccess {
  /** The discriminant. */
  readonly type: 'Success';
}

/**
 * The cache client methods a moderator calls: a `CacheClient` of `@gomomento/sdk`, declared by shape like
 * the room's. Beyond the list it takes one key per message id (so no input is handled twice, even by two
 * moderators) and a counter per room (so every member sees one order).
 */
export interface ModeratorCacheClient extends ChatCacheClient {
  /** Stores a value only when the key is absent, atomically; `ttl` in seconds. */
  setIfAbsent(cacheName: string, key: string, value: string, options?: { ttl?: number }): Promise<SetIfAbsentStored | SetIfAbsentNotStored | MomentoErrorResponse>;
  /** Adds to an integer, atomically; `ttl` in seconds. */
  increment(cacheName: string, key: string, amount: number, options?: { ttl?: number }): Promise<IncrementSuccess | MomentoErrorResponse>;
  /** Deletes a key. */
  delete(cacheName: string, key: string): Promise<DeleteSuccess | MomentoErrorResponse>;
}
