import { decodeMessage } from './envelope.js';
import { fromMomentoError, type ChatError } from './errors.js';
import type { ChatMessage } from './message.js';
import { decodeRejection, type Rejection } from './moderation-notice.js';
import type { MomentoErrorResponse, TopicItemLike, TopicSubscribeCallbacks } from './momento-ports.js';

/**
 * A topic item once read: the message, a moderator's rejection (moderated mode), or the
 * MALFORMED_MESSAGE error of an item that is neither.
 */
export type LiveItem = ChatMessage | ChatError | Rejection;

/** Whether a live item is a moderator's rejection. */
export const isRejection = (item: LiveItem): item is Rejection => 'reason' in item && !('text' in item) && !('code' in item);

/**
 * Reads the raw text of a topic item. In moderated mode the room's topic carries only what the
 * moderator published, so its stamps are trusted and rejections are read; otherwise neither.
 */
export function readLive(raw: string, tokenId: string | undefined, moderated: boolean): LiveItem {
  if (!moderated) return decodeMessage(raw, tokenId);
  return decodeRejection(raw) ?? decodeMessage(raw, undefined, true);
}

/**
 * What a room's subscription callbacks reach: a box the room empties when it leaves. The SDK may keep the
 * callbacks of an ended subscription, and through the box they keep nothing of the room alive.
 */
export interface LiveBox {
  /** Items that arrived while joining, before history was merged. */
  buffer: LiveItem[];
  /** Where items go once joined. */
  deliver: ((item: LiveItem) => void) | undefined;
  /** Where a final subscription error goes. */
  fail: ((error: ChatError) => void) | undefined;
  /** A subscription error that came while joining. */
  failure?: ChatError;
}

/** A box that buffers items and records the first error, as a join needs until history is merged. */
export function joiningBox(): LiveBox {
  const box: LiveBox = { buffer: [], deliver: undefined, fail: (error) => (box.failure ??= error) };
  return box;
}

const drop = (): void => undefined;

/** Empties a box, so whatever still holds its callbacks holds nothing else, and buffers nothing more. */
export function emptyBox(box: LiveBox): void {
  Object.assign(box, { buffer: [], deliver: drop, fail: undefined });
}

const utf8 = new TextDecoder();

/** The subscription callbacks that feed a box, each item decoded once. */
export function liveCallbacks(box: LiveBox, moderated: boolean): TopicSubscribeCallbacks {
  return {
    onItem: (item) => {
      const read = readLive(textOf(item), item.tokenId() || undefined, moderated);
      if (box.deliver) box.deliver(read);
      else box.buffer.push(read);
    },
    onError: (error: MomentoErrorResponse) => box.fail?.(fromMomentoError('stay subscribed', error)),
  };
}

/** The text of a topic item, which the SDK may hand over as bytes. */
export function textOf(item: TopicItemLike): string {
  const raw = item.value();
  return typeof raw === 'string' ? raw : utf8.decode(raw);
}
