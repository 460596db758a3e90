import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MOMENTO_TOPIC_MESSAGE_BYTES, decodeMessage, encodeMessage, type DecodeContext } from '../../src/envelope.js';
import { isChatError } from '../../src/errors.js';
import { readLive } from '../../src/live-feed.js';
import type { ChatMessage, JsonValue } from '../../src/message.js';
import { testSeed } from '../support/seed.js';

// MOMENTO_CHAT_SEED=<n> replays a run, MOMENTO_CHAT_SEED=random tries new inputs; unset, CI runs the same ones.
const SEED = testSeed();
if (process.env.MOMENTO_CHAT_SEED?.trim()) console.log(`envelope.fuzz: seed ${SEED} (MOMENTO_CHAT_SEED=${SEED} replays it)`);
/** Generated cases per property: every property below sees this many inputs, across all its generators. */
const NUM_RUNS = 5000;
const run = { seed: SEED, numRuns: NUM_RUNS };

const LIMIT = MOMENTO_TOPIC_MESSAGE_BYTES;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ROOM_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@-';
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------------------
// Generators

const ulid = fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 });
const roomChar = fc.constantFrom(...ROOM_CHARS);
const roomId = fc.oneof(fc.string({ unit: roomChar, minLength: 1, maxLength: 12 }), fc.string({ unit: roomChar, minLength: 60, maxLength: 128, size: 'max' }));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Any UTF-16 text: every code point, lone surrogates, and the characters JSON escapes. */
const anyUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '{', '}', ':', ',') },
);
const anyText = (maxLength: number) => fc.string({ unit: anyUnit, maxLength });
/**
 * Text of `minLength` to `maxLength` UTF-16 units, since fast-check's default sizes stay short and the limits
 * are long: a short random chunk repeated (cut anywhere, so perhaps through a surrogate pair), then a random tail.
 */
const longText = (minLength: number, maxLength: number) =>
  fc
    .tuple(fc.string({ unit: anyUnit, minLength: 1, maxLength: 8 }), fc.integer({ min: minLength, max: maxLength }), anyText(20))
    .map(([chunk, length, tail]) => chunk.repeat(Math.ceil(length / chunk.length)).slice(0, Math.max(0, length - tail.length)) + tail);

/** A JSON value as JSON.stringify then JSON.parse give it back: JSON has no -0. */
const roundTrippable = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** Metadata: JSON objects from fc.jsonValue, now and then with a hostile key or nested past the limit. */
const metadata = fc.oneof(
  { weight: 8, arbitrary: fc.dictionary(fc.string({ unit: anyUnit, maxLength: 8 }), fc.jsonValue({ maxDepth: 4, stringUnit: anyUnit }), { maxKeys: 6 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...HOSTILE_KEYS, 'a'), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.integer({ min: 14, max: 20 }).map((depth) => nested(depth, false)) },
).map(roundTrippable);

const timestamp = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((t) => (Object.is(t, -0) ? 0 : t)),
);
/** Claims as a room sends them: at most 256 UTF-16 units each (a unit of the generator may be two). */
const claim = fc.oneof(anyText(20), longText(200, 256)).map((s) => s.slice(0, 256));
const claims = fc.record({ displayName: claim, userId: claim }, { requiredKeys: [] });

/** What a room sends: text (never blank), claims, metadata, of any size up to past the limit. */
const message = fc.record({
  roomId,
  id: ulid,
  // Short, or long enough that encoded it is near Momento's limit, on either side.
  text: fc.oneof({ weight: 8, arbitrary: anyText(200) }, { weight: 2, arbitrary: longText(1000, 4100) }).filter((t) => t.trim() !== ''),
  timestamp,
  claims,
  metadata: fc.option(metadata, { nil: undefined }),
});
type Message = typeof message extends fc.Arbitrary<infer T> ? T : never;

/** A message whose text is topped up with `a` so that, encoded, it is within a few hundred bytes of the limit, either side. */
const messageNearLimit = fc.tuple(message, fc.integer({ min: -300, max: 30 })).map(([m, delta]) => {
  const missing = LIMIT + delta - utf8.encode(JSON.stringify(envelopeOf(m))).length;
  return missing > 0 ? { ...m, text: m.text + 'a'.repeat(missing) } : m;
});

/** An object `depth` levels deep (arrays or objects), with 1 at the bottom. */
function nested(depth: number, arrays: boolean): { [key: string]: JsonValue } {
  let value: JsonValue = 1;
  for (let i = 1; i < depth; i++) value = arrays ? [value] : { d: value };
  return { d: value };
}

/** The envelope a valid message makes, written by hand (not by the code under test), perhaps stamped. */
function envelopeOf(m: Message, stamp?: { by: string; sts: number; n: number }): Record<string, unknown> {
  const envelope: Record<string, unknown> = { v: 1, room: m.roomId, id: m.id, text: m.text, ts: m.timestamp };
  if (m.claims.displayName !== undefined || m.claims.userId !== undefined) envelope.from = { name: m.claims.displayName, uid: m.claims.userId };
  if (m.metadata !== undefined) envelope.meta = m.metadata;
  return stamp ? { ...envelope, ...stamp } : envelope;
}

const FIELDS = ['v', 'room', 'id', 'text', 'ts', 'from', 'meta', 'by', 'sts', 'n'] as const;
/** A JSON value to put anywhere: small, or a big string, or a huge number. */
const anyJson = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: anyUnit }) },
  { weight: 1, arbitrary: longText(100, 3000) },
  // Near misses: the version as a string, an unsafe integer, a lowercase ULID…
  { weight: 1, arbitrary: fc.constantFrom<unknown>(1, '1', 0, -1, 2 ** 53, 1.5, true, null, [], {}, '', '01hzx3k7m9abcdefghjkmnpqrs') },
);

/** One change to a valid envelope, the way a broken or hostile writer would make it. */
type Mutation =
  | { kind: 'replace'; field: (typeof FIELDS)[number]; value: unknown }
  | { kind: 'delete'; field: (typeof FIELDS)[number] }
  | { kind: 'hostile'; where: 'top' | 'from' | 'meta' | 'deep'; key: (typeof HOSTILE_KEYS)[number]; value: unknown }
  | { kind: 'nest'; depth: number; arrays: boolean }
  | { kind: 'room'; room: string }
  | { kind: 'nonfinite'; field: 'ts' | 'sts' | 'n' | 'meta'; negative: boolean }
  | { kind: 'pad'; delta: number; unit: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), field: fc.constantFrom(...FIELDS), value: anyJson }),
  fc.record({ kind: fc.constant('delete' as const), field: fc.constantFrom(...FIELDS) }),
  fc.record({
    kind: fc.constant('hostile' as const),
    where: fc.constantFrom('top' as const, 'from' as const, 'meta' as const, 'deep' as const),
    key: fc.constantFrom(...HOSTILE_KEYS),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant('nest' as const), depth: fc.oneof(fc.integer({ min: 12, max: 20 }), fc.constant(1000)), arrays: fc.boolean() }),
  fc.record({ kind: fc.constant('room' as const), room: fc.oneof(roomId, anyText(30), longText(60, 300)) }),
  fc.record({ kind: fc.constant('nonfinite' as const), field: fc.constantFrom('ts' as const, 'sts' as const, 'n' as const, 'meta' as const), negative: fc.boolean() }),
  fc.record({ kind: fc.constant('pad' as const), delta: fc.integer({ min: -6, max: 6 }), unit: fc.constantFrom('a', 'é', '€', '👋', '\ud800', '\udfff') }),
);

const NONFINITE = '"~nonfinite~"';

/** Applies mutations to an envelope, as JSON text: some of them (hostile keys, 1e999, padding) only text can carry. */
function mutate(envelope: Record<string, unknown>, mutations: readonly Mutation[]): string {
  const e: Record<string, unknown> = { ...envelope };
  const splices: Array<(raw: string) => string> = [];
  for (const m of mutations) {
    switch (m.kind) {
      case 'replace':
        e[m.field] = m.value;
        break;
      case 'delete':
        delete e[m.field];
        break;
      case 'hostile': {
        // JSON.parse makes the key an own property, as a reader's JSON.parse would.
        const holder = JSON.parse(`{${JSON.stringify(m.key)}:${JSON.stringify(m.value)},"k":1}`) as Record<string, unknown>;
        if (m.where === 'top') splices.push((raw) => `{${JSON.stringify(m.key)}:${JSON.stringify(m.value)},${raw.slice(1)}`);
        else if (m.where === 'from') e.from = holder;
        else if (m.where === 'meta') e.meta = holder;
        else e.meta = { list: [1, { deeper: holder }] };
        break;
      }
      case 'nest':
        e.meta = nested(m.depth, m.arrays);
        break;
      case 'room':
        e.room = m.room;
        break;
      case 'nonfinite':
        if (m.field === 'meta') e.meta = { n: '~nonfinite~' };
        else e[m.field] = '~nonfinite~';
        splices.push((raw) => raw.replaceAll(NONFINITE, m.negative ? '-1e999' : '1e999'));
        break;
      case 'pad':
        splices.push((raw) => pad(raw, m.delta, m.unit));
        break;
    }
  }
  let raw = JSON.stringify(e);
  for (const splice of splices) raw = splice(raw);
  return raw;
}

/**
 * Pads the text of a raw envelope to `LIMIT + delta` bytes with `unit` (unescaped, as JSON allows, so a lone
 * surrogate counts 3 bytes), topped up with `a`. An envelope with no text, or already longer, is left alone.
 */
function pad(raw: string, delta: number, unit: string): string {
  const at = raw.indexOf('"text":"');
  const missing = LIMIT + delta - utf8.encode(raw).length;
  if (at < 0 || missing <= 0) return raw;
  const size = utf8.encode(unit).length;
  const padding = unit.repeat(Math.floor(missing / size)) + 'a'.repeat(missing % size);
  const cut = at + '"text":"'.length;
  return raw.slice(0, cut) + padding + raw.slice(cut);
}

/** A valid envelope of a room, mutated, with the context to read it in. */
const mutated = fc
  .record({ message, stamped: fc.boolean(), by: fc.string({ maxLength: 64 }), sts: timestamp, n: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) })
  .map(({ message: m, stamped, by, sts, n, mutations }) => ({
    raw: mutate(envelopeOf(m, stamped ? { by, sts, n } : undefined), mutations),
    context: { roomId: m.roomId, stamped } satisfies DecodeContext,
  }));

/** Anything a reader may be handed, and the room it reads. */
const anyInput = fc.oneof(
  fc.record({ raw: anyText(300), context: fc.record({ roomId }) }),
  fc.record({ raw: fc.oneof(longText(1300, 5000), fc.string({ unit: 'binary-ascii', minLength: 1300, maxLength: 4200, size: 'max' })), context: fc.record({ roomId }) }),
  fc.record({ raw: fc.json({ stringUnit: anyUnit }), context: fc.record({ roomId, stamped: fc.boolean() }) }),
  fc.record({ raw: fc.jsonValue({ stringUnit: anyUnit }).map((v) => JSON.stringify(v)), context: fc.record({ roomId }) }),
  fc.record({ raw: fc.object({ withNullPrototype: true, withUnicodeString: true }).map((o) => JSON.stringify(o)), context: fc.record({ roomId }) }),
  { weight: 2, arbitrary: mutated },
);

// ---------------------------------------------------------------------------------------------------------
// What the tests check against: the documented format, written out independently of src/envelope.ts.

const isHostile = (key: string): boolean => (HOSTILE_KEYS as readonly string[]).includes(key);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && [Object.prototype, null].includes(Object.getPrototypeOf(value));

/** Whether a value is plain JSON metadata content at `depth` (metadata itself at 0, at most 16 deep). */
function isPlainJson(value: unknown, depth: number): boolean {
  if (depth > 16) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return Object.keys(value).length === value.length && value.every((v) => isPlainJson(v, depth + 1));
  return isObject(value) && Object.keys(value).every((k) => !isHostile(k) && isPlainJson(value[k], depth + 1));
}

/** Whether the documented format accepts `raw` in `context`. */
function specAccepts(raw: string, context: DecodeContext): boolean {
  if (utf8.encode(raw).length > LIMIT) return false;
  let e: unknown;
  try {
    e = JSON.parse(raw);
  } catch {
    return false;
  }
  if (!isObject(e) || Object.keys(e).some(isHostile)) return false;
  if (e.v !== 1 || e.room !== context.roomId) return false;
  if (typeof e.id !== 'string' || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(e.id)) return false;
  if (typeof e.text !== 'string' || typeof e.ts !== 'number' || !Number.isFinite(e.ts)) return false;
  if ('from' in e && (!isObject(e.from) || Object.keys(e.from).some(isHostile))) return false;
  if ('meta' in e && !(isObject(e.meta) && isPlainJson(e.meta, 0))) return false;
  if (context.stamped && !(typeof e.by === 'string' && typeof e.sts === 'number' && Number.isFinite(e.sts) && Number.isSafeInteger(e.n))) return false;
  return true;
}

/** The message the documented format reads from an accepted `raw`. */
function specMessage(raw: string, context: DecodeContext): ChatMessage {
  const e = JSON.parse(raw) as { id: string; text: string; ts: number; by: string; sts: number; n: number; from?: Record<string, unknown>; meta?: ChatMessage['metadata'] };
  const claims = {
    ...(typeof e.from?.name === 'string' && { displayName: e.from.name }),
    ...(typeof e.from?.uid === 'string' && { userId: e.from.uid }),
  };
  const tokenId = context.stamped ? e.by : context.tokenId;
  return {
    id: e.id,
    text: e.text,
    timestamp: e.ts,
    sender: tokenId ? { claims, tokenId } : { claims },
    ...(context.stamped && { serverTimestamp: e.sts, sequence: e.n }),
    ...('meta' in e && { metadata: e.meta }),
  };
}

/** Checks what a reader returned for `raw`: a well-formed message, or MALFORMED_MESSAGE carrying `raw`. */
function expectReadable(result: unknown, raw: string | Uint8Array): void {
  if (isChatError(result)) {
    expect(result.code).toBe('MALFORMED_MESSAGE');
    expect(result.raw).toBe(raw);
    expect(result.message).toMatch(/^unable to read a message; /);
    // A reason quotes at most 64 characters of what it was given (6 each once escaped), whatever its size.
    expect(result.message.length).toBeLessThan(500);
    return;
  }
  const m = result as ChatMessage;
  expect(m.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  expect(typeof m.text).toBe('string');
  expect(Number.isFinite(m.timestamp)).toBe(true);
  expect(isObject(m.sender) && isObject(m.sender.claims)).toBe(true);
  for (const claim of Object.values(m.sender.claims)) expect(typeof claim).toBe('string');
  if (m.metadata !== undefined) expect(isPlainJson(m.metadata, 0)).toBe(true);
}

// Counts, to show the generators reach every case rather than trivially passing.
const seen = { malformed: 0, decoded: 0, oversize: 0, roundTrips: 0, nearLimitRoundTrips: 0, tooLarge: 0, refusedBySender: 0, mutatedAccepted: 0, mutatedRefused: 0 };

afterAll(() => {
  // Nothing any input held reached a prototype.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('decodeMessage, fuzzed', () => {
  it(`never throws: any input (${NUM_RUNS} cases: strings, JSON, objects, mutated envelopes) is a well-formed message or MALFORMED_MESSAGE with the input as raw`, () => {
    fc.assert(
      fc.property(anyInput, ({ raw, context }) => {
        let result: unknown;
        expect(() => (result = decodeMessage(raw, context))).not.toThrow();
        expectReadable(result, raw);
        if (isChatError(result)) seen.malformed++;
        else seen.decoded++;
      }),
      run,
    );
    expect(seen.malformed).toBeGreaterThan(NUM_RUNS / 4);
    expect(seen.decoded).toBeGreaterThan(NUM_RUNS / 100);
  });

  it(`accepts a mutated envelope exactly when the documented format does, and then reads what it says (${NUM_RUNS} cases)`, () => {
    fc.assert(
      fc.property(mutated, ({ raw, context }) => {
        const result = decodeMessage(raw, context);
        const accepted = specAccepts(raw, context);
        expect(isChatError(result), isChatError(result) ? result.message : 'decoded').toBe(!accepted);
        if (accepted) {
          expect(result).toEqual(specMessage(raw, context));
          seen.mutatedAccepted++;
        } else {
          expectReadable(result, raw);
          seen.mutatedRefused++;
        }
      }),
      run,
    );
    expect(seen.mutatedAccepted).toBeGreaterThan(NUM_RUNS / 20);
    expect(seen.mutatedRefused).toBeGreaterThan(NUM_RUNS / 10);
  });

  it(`refuses exactly the inputs over 4096 UTF-8 bytes, counted as TextEncoder counts them, lone surrogates included (${NUM_RUNS} cases)`, () => {
    const nearTheLimit = fc.oneof(
      longText(1300, 4200),
      fc.record({ unit: fc.constantFrom('a', 'é', '€', '👋', '\ud800'), delta: fc.integer({ min: -4, max: 4 }) }).map(({ unit, delta }) =>
        pad(`{"v":1,"room":"r","id":"01HZX3K7M9ABCDEFGHJKMNPQRS","text":"","ts":1}`, delta, unit),
      ),
    );
    fc.assert(
      fc.property(nearTheLimit, (raw) => {
        const bytes = utf8.encode(raw).length;
        const result = decodeMessage(raw, { roomId: 'r' });
        const tooBig = isChatError(result) && result.message.includes('topic limit');
        expect(tooBig).toBe(bytes > LIMIT);
        if (tooBig) seen.oversize++;
      }),
      run,
    );
    expect(seen.oversize).toBeGreaterThan(NUM_RUNS / 10);
  });
});

describe('encodeMessage → decodeMessage, fuzzed', () => {
  it(`round-trips every message a room accepts to send exactly: id, text, timestamp, claims, metadata (${NUM_RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: message }, { weight: 1, arbitrary: messageNearLimit }), fc.string({ maxLength: 64 }), (m, tokenId) => {
        let encoded: string;
        try {
          ({ encoded } = encodeMessage(m, LIMIT));
        } catch (error) {
          // Refused before sending: too large, or metadata no reader would accept (a hostile key, too deep).
          expect(isChatError(error) && ['MESSAGE_TOO_LARGE', 'INVALID_ARGUMENT'].includes(error.code)).toBe(true);
          expect(specAccepts(JSON.stringify(envelopeOf(m)), { roomId: m.roomId })).toBe(false);
          seen.refusedBySender++;
          if (isChatError(error) && error.code === 'MESSAGE_TOO_LARGE') seen.tooLarge++;
          return;
        }
        expect(encoded).toBe(JSON.stringify(envelopeOf(m)));
        const claims = JSON.parse(JSON.stringify(m.claims)) as typeof m.claims;
        const expected = { id: m.id, text: m.text, timestamp: m.timestamp, sender: { claims }, ...(m.metadata !== undefined && { metadata: m.metadata }) };
        expect(decodeMessage(encoded, { roomId: m.roomId })).toEqual(expected);
        expect(decodeMessage(encoded, { roomId: m.roomId, tokenId })).toEqual({ ...expected, sender: tokenId ? { claims, tokenId } : { claims } });
        seen.roundTrips++;
        if (utf8.encode(encoded).length > LIMIT - 500) seen.nearLimitRoundTrips++;
      }),
      run,
    );
    expect(seen.roundTrips).toBeGreaterThan(NUM_RUNS / 2);
    // Both sides of the limit were reached.
    expect(seen.nearLimitRoundTrips).toBeGreaterThan(NUM_RUNS / 100);
    expect(seen.tooLarge).toBeGreaterThan(NUM_RUNS / 100);
    expect(seen.refusedBySender).toBeGreaterThan(seen.tooLarge);
  });

  it(`refuses a message read as another room’s, naming the room it belongs to (${NUM_RUNS} cases)`, () => {
    fc.assert(
      fc.property(message, roomId, (m, other) => {
        fc.pre(other !== m.roomId);
        let encoded: string;
        try {
          ({ encoded } = encodeMessage(m, LIMIT));
        } catch {
          return;
        }
        const result = decodeMessage(encoded, { roomId: other });
        if (!isChatError(result)) throw new Error(`read as room ${other}: ${encoded}`);
        const quoted = m.roomId.length > 64 ? `${JSON.stringify(m.roomId.slice(0, 64))}…` : JSON.stringify(m.roomId);
        expect([result.code, result.message, result.raw]).toEqual(['MALFORMED_MESSAGE', `unable to read a message; it belongs to room ${quoted}`, encoded]);
      }),
      run,
    );
  });
});

describe('readLive, fuzzed', () => {
  it(`never throws on a topic item: bytes are MALFORMED_MESSAGE with the same bytes as raw, text reads as decodeMessage reads it (${NUM_RUNS} cases)`, () => {
    const item = fc.oneof(fc.uint8Array({ maxLength: 5000 }), anyInput.map(({ raw }) => raw), mutated.map(({ raw }) => raw));
    fc.assert(
      fc.property(item, roomId, fc.boolean(), fc.option(fc.string({ maxLength: 64 }), { nil: undefined }), (value, room, moderated, tokenId) => {
        let result: unknown;
        expect(() => (result = readLive(value, { roomId: room, tokenId, moderated }))).not.toThrow();
        if (typeof value !== 'string') {
          expect(isChatError(result) && [result.code, result.message, result.raw]).toEqual(['MALFORMED_MESSAGE', 'unable to read a message; it is binary; messages are text', value]);
          return;
        }
        if (!moderated) expect(result).toEqual(decodeMessage(value, { roomId: room, tokenId }));
        else if (!('reason' in (result as object)) || isChatError(result)) expectReadable(result, value);
      }),
      run,
    );
  });
});
