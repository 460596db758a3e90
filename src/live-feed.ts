import { decodeMessage } from './envelope.js';
import { fromMomentoError, type ChatError } from './errors.js';
import type { ChatMessage } from './message.js';
import type { MomentoErrorResponse, TopicItemLike, TopicSubscribeCallbacks } from './momento-ports.js';

/** A topic item once read: the message, or the MALFORMED_MESSAGE error of an item that is not one. */
export type LiveItem = ChatMessage | ChatError;

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
export function liveCallbacks(box: LiveBox): TopicSubscribeCallbacks {
  return {
    onItem: (item) => {
      const read = decodeMessage(textOf(item), item.tokenId() || undefined);
      if (box.deliver) box.deliver(read);
      else box.buffer.push(read);
    },
    onError: (error: MomentoErrorResponse) => box.fail?.(fromMomentoError('stay subscribed', error)),
  };
}

/** The text of a topic item, which the SDK may hand over as bytes. */
function textOf(item: TopicItemLike): string {
  const raw = item.value();
  return typeof raw === 'string' ? raw : utf8.decode(raw);
}
