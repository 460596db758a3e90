import { ChatError } from './errors.js';
import { isMessageId } from './message-id.js';
import type { ChatMessage, JsonValue, SenderClaims } from './message.js';

/** The version of the envelope this release writes. Readers reject other versions as malformed. */
export const ENVELOPE_VERSION = 1;

/** Momento's hard limit on a topic message, which every message must fit. */
export const MOMENTO_TOPIC_MESSAGE_BYTES = 4096;

const MAX_CLAIM_LENGTH = 256;
const MAX_METADATA_DEPTH = 16;

/**
 * The wire form: short keys, since every byte counts against the 4 KB topic limit.
 * `{"v":1,"id":"…","text":"…","ts":1700000000000,"from":{"name":"Ann","uid":"u1"},"meta":{…}}`
 * A moderator adds its stamps: `by` (the sender's verified tokenId), `sts` (when it accepted the
 * message) and `n` (the room's sequence number). Readers trust them only in moderated mode, where no
 * client can write the history or publish to the room.
 */
interface EnvelopeV1 {
  v: 1;
  id: string;
  text: string;
  ts: number;
  from?: { name?: string; uid?: string };
  meta?: { [key: string]: JsonValue };
  by?: string;
  sts?: number;
  n?: number;
}

/** What a moderator stamps on a message it accepts. */
export interface ModeratorStamp {
  /** The sender's tokenId, from the input topic item. */
  by: string;
  /** When the moderator accepted the message, in epoch milliseconds. */
  sts: number;
  /** The room's sequence number. */
  n: number;
}

const utf8 = new TextEncoder();

/** The size in bytes of a string once UTF-8 encoded, as Momento counts it. */
export const byteLength = (value: string): number => utf8.encode(value).length;

/**
 * The most bytes a moderator's stamp adds to a message, for a tokenId of up to 64 bytes once in JSON (the
 * vending helpers allow 64 characters: that much for a plain ASCII id). A moderated room keeps its messages
 * this far under the topic limit, so the moderator never has to refuse a message for its own stamp.
 */
export const MODERATOR_STAMP_BYTES = byteLength(JSON.stringify({ by: 'x'.repeat(64), sts: 9_999_999_999_999, n: Number.MAX_SAFE_INTEGER })) - 1;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function isJson(value: unknown, depth: number): boolean {
  if (depth > MAX_METADATA_DEPTH) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  return isPlainObject(value) && Object.values(value).every((v) => isJson(v, depth + 1));
}

function checkClaims(claims: SenderClaims): void {
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length > MAX_CLAIM_LENGTH) {
      throw new ChatError('INVALID_ARGUMENT', `unable to send; sender.${name} must be a string of at most ${MAX_CLAIM_LENGTH} characters`);
    }
  }
}

/** The unstamped envelope of a message, with `from` and `meta` only when there is something to say. */
function envelopeOf(id: string, text: string, timestamp: number, claims: Readonly<SenderClaims>, metadata: unknown): EnvelopeV1 {
  const envelope: EnvelopeV1 = { v: ENVELOPE_VERSION, id, text, ts: timestamp };
  const from: EnvelopeV1['from'] = {};
  if (claims.displayName !== undefined) from.name = claims.displayName;
  if (claims.userId !== undefined) from.uid = claims.userId;
  if (from.name !== undefined || from.uid !== undefined) envelope.from = from;
  if (metadata !== undefined) envelope.meta = metadata as EnvelopeV1['meta'];
  return envelope;
}

/**
 * Checks an outgoing message and encodes it, before any network call.
 * @returns the wire form and the message as readers will see it (without a verified sender).
 * @throws ChatError INVALID_ARGUMENT for empty text, bad claims or metadata, or an id or timestamp readers
 * would reject; MESSAGE_TOO_LARGE above `maxBytes`.
 */
export function encodeMessage(
  message: { id: string; text: string; timestamp: number; claims: SenderClaims; metadata?: unknown },
  maxBytes: number,
): { encoded: string; message: ChatMessage } {
  if (typeof message.text !== 'string' || message.text.trim() === '') {
    throw new ChatError('INVALID_ARGUMENT', 'unable to send; the text is empty');
  }
  if (message.metadata !== undefined && !(isPlainObject(message.metadata) && isJson(message.metadata, 0))) {
    throw new ChatError('INVALID_ARGUMENT', 'unable to send; metadata must be a plain JSON object (finite numbers, no functions, no cycles)');
  }
  checkClaims(message.claims);
  // The id and the clock may be the app's (generateId, now): a reader drops what it cannot read.
  if (!isMessageId(message.id)) {
    throw new ChatError('INVALID_ARGUMENT', `unable to send; the id ${JSON.stringify(message.id)} is not a ULID (26 characters of Crockford base32); check generateId`);
  }
  if (typeof message.timestamp !== 'number' || !Number.isFinite(message.timestamp)) {
    throw new ChatError('INVALID_ARGUMENT', 'unable to send; the clock gave no finite timestamp; check now');
  }
  const encoded = JSON.stringify(envelopeOf(message.id, message.text, message.timestamp, message.claims, message.metadata));
  const size = byteLength(encoded);
  if (size > maxBytes) {
    throw new ChatError('MESSAGE_TOO_LARGE', `unable to send; the message is ${size} bytes encoded and the limit is ${maxBytes}; shorten the text or metadata`);
  }
  // Read back rather than built: exactly what readers get, and no metadata object shared with the caller.
  return { encoded, message: decodeMessage(encoded) as ChatMessage };
}

const malformed = (reason: string): ChatError => new ChatError('MALFORMED_MESSAGE', `unable to read a message; ${reason}`);

/**
 * Encodes a message a moderator accepted, with its stamps.
 * @throws ChatError MESSAGE_TOO_LARGE when the stamped (perhaps transformed) message exceeds `maxBytes`.
 */
export function encodeStamped(message: ChatMessage, stamp: ModeratorStamp, maxBytes: number): string {
  const envelope: EnvelopeV1 = { ...envelopeOf(message.id, message.text, message.timestamp, message.sender.claims, message.metadata), ...stamp };
  const encoded = JSON.stringify(envelope);
  const size = byteLength(encoded);
  if (size > maxBytes) throw new ChatError('MESSAGE_TOO_LARGE', `unable to store the moderated message; it is ${size} bytes encoded and the limit is ${maxBytes}`);
  return encoded;
}

/** Whether a value is a JSON object that may be message metadata. */
export const isMetadata = (value: unknown): value is { [key: string]: JsonValue } => isPlainObject(value) && isJson(value, 0);

/**
 * Reads an envelope from history or from the topic.
 * @param raw the stored or published string.
 * @param tokenId the publisher's tokenId from Momento, for live items.
 * @param stamped whether to trust a moderator's stamps (moderated mode): the verified sender then comes
 * from the envelope, for history and live messages alike.
 * @returns the message, or a MALFORMED_MESSAGE error (returned, not thrown: one bad entry must not stop the others).
 */
export function decodeMessage(raw: string, tokenId?: string, stamped = false): ChatMessage | ChatError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return malformed('it is not JSON');
  }
  if (!isPlainObject(parsed)) return malformed('it is not a JSON object');
  const e = parsed as Partial<EnvelopeV1> & Record<string, unknown>;
  if (e.v !== ENVELOPE_VERSION) return malformed(`its version is ${JSON.stringify(e.v)}, not ${ENVELOPE_VERSION}`);
  if (!isMessageId(e.id)) return malformed('it has no valid id');
  if (typeof e.text !== 'string') return malformed('it has no text');
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) return malformed('it has no timestamp');
  if (e.from !== undefined && !isPlainObject(e.from)) return malformed('its sender is not an object');
  if (e.meta !== undefined && !(isPlainObject(e.meta) && isJson(e.meta, 0))) return malformed('its metadata is not a JSON object');
  const claims: SenderClaims = {};
  if (typeof e.from?.name === 'string') claims.displayName = e.from.name;
  if (typeof e.from?.uid === 'string') claims.userId = e.from.uid;
  if (stamped) {
    if (typeof e.by !== 'string' || typeof e.sts !== 'number' || !Number.isInteger(e.n)) return malformed('it carries no moderator stamp');
    return withMetadata({ id: e.id, text: e.text, timestamp: e.ts, sender: e.by ? { claims, tokenId: e.by } : { claims }, serverTimestamp: e.sts, sequence: e.n! }, e.meta);
  }
  return withMetadata({ id: e.id, text: e.text, timestamp: e.ts, sender: tokenId ? { claims, tokenId } : { claims } }, e.meta);
}

function withMetadata(message: ChatMessage, meta: EnvelopeV1['meta']): ChatMessage {
  return meta === undefined ? message : { ...message, metadata: meta };
}
