import { ChatError } from './errors.js';
import { MOMENTO_TOPIC_MESSAGE_BYTES } from './envelope.js';
import { createMessageIdGenerator, type MessageIdGenerator } from './message-id.js';
import type { SenderClaims } from './message.js';
import type { ChatCacheClient, ChatTopicClient } from './momento-ports.js';

/** Options of a {@link ChatRoom}. */
export interface ChatRoomOptions {
  /** A `CacheClient` of `@gomomento/sdk` or `@gomomento/sdk-web`, holding a token for the room's list. */
  cacheClient: ChatCacheClient;
  /** A `TopicClient` of either SDK, holding a token for the room's topic. */
  topicClient: ChatTopicClient;
  /** The Momento cache that holds the room. */
  cacheName: string;
  /** The room: the name of its list and of its topic. Letters, digits and `_.:@-`, at most 128 characters. */
  roomId: string;
  /** What this user claims about themselves, sent with every message. Not verified. */
  sender?: SenderClaims;
  /** How many messages the history keeps; older ones are trimmed on write. Default 100. */
  historyLength?: number;
  /** The history's TTL in seconds, refreshed by every message. Default and maximum 86400 (Momento's 24 h). */
  historyTtlSeconds?: number;
  /** Messages per history page, at most `historyLength`. Default 50, or `historyLength` when smaller. */
  pageSize?: number;
  /** The largest encoded message, in bytes. Default and maximum 4096 (Momento's topic limit). */
  maxMessageBytes?: number;
  /** The clock for message timestamps and ids, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Makes message ids: ULIDs (26 characters of Crockford base32), or readers reject the messages. Default: time-ordered ULIDs from `now`. */
  generateId?: MessageIdGenerator;
}

const ROOM_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const MAX_TTL_SECONDS = 24 * 60 * 60;

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ChatError('INVALID_ARGUMENT', `unable to create the room; ${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
  return value;
}

/** Checks the options and fills in the defaults. @throws ChatError INVALID_ARGUMENT */
export function resolveRoomOptions(options: ChatRoomOptions) {
  if (!options.cacheClient || !options.topicClient) throw new ChatError('INVALID_ARGUMENT', 'unable to create the room; cacheClient and topicClient are required');
  if (typeof options.cacheName !== 'string' || options.cacheName === '') throw new ChatError('INVALID_ARGUMENT', 'unable to create the room; cacheName is empty');
  if (typeof options.roomId !== 'string' || !ROOM_ID.test(options.roomId)) {
    throw new ChatError('INVALID_ARGUMENT', `unable to create the room; roomId must be 1 to 128 letters, digits or _.:@- characters, not ${JSON.stringify(options.roomId)}`);
  }
  const historyLength = integerIn('historyLength', options.historyLength ?? 100, 1, 100_000);
  const now = options.now ?? Date.now;
  return {
    cacheClient: options.cacheClient,
    topicClient: options.topicClient,
    cacheName: options.cacheName,
    roomId: options.roomId,
    sender: { ...options.sender },
    historyLength,
    historyTtlSeconds: integerIn('historyTtlSeconds', options.historyTtlSeconds ?? MAX_TTL_SECONDS, 1, MAX_TTL_SECONDS),
    pageSize: integerIn('pageSize', options.pageSize ?? Math.min(50, historyLength), 1, historyLength),
    maxMessageBytes: integerIn('maxMessageBytes', options.maxMessageBytes ?? MOMENTO_TOPIC_MESSAGE_BYTES, 64, MOMENTO_TOPIC_MESSAGE_BYTES),
    now,
    generateId: options.generateId ?? createMessageIdGenerator(now),
  };
}

/** Options with every default filled in. */
export type ResolvedRoomOptions = ReturnType<typeof resolveRoomOptions>;
