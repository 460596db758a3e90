import { ChatError, isChatError } from './errors.js';
import { isMessageId } from './message-id.js';
import type { ChatMessage, JsonValue, SenderClaims } from './message.js';

/** The version of the envelope this release writes. Readers reject other versions as malformed. */
export const ENVELOPE_VERSION = 1;

/** Momento's hard limit on a topic message, which every message must fit. */
export const MOMENTO_TOPIC_MESSAGE_BYTES = 4096;

const MAX_CLAIM_LENGTH = 256;
const MAX_METADATA_DEPTH = 16;
/** How much of a value a reason quotes: an entry is anyone's, up to 4 KB, and reasons end up in logs. */
const MAX_QUOTED_LENGTH = 64;

/**
 * The wire form: short keys, since every byte counts against the 4 KB topic limit.
 * `{"v":1,"room":"lobby","id":"…","text":"…","ts":1700000000000,"from":{"name":"Ann","uid":"u1"},"meta":{…}}`
 * `room` names the room it was written for, so an entry copied into another room's list or topic is refused.
 * A moderator adds its stamps: `by` (the sender's verified tokenId), `sts` (when it accepted the
 * message) and `n` (the room's sequence number). Readers trust them only in moderated mode, where no
 * client can write the history or publish to the room.
 */
interface EnvelopeV1 {
  v: 1;
  room: string;
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

/** What a reader knows besides the raw entry. */
export interface DecodeContext {
  /** The room being read: an envelope naming another room is malformed. */
  roomId: string;
  /** The publisher's tokenId from Momento, for live items of client-only rooms. */
  tokenId?: string | undefined;
  /**
   * Whether to trust a moderator's stamps (moderated mode): the verified sender then comes from the
   * envelope, for history and live messages alike, and an entry without stamps is malformed.
   */
  stamped?: boolean | undefined;
}

const utf8 = new TextEncoder();

/** The size in bytes of a string once UTF-8 encoded, as Momento counts it (a lone surrogate as U+FFFD, 3 bytes). */
export const byteLength = (value: string): number => utf8.encode(value).length;

/** Where the size check encodes, so that reading a message allocates nothing for it. */
const scratch = new Uint8Array(MOMENTO_TOPIC_MESSAGE_BYTES);

/**
 * Whether a string exceeds Momento's topic limit. A UTF-16 unit is 1 to 3 bytes (a pair, 4), so the
 * length alone settles it unless it lies between a third of the limit and the limit; then `encodeInto`
 * (native, into a buffer of the limit's size) stops at the first character that does not fit.
 */
function oversize(raw: string): boolean {
  if (raw.length > MOMENTO_TOPIC_MESSAGE_BYTES) return true;
  if (raw.length * 3 <= MOMENTO_TOPIC_MESSAGE_BYTES) return false;
  // Some TextEncoder polyfills lack encodeInto.
  return typeof utf8.encodeInto === 'function' ? utf8.encodeInto(raw, scratch).read < raw.length : byteLength(raw) > MOMENTO_TOPIC_MESSAGE_BYTES;
}

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

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Keys refused anywhere in an envelope and in metadata: harmless to JSON.parse, but an app that merges a
 * message into an object of its own (Object.assign, a deep merge) would reach a prototype through them.
 */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype'];
const isHostileKey = (key: string): boolean => key === '__proto__' || key === 'constructor' || key === 'prototype';

/** The first hostile key an object holds, if any. */
function hostileKeyOf(value: object): string | undefined {
  // Three lookups, not a walk over every key: this runs for every message received.
  for (const key of HOSTILE_KEYS) if (hasOwn.call(value, key)) return key;
  return undefined;
}

/**
 * What makes a value unfit to be JSON metadata, if anything, as the end of a sentence ("its metadata …").
 * One walk, no allocation; the depth cap also stops at a cycle.
 */
function jsonProblem(value: unknown, depth: number): string | undefined {
  if (depth > MAX_METADATA_DEPTH) return `is nested more than ${MAX_METADATA_DEPTH} deep`;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'holds a number that is not finite';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = jsonProblem(value[i], depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return typeof value === 'object' ? 'holds an object that is not plain JSON' : `holds a ${typeof value}`;
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    if (isHostileKey(key)) return `has a key named ${key}`;
    const problem = jsonProblem(value[key], depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** Why a value cannot be message metadata, or undefined when it can: a plain JSON object, at most 16 deep, without hostile keys. */
function metadataProblem(value: unknown): string | undefined {
  return isPlainObject(value) ? jsonProblem(value, 0) : 'is not a JSON object';
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
function envelopeOf(roomId: string, id: string, text: string, timestamp: number, claims: Readonly<SenderClaims>, metadata: unknown): EnvelopeV1 {
  const envelope: EnvelopeV1 = { v: ENVELOPE_VERSION, room: roomId, id, text, ts: timestamp };
  const from: EnvelopeV1['from'] = {};
  if (claims.displayName !== undefined) from.name = claims.displayName;
  if (claims.userId !== undefined) from.uid = claims.userId;
  if (from.name !== undefined || from.uid !== undefined) envelope.from = from;
  if (metadata !== undefined) envelope.meta = metadata as EnvelopeV1['meta'];
  return envelope;
}

/**
 * Checks an outgoing message and encodes it, before any network call.
 * @param message the room it is for, its id, text, timestamp, the sender's claims and metadata.
 * @param maxBytes the largest encoded size allowed.
 * @returns the wire form and the message as readers will see it (without a verified sender).
 * @throws ChatError INVALID_ARGUMENT for empty text, bad claims or metadata (not plain JSON, more than 16
 * deep, a `__proto__`, `constructor` or `prototype` key), or an id, timestamp or room readers would reject;
 * MESSAGE_TOO_LARGE above `maxBytes`.
 */
export function encodeMessage(
  message: { roomId: string; id: string; text: string; timestamp: number; claims: SenderClaims; metadata?: unknown },
  maxBytes: number,
): { encoded: string; message: ChatMessage } {
  if (typeof message.text !== 'string' || message.text.trim() === '') {
    throw new ChatError('INVALID_ARGUMENT', 'unable to send; the text is empty');
  }
  const problem = message.metadata === undefined ? undefined : metadataProblem(message.metadata);
  if (problem) {
    throw new ChatError(
      'INVALID_ARGUMENT',
      `unable to send; metadata must be a plain JSON object (finite numbers, no functions, no cycles, at most ${MAX_METADATA_DEPTH} deep, no __proto__, constructor or prototype keys), and it ${problem}`,
    );
  }
  checkClaims(message.claims);
  if (typeof message.roomId !== 'string' || message.roomId === '') throw new ChatError('INVALID_ARGUMENT', 'unable to send; the room id is empty');
  // The id and the clock may be the app's (generateId, now): a reader drops what it cannot read.
  if (!isMessageId(message.id)) {
    throw new ChatError('INVALID_ARGUMENT', `unable to send; the id ${quote(message.id)} is not a ULID (26 characters of Crockford base32); check generateId`);
  }
  if (typeof message.timestamp !== 'number' || !Number.isFinite(message.timestamp)) {
    throw new ChatError('INVALID_ARGUMENT', 'unable to send; the clock gave no finite timestamp; check now');
  }
  const encoded = JSON.stringify(envelopeOf(message.roomId, message.id, message.text, message.timestamp, message.claims, message.metadata));
  const size = byteLength(encoded);
  if (size > maxBytes) {
    throw new ChatError('MESSAGE_TOO_LARGE', `unable to send; the message is ${size} bytes encoded and the limit is ${maxBytes}; shorten the text or metadata`);
  }
  // Read back rather than built: exactly what readers get, and no metadata object shared with the caller.
  const read = decodeMessage(encoded, { roomId: message.roomId });
  // What a reader would refuse is never sent: every reader would report it as malformed.
  if (isChatError(read)) throw new ChatError('INVALID_ARGUMENT', `unable to send; readers would refuse the message: ${read.message}`);
  return { encoded, message: read };
}

/**
 * Encodes a message a moderator accepted, with its stamps, for the room it was sent to.
 * @throws ChatError MESSAGE_TOO_LARGE when the stamped (perhaps transformed) message exceeds `maxBytes`.
 */
export function encodeStamped(roomId: string, message: ChatMessage, stamp: ModeratorStamp, maxBytes: number): string {
  const envelope: EnvelopeV1 = { ...envelopeOf(roomId, message.id, message.text, message.timestamp, message.sender.claims, message.metadata), ...stamp };
  const encoded = JSON.stringify(envelope);
  const size = byteLength(encoded);
  if (size > maxBytes) throw new ChatError('MESSAGE_TOO_LARGE', `unable to store the moderated message; it is ${size} bytes encoded and the limit is ${maxBytes}`);
  return encoded;
}

/** Whether a value is a JSON object that may be message metadata (what readers accept). */
export const isMetadata = (value: unknown): value is { [key: string]: JsonValue } => metadataProblem(value) === undefined;

/**
 * The MALFORMED_MESSAGE error of an entry or item that is not a message.
 * @param reason why, as the end of "unable to read a message; …".
 * @param raw the entry or item as received.
 */
export const malformedMessage = (reason: string, raw: string | Uint8Array): ChatError =>
  new ChatError('MALFORMED_MESSAGE', `unable to read a message; ${reason}`, { raw });

/** A value as a reason quotes it: short whatever its size, and escaped, since anyone may have written it. */
function quote(value: unknown): string {
  if (typeof value === 'string') return value.length > MAX_QUOTED_LENGTH ? `${JSON.stringify(value.slice(0, MAX_QUOTED_LENGTH))}…` : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

/**
 * Reads an envelope from history or from the topic. One `JSON.parse` and one walk of the metadata; any
 * input, however hostile, gives a message or an error, never a throw.
 *
 * An entry is malformed when it is over Momento's 4096-byte topic limit, not JSON, not an object, of
 * another version, of another room, without a valid id, text or finite timestamp, with a sender (`from`)
 * or metadata that is not an object, metadata that is not plain JSON or is nested more than 16 deep, a
 * `__proto__`, `constructor` or `prototype` key in the envelope, its sender or its metadata, or, when
 * `stamped`, without a moderator's stamps. A claim in `from` that is not a string is dropped: the message
 * stays readable, the claims are only what the sender says.
 * @param raw the stored or published string.
 * @param context the room being read, the publisher's tokenId for live items, and whether to trust stamps.
 * @returns the message, or a MALFORMED_MESSAGE error whose `raw` is `raw` (returned, not thrown: one bad
 * entry must not stop the others).
 */
export function decodeMessage(raw: string, context: DecodeContext): ChatMessage | ChatError {
  if (oversize(raw)) return malformedMessage(`it is larger than Momento's ${MOMENTO_TOPIC_MESSAGE_BYTES}-byte topic limit, which every message fits`, raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return malformedMessage('it is not JSON', raw);
  }
  if (!isPlainObject(parsed)) return malformedMessage('it is not a JSON object', raw);
  const e = parsed as Partial<EnvelopeV1> & Record<string, unknown>;
  if (e.v !== ENVELOPE_VERSION) return malformedMessage(`its version is ${quote(e.v)}, not ${ENVELOPE_VERSION}`, raw);
  if (e.room !== context.roomId) return malformedMessage(typeof e.room === 'string' ? `it belongs to room ${quote(e.room)}` : 'it names no room', raw);
  if (!isMessageId(e.id)) return malformedMessage('it has no valid id', raw);
  if (typeof e.text !== 'string') return malformedMessage('it has no text', raw);
  if (typeof e.ts !== 'number' || !Number.isFinite(e.ts)) return malformedMessage('it has no timestamp', raw);
  const hostile = hostileKeyOf(e);
  if (hostile) return malformedMessage(`it has a key named ${hostile}`, raw);
  const claims: SenderClaims = {};
  const { from, meta } = e;
  if (from !== undefined) {
    if (!isPlainObject(from)) return malformedMessage('its sender is not an object', raw);
    const hostileClaim = hostileKeyOf(from);
    if (hostileClaim) return malformedMessage(`its sender has a key named ${hostileClaim}`, raw);
    if (typeof from.name === 'string') claims.displayName = from.name;
    if (typeof from.uid === 'string') claims.userId = from.uid;
  }
  if (meta !== undefined) {
    const problem = metadataProblem(meta);
    if (problem) return malformedMessage(`its metadata ${problem}`, raw);
  }
  let message: { -readonly [K in keyof ChatMessage]: ChatMessage[K] };
  if (context.stamped) {
    const { by, sts, n } = e;
    if (typeof by !== 'string' || typeof sts !== 'number' || !Number.isFinite(sts) || !Number.isSafeInteger(n)) {
      return malformedMessage('it carries no moderator stamp', raw);
    }
    message = { id: e.id, text: e.text, timestamp: e.ts, sender: by ? { claims, tokenId: by } : { claims }, serverTimestamp: sts, sequence: n! };
  } else {
    const { tokenId } = context;
    message = { id: e.id, text: e.text, timestamp: e.ts, sender: tokenId ? { claims, tokenId } : { claims } };
  }
  if (meta !== undefined) message.metadata = meta;
  return message;
}
