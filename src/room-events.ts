import type { ChatError } from './errors.js';
import type { ChatMessage } from './message.js';
import type { RoomStatus } from './room-status.js';

/** A message arrived live, or this client sent one. */
export interface MessageEvent {
  /** The discriminant. */
  type: 'message';
  /** The message. */
  message: ChatMessage;
}

/** The room's status changed. */
export interface StatusEvent {
  /** The discriminant. */
  type: 'status';
  /** The new status. */
  status: RoomStatus;
  /** The status before. */
  previous: RoomStatus;
  /** Why, when the new status is `failed` or `reconnecting`. */
  error?: ChatError;
}

/** Something went wrong that no call can report: a malformed message, a failed subscription, a listener that threw. */
export interface ErrorEvent {
  /** The discriminant. */
  type: 'error';
  /** What went wrong. */
  error: ChatError;
}

/**
 * Messages may be missing: live delivery broke, and the history no longer reaches back to the last
 * message the room had (trimmed to `historyLength`, or expired). The messages after the gap still come,
 * each once and in order; reload from `messages` if the app keeps its own copy.
 */
export interface DiscontinuityEvent {
  /** The discriminant. */
  type: 'discontinuity';
  /** What happened. */
  reason: string;
}

/** The events of a room, by name. */
export interface ChatRoomEvents {
  /** A message arrived live, or this client sent one. Not fired for history. */
  message: MessageEvent;
  /** The room's status changed. */
  status: StatusEvent;
  /** Something went wrong outside any call. */
  error: ErrorEvent;
  /** Messages may be missing: a gap in live delivery that the history could not fill. */
  discontinuity: DiscontinuityEvent;
}
