/**
 * The few Momento client methods momento-chat calls, declared by their shape. A `CacheClient` and a
 * `TopicClient` of `@gomomento/sdk` (Node) or `@gomomento/sdk-web` (browsers) satisfy them as they are,
 * even when the app holds a second copy of `@gomomento/sdk-core`: nothing here names an SDK class,
 * and responses are told apart by their `type` string, never by `instanceof`.
 */

/** What every Momento error response offers. */
export interface MomentoErrorResponse {
  /** The discriminant of every Momento error response. */
  readonly type: 'Error';
  /** A `MomentoErrorCode`, such as `PERMISSION_ERROR`. */
  errorCode(): string;
  /** The SDK's description of the error. */
  message(): string;
  /** The SDK's error object. */
  innerException(): unknown;
}

/** `CollectionTtl` by its shape: the TTL of a whole list, and whether a write resets it. */
export interface CollectionTtlLike {
  /** The TTL in seconds. */
  ttlSeconds(): number | null;
  /** The TTL in milliseconds. */
  ttlMilliseconds(): number | null;
  /** Whether a write to an existing list resets its TTL. */
  refreshTtl(): boolean;
}

/** A `listFetch` that found the list. */
export interface ListFetchHit {
  /** The discriminant. */
  readonly type: 'Hit';
  /** The elements, as UTF-8 strings. */
  valueListString(): string[];
}

/** A `listFetch` of a list that does not exist. */
export interface ListFetchMiss {
  /** The discriminant. */
  readonly type: 'Miss';
}

/** The response of `listFetch`. */
export type ListFetchResponse = ListFetchHit | ListFetchMiss | MomentoErrorResponse;

/** A `listPushBack` that stored the element. */
export interface ListPushBackSuccess {
  /** The discriminant. */
  readonly type: 'Success';
  /** The list's length after the push and its trim. */
  listLength(): number;
}

/** The response of `listPushBack`. */
export type ListPushBackResponse = ListPushBackSuccess | MomentoErrorResponse;

/** Options of `listFetch`: a slice, where negative indices count from the end and 0 or undefined are unbounded. */
export interface ListFetchOptions {
  /** The first index, inclusive. */
  startIndex?: number;
  /** The last index, exclusive. */
  endIndex?: number;
}

/** Options of `listPushBack`. */
export interface ListPushBackOptions {
  /** The list's TTL. */
  ttl?: CollectionTtlLike;
  /** After the push, drop elements from the front until the list has at most this many. */
  truncateFrontToSize?: number;
}

/** The cache client methods momento-chat calls: a `CacheClient` of either Momento SDK. */
export interface ChatCacheClient {
  /** Reads a slice of a list. */
  listFetch(cacheName: string, listName: string, options?: ListFetchOptions): Promise<ListFetchResponse>;
  /** Appends to a list, trimming its front to a size, in one atomic call. */
  listPushBack(cacheName: string, listName: string, value: string, options?: ListPushBackOptions): Promise<ListPushBackResponse>;
}

/** An item delivered on a topic. */
export interface TopicItemLike {
  /** The published value. */
  value(): string | Uint8Array;
  /** The tokenId of the publisher's disposable token, stamped by Momento: verified. */
  tokenId(): string | undefined;
  /** The item's place in the topic. */
  sequenceNumber(): number;
}

/** A live subscription. */
export interface TopicSubscriptionLike {
  /** The discriminant. */
  readonly type: 'Subscription';
  /** False once the SDK (or `unsubscribe`) ended the subscription. */
  readonly isSubscribed?: boolean;
  /** Ends the subscription. */
  unsubscribe(): void;
}

/** The callbacks `subscribe` takes; momento-chat gives `onItem` and `onError`. */
export interface TopicSubscribeCallbacks {
  /** Called for each item. */
  onItem: (item: TopicItemLike) => void;
  /** Called when the subscription ends with an error the SDK does not retry. */
  onError: (error: MomentoErrorResponse) => void;
  /** Called when the SDK learns that items were missed. */
  onDiscontinuity?: () => void;
  /** Called for each heartbeat Momento sends on the stream. */
  onHeartbeat?: () => void;
  /** Called when the stream dropped and the SDK reconnects (Node SDK only). */
  onConnectionLost?: () => void;
  /** Called when the subscription ends. */
  onSubscriptionEnd?: () => void;
}

/** A `publish` that Momento accepted. */
export interface TopicPublishSuccess {
  /** The discriminant. */
  readonly type: 'Success';
}

/** The response of `publish`. */
export type TopicPublishResponse = TopicPublishSuccess | MomentoErrorResponse;

/** The response of `subscribe`. */
export type TopicSubscribeResponse = TopicSubscriptionLike | MomentoErrorResponse;

/** The topic client methods momento-chat calls: a `TopicClient` of either Momento SDK. */
export interface ChatTopicClient {
  /** Publishes a message to a topic. */
  publish(cacheName: string, topicName: string, value: string): Promise<TopicPublishResponse>;
  /** Subscribes to a topic; resolves once the subscription is live. */
  subscribe(cacheName: string, topicName: string, options: TopicSubscribeCallbacks): Promise<TopicSubscribeResponse>;
}
