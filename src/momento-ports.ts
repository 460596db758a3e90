/**
 * The few Momento client methods momento-chat calls, declared by their shape. A `CacheClient` and a
 * `TopicClient` of `@gomomento/sdk` (Node) or `@gomomento/sdk-web` (browsers) satisfy them as they are,
 * even when the app holds a second copy of `@gomomento/sdk-core`: nothing here names an SDK class,
 * and responses are told apart by their `type` string, never by `instanceof`.
 */

/** What every Momento error response offers. */
export interface MomentoErrorResponse {
  readonly type: 'Error';
  /** A `MomentoErrorCode`, such as `PERMISSION_ERROR`. */
  errorCode(): string;
  message(): string;
  /** The SDK's error object. */
  innerException(): unknown;
}

/** `CollectionTtl` by its shape: the TTL of a whole list, and whether a write resets it. */
export interface CollectionTtlLike {
  ttlSeconds(): number | null;
  ttlMilliseconds(): number | null;
  refreshTtl(): boolean;
}

/** The response of `listFetch`. */
export type ListFetchResponse = { readonly type: 'Hit'; valueListString(): string[] } | { readonly type: 'Miss' } | MomentoErrorResponse;

/** The response of `listPushBack`. */
export type ListPushBackResponse = { readonly type: 'Success'; listLength(): number } | MomentoErrorResponse;

/** The cache client methods momento-chat calls: a `CacheClient` of either Momento SDK. */
export interface ChatCacheClient {
  /** Reads a slice of a list; negative indices count from the end. */
  listFetch(cacheName: string, listName: string, options?: { startIndex?: number; endIndex?: number }): Promise<ListFetchResponse>;
  /** Appends to a list, trimming its front to a size, in one atomic call. */
  listPushBack(
    cacheName: string,
    listName: string,
    value: string,
    options?: { ttl?: CollectionTtlLike; truncateFrontToSize?: number },
  ): Promise<ListPushBackResponse>;
}

/** An item delivered on a topic. */
export interface TopicItemLike {
  value(): string | Uint8Array;
  /** The tokenId of the publisher's disposable token, stamped by Momento: verified. */
  tokenId(): string | undefined;
  sequenceNumber(): number;
}

/** A live subscription. */
export interface TopicSubscriptionLike {
  readonly type: 'Subscription';
  unsubscribe(): void;
}

/** The callbacks momento-chat gives `subscribe`. */
export interface TopicSubscribeCallbacks {
  onItem: (item: TopicItemLike) => void;
  onError: (error: MomentoErrorResponse) => void;
  onDiscontinuity?: () => void;
  onConnectionLost?: () => void;
  onSubscriptionEnd?: () => void;
}

/** The response of `publish`. */
export type TopicPublishResponse = { readonly type: 'Success' } | MomentoErrorResponse;

/** The response of `subscribe`. */
export type TopicSubscribeResponse = TopicSubscriptionLike | MomentoErrorResponse;

/** The topic client methods momento-chat calls: a `TopicClient` of either Momento SDK. */
export interface ChatTopicClient {
  publish(cacheName: string, topicName: string, value: string): Promise<TopicPublishResponse>;
  subscribe(cacheName: string, topicName: string, options: TopicSubscribeCallbacks): Promise<TopicSubscribeResponse>;
}
