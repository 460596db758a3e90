import { fromMomentoError, type ChatError } from './errors.js';
import type { MomentoErrorResponse, TopicItemLike, TopicSubscribeCallbacks } from './momento-ports.js';

/**
 * What a room's subscription callbacks reach: a box the room empties when it leaves. The SDK may keep the
 * callbacks of an ended subscription, and through the box they keep nothing of the room alive.
 */
export interface LiveBox {
  /** Items that arrived while joining, before history was merged. */
  buffer: TopicItemLike[];
  /** Where items go once joined. */
  deliver: ((item: TopicItemLike) => void) | undefined;
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

/** Empties a box, so whatever still holds its callbacks holds nothing else. */
export function emptyBox(box: LiveBox): void {
  Object.assign(box, { buffer: [], deliver: undefined, fail: undefined });
}

/** The subscription callbacks that feed a box. */
export function liveCallbacks(box: LiveBox): TopicSubscribeCallbacks {
  return {
    onItem: (item) => (box.deliver ? box.deliver(item) : box.buffer.push(item)),
    onError: (error: MomentoErrorResponse) => box.fail?.(fromMomentoError('stay subscribed', error)),
  };
}

/** The text of a topic item, which the SDK may hand over as bytes. */
export function textOf(item: TopicItemLike): string {
  const raw = item.value();
  return typeof raw === 'string' ? raw : new TextDecoder().decode(raw);
}
