import type { ChatCacheClient, ChatTopicClient } from './momento-ports.js';

/** The Momento clients a room works through, from a {@link RoomClientsProvider}. */
export interface RoomClients {
  /** A `CacheClient` of either SDK, holding a token for the room's list. */
  cacheClient: ChatCacheClient;
  /** A `TopicClient` of either SDK, holding a token for the room's topics. */
  topicClient: ChatTopicClient;
  /**
   * When the clients' tokens expire, in epoch seconds (as `RoomTokens.expiresAt` gives it). The room asks
   * the provider for new clients `renewBeforeSeconds` before. Leave it out for clients that do not expire.
   */
  expiresAt?: number;
  /** Called once the room no longer uses these clients (renewed, left or failed): close them here. */
  close?: () => void;
}

/**
 * Makes fresh clients for a room, typically from tokens your backend vends (see `vendClientOnlyTokens`).
 * The room calls it when it joins, before the tokens expire, and after Momento refused a token.
 */
export type RoomClientsProvider = () => Promise<RoomClients>;
