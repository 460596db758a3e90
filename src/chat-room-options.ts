import { ChatError } from './errors.js';
import { MODERATOR_STAMP_BYTES, MOMENTO_TOPIC_MESSAGE_BYTES } from './envelope.js';
import type { MessageIdGenerator } from './message-id.js';
import type { SenderClaims } from './message.js';
import type { ChatCacheClient, ChatTopicClient } from './momento-ports.js';
import type { ReconnectOptions } from './backoff.js';
import type { RoomClients, RoomClientsProvider } from './room-clients.js';
import { checkRoomId } from './room-names.js';

/** Options of a {@link ChatRoom}. */
export interface ChatRoomOptions {
  /** A `CacheClient` of `@gomomento/sdk` or `@gomomento/sdk-web`, holding a token for the room's list. Give this and `topicClient`, or `clients`. */
  cacheClient?: ChatCacheClient;
  /** A `TopicClient` of either SDK, holding a token for the room's topic. */
  topicClient?: ChatTopicClient;
  /**
   * Instead of `cacheClient` and `topicClient`: makes fresh clients when the room joins, before their tokens
   * expire (`expiresAt`), and after Momento refused a token. The room switches make-before-break: the new
   * subscription is live and caught up before the old one ends, so nothing is lost or doubled.
   */
  clients?: RoomClientsProvider;
  /** How long before `expiresAt` the room asks for new clients, in seconds. Default 60. */
  renewBeforeSeconds?: number;
  /** The pauses between attempts to get the live subscription back after Momento ended it. */
  reconnect?: ReconnectOptions;
  /** The Momento cache that holds the room. */
  cacheName: string;
  /** The room: the name of its list and of its topic. Letters, digits and `_.:@-`, at most 128 characters, not ending in `-input`. */
  roomId: string;
  /**
   * `client-only` (the default): this client writes the history and publishes to the room itself.
   * `moderated`: it publishes to the room's input topic, and a `Moderator` (from `momento-chat/moderator`) writes and publishes
   * what it accepts; the client's tokens may only read the history.
   */
  mode?: 'client-only' | 'moderated';
  /** Moderated mode: how long `send` waits for the moderator's answer, in milliseconds, publish included. Default 10000. */
  moderationTimeoutMs?: number;
  /** What this user claims about themselves, sent with every message. Not verified. */
  sender?: SenderClaims;
  /** How many messages the history keeps; older ones are trimmed on write. Default 100. */
  historyLength?: number;
  /** The history's TTL in seconds, refreshed by every message. Default and maximum 86400 (Momento's 24 h). */
  historyTtlSeconds?: number;
  /** Messages per history page, at most `historyLength`. Default 50, or `historyLength` when smaller. */
  pageSize?: number;
  /**
   * The most messages `messages` keeps as live ones arrive: past it, the oldest are forgotten (and
   * `loadOlder` reads them again on request), so a long-lived room's memory stays flat. Default 1000.
   */
  maxMessages?: number;
  /**
   * The largest encoded message, in bytes. Default and maximum 4096 (Momento's topic limit); in moderated mode,
   * at most 4096 less the room the moderator's stamp takes (113 bytes, for a tokenId of up to 64 ASCII characters).
   */
  maxMessageBytes?: number;
  /** The clock for message timestamps and ids, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Makes message ids: ULIDs (26 characters of Crockford base32), or readers reject the messages. Default: time-ordered ULIDs from `now`. */
  generateId?: MessageIdGenerator;
}

const MAX_TTL_SECONDS = 24 * 60 * 60;

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ChatError('INVALID_ARGUMENT', `unable to create the room; ${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
  return value;
}

/** Checks the options and fills in the defaults. @throws ChatError INVALID_ARGUMENT */
export function resolveRoomOptions(options: ChatRoomOptions) {
  const { cacheClient, topicClient, clients } = options;
  const staticClients = cacheClient !== undefined || topicClient !== undefined;
  if (clients !== undefined ? staticClients || typeof clients !== 'function' : !cacheClient || !topicClient) {
    throw new ChatError('INVALID_ARGUMENT', 'unable to create the room; give cacheClient and topicClient, or a clients function, not both');
  }
  if (typeof options.cacheName !== 'string' || options.cacheName === '') throw new ChatError('INVALID_ARGUMENT', 'unable to create the room; cacheName is empty');
  checkRoomId(options.roomId, 'create the room');
  if (options.mode !== undefined && options.mode !== 'client-only' && options.mode !== 'moderated') {
    throw new ChatError('INVALID_ARGUMENT', `unable to create the room; mode must be 'client-only' or 'moderated', not ${JSON.stringify(options.mode)}`);
  }
  const historyLength = integerIn('historyLength', options.historyLength ?? 100, 1, 100_000);
  const now = options.now ?? Date.now;
  return {
    // Clients given as they are are used at once: a join subscribes in the same tick it starts.
    staticClients: (clients === undefined ? { cacheClient: cacheClient!, topicClient: topicClient! } : undefined) as RoomClients | undefined,
    clients,
    renewable: clients !== undefined,
    renewBeforeSeconds: integerIn('renewBeforeSeconds', options.renewBeforeSeconds ?? 60, 0, 3600),
    reconnect: {
      initialDelayMs: integerIn('reconnect.initialDelayMs', options.reconnect?.initialDelayMs ?? 250, 1, 60_000),
      maxDelayMs: integerIn('reconnect.maxDelayMs', options.reconnect?.maxDelayMs ?? 10_000, 1, 600_000),
    },
    cacheName: options.cacheName,
    roomId: options.roomId,
    sender: { ...options.sender },
    historyLength,
    historyTtlSeconds: integerIn('historyTtlSeconds', options.historyTtlSeconds ?? MAX_TTL_SECONDS, 1, MAX_TTL_SECONDS),
    pageSize: integerIn('pageSize', options.pageSize ?? Math.min(50, historyLength), 1, historyLength),
    maxMessages: integerIn('maxMessages', options.maxMessages ?? 1000, 1, 1_000_000),
    // A message the moderator must stamp has to leave room for the stamp, or it would be refused after the round trip.
    maxMessageBytes: Math.min(
      integerIn('maxMessageBytes', options.maxMessageBytes ?? MOMENTO_TOPIC_MESSAGE_BYTES, 256, MOMENTO_TOPIC_MESSAGE_BYTES),
      options.mode === 'moderated' ? MOMENTO_TOPIC_MESSAGE_BYTES - MODERATOR_STAMP_BYTES : MOMENTO_TOPIC_MESSAGE_BYTES,
    ),
    now,
    // Made by the first send when the app gives none: a room that only reads never needs one.
    generateId: options.generateId,
    mode: options.mode ?? 'client-only',
    moderationTimeoutMs: integerIn('moderationTimeoutMs', options.moderationTimeoutMs ?? 10_000, 1, 10 * 60 * 1000),
  };
}

/** Options with every default filled in. */
export type ResolvedRoomOptions = ReturnType<typeof resolveRoomOptions>;
