export { ChatRoom } from './chat-room.js';
export type { SendOptions, HistoryPage } from './chat-room.js';
export type { ChatRoomEvents, MessageEvent, StatusEvent, ErrorEvent, DiscontinuityEvent } from './room-events.js';
export type { ChatRoomOptions } from './chat-room-options.js';
export type { RoomClients, RoomClientsProvider } from './room-clients.js';
export type { ReconnectOptions } from './backoff.js';
export type { ChatMessage, MessageSender, SenderClaims, JsonValue } from './message.js';
export type { RoomStatus } from './room-status.js';
export type { Subscription } from './typed-events.js';
export { ChatError, isChatError } from './errors.js';
export type { ChatErrorCode } from './errors.js';
export { ENVELOPE_VERSION, MOMENTO_TOPIC_MESSAGE_BYTES } from './envelope.js';
export { createMessageIdGenerator } from './message-id.js';
export type { MessageIdGenerator } from './message-id.js';
export { clientOnlyScopes, moderatedClientScopes, moderatorScopes, MAX_MODERATOR_ROOMS } from './token-scopes.js';
export type { ChatTokenScope, ItemKey, ItemKeyPrefix, ItemPermission, ItemScope, RoomRef, RoomTokenScopes, TopicPermission, TopicScope } from './token-scopes.js';
export { vendClientOnlyTokens, vendModeratedClientTokens, vendModeratorTokens } from './token-vending.js';
export type {
  ChatAuthClient,
  DisposableTokenOptions,
  ExpiresAtLike,
  ExpiresInLike,
  GenerateDisposableTokenResponse,
  GenerateDisposableTokenSuccess,
  RoomTokens,
  VendModeratorTokensOptions,
  VendTokensOptions,
} from './token-vending.js';
export type { Rejection } from './moderation-notice.js';
export type {
  ChatCacheClient,
  ChatTopicClient,
  CollectionTtlLike,
  ListFetchHit,
  ListFetchMiss,
  ListFetchOptions,
  ListFetchResponse,
  ListPushBackOptions,
  ListPushBackResponse,
  ListPushBackSuccess,
  MomentoErrorResponse,
  TopicItemLike,
  TopicPublishResponse,
  TopicPublishSuccess,
  TopicSubscribeCallbacks,
  TopicSubscribeResponse,
  TopicSubscriptionLike,
} from './momento-ports.js';
