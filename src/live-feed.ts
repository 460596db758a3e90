import { decodeMessage, malformedMessage } from './envelope.js';
import type { ChatError } from './errors.js';
import type { ChatMessage } from './message.js';
import { decodeRejection, type Rejection } from './moderation-notice.js';

/**
 * A topic item once read: the message, a moderator's rejection (moderated mode), or the
 * MALFORMED_MESSAGE error of an item that is neither.
 */
export type LiveItem = ChatMessage | ChatError | Rejection;

/** Whether a live item is a moderator's rejection. */
export const isRejection = (item: LiveItem): item is Rejection => 'reason' in item && !('text' in item) && !('code' in item);

/** What reading a topic item needs besides the item. */
export interface LiveContext {
  /** The room subscribed to: an envelope of another room is malformed. */
  roomId: string;
  /** The tokenId Momento stamped on the item: the verified sender in client-only mode. */
  tokenId?: string | undefined;
  /** Whether the room is moderated. */
  moderated: boolean;
}

/**
 * Reads the value of a topic item. In moderated mode the room's topic carries only what the moderator
 * published, so its stamps are trusted and rejections are read; otherwise neither. Messages are text: a
 * binary item is malformed, its bytes kept as the error's `raw`, never decoded (a lenient UTF-8 decode
 * would read a message nobody sent as text).
 */
export function readLive(value: string | Uint8Array, context: LiveContext): LiveItem {
  if (typeof value !== 'string') return malformedMessage('it is binary; messages are text', value);
  if (!context.moderated) return decodeMessage(value, context);
  return decodeRejection(value) ?? decodeMessage(value, { roomId: context.roomId, stamped: true });
}
