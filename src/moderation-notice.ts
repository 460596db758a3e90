import { ENVELOPE_VERSION } from './envelope.js';
import { isMessageId } from './message-id.js';

/** A moderator's answer to a sender whose message it did not store. */
export interface Rejection {
  /** The id of the rejected message. */
  id: string;
  /** Why, in the moderator's words. Visible to every member of the room. */
  reason: string;
}

const MAX_REASON_LENGTH = 512;

/**
 * The wire form of a rejection, published on the room's topic (the only topic a sender listens to):
 * `{"v":1,"kind":"rejection","id":"…","reason":"…"}`. Members other than the sender ignore it.
 */
export function encodeRejection(rejection: Rejection): string {
  return JSON.stringify({ v: ENVELOPE_VERSION, kind: 'rejection', id: rejection.id, reason: rejection.reason.slice(0, MAX_REASON_LENGTH) });
}

/** @returns the rejection a topic item carries, or undefined when it is not one. */
export function decodeRejection(raw: string): Rejection | undefined {
  if (!raw.includes('"rejection"')) return undefined;
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    if (parsed.v !== ENVELOPE_VERSION || parsed.kind !== 'rejection' || !isMessageId(parsed.id) || typeof parsed.reason !== 'string') return undefined;
    return { id: parsed.id, reason: parsed.reason };
  } catch {
    return undefined;
  }
}
