import { describe, expect, it } from 'vitest';
import { ENVELOPE_VERSION, MOMENTO_TOPIC_MESSAGE_BYTES, byteLength, decodeMessage, encodeMessage, encodeStamped, type DecodeContext } from '../../src/envelope.js';
import { ChatError, isChatError } from '../../src/errors.js';
import type { ChatMessage } from '../../src/message.js';
import { thrown } from './support/thrown.js';

const ID = '01HZX3K7M9ABCDEFGHJKMNPQRS';
const TS = 1_700_000_000_000;
const ROOM = 'lobby';
const IN_ROOM = { roomId: ROOM };

const encode = (fields: { text?: unknown; metadata?: unknown; claims?: Record<string, unknown>; roomId?: unknown } = {}, maxBytes = MOMENTO_TOPIC_MESSAGE_BYTES) =>
  encodeMessage({ roomId: ROOM, id: ID, text: 'hello', timestamp: TS, claims: {}, ...fields } as unknown as Parameters<typeof encodeMessage>[0], maxBytes);

/** What decodeMessage returned, which must be a ChatError. */
function rejected(raw: string, context: DecodeContext = IN_ROOM): ChatError {
  const decoded = decodeMessage(raw, context);
  if (!isChatError(decoded)) throw new Error(`expected ${raw} to be rejected`);
  return decoded;
}

describe('encodeMessage', () => {
  it('writes the short version-1 wire form', () => {
    const { encoded } = encode({ text: 'hi', claims: { displayName: 'Ann', userId: 'u1' }, metadata: { reply: 'x' } });
    expect(ENVELOPE_VERSION).toBe(1);
    expect(encoded).toBe(`{"v":1,"room":"lobby","id":"${ID}","text":"hi","ts":${TS},"from":{"name":"Ann","uid":"u1"},"meta":{"reply":"x"}}`);
  });

  it('leaves out the sender and metadata when there are none', () => {
    expect(encode({ text: 'hi' }).encoded).toBe(`{"v":1,"room":"lobby","id":"${ID}","text":"hi","ts":${TS}}`);
  });

  it('returns the message as readers will decode it: a round trip gives it back', () => {
    const metadata = { n: 1, ok: true, none: null, list: [1, 'two', { three: 3 }], nested: { deep: 'é' } };
    const { encoded, message } = encode({ text: 'héllo 👋', claims: { displayName: 'Ann', userId: 'u1' }, metadata });
    expect(message).toEqual({ id: ID, text: 'héllo 👋', timestamp: TS, sender: { claims: { displayName: 'Ann', userId: 'u1' } }, metadata });
    expect(decodeMessage(encoded, IN_ROOM)).toEqual(message);
  });

  it('round-trips a message without claims or metadata, and adds the tokenId Momento stamped on a live item', () => {
    const { encoded, message } = encode({ text: 'plain' });
    expect(decodeMessage(encoded, IN_ROOM)).toEqual(message);
    const live = decodeMessage(encoded, { roomId: ROOM, tokenId: 'token-of-ann' }) as ChatMessage;
    expect(live.sender).toEqual({ claims: {}, tokenId: 'token-of-ann' });
  });

  it('accepts metadata made with a null prototype', () => {
    const metadata = Object.assign(Object.create(null) as object, { a: 1 });
    expect(encode({ metadata }).message.metadata).toEqual({ a: 1 });
  });

  it.each([
    ['empty text', ''],
    ['blank text', ' \n\t '],
    ['text that is not a string', 42],
    ['missing text', undefined],
  ])('rejects %s with INVALID_ARGUMENT', (_, text) => {
    const error = thrown(() => encode({ text }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('unable to send; the text is empty');
  });

  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  let deep: Record<string, unknown> = {};
  for (let i = 0; i < 20; i++) deep = { deep };

  it.each([
    ['an array', [1, 2]],
    ['a string', 'meta'],
    ['null', null],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a class instance', new (class Point { x = 1 })()],
    ['a function value', { f: () => 1 }],
    ['an undefined value', { u: undefined }],
    ['NaN', { n: Number.NaN }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['a bigint', { n: 1n }],
    ['a nested Date', { when: new Date(0) }],
    ['a cycle', cycle],
    ['nesting deeper than 16 levels', deep],
    ['an own key named __proto__ (as JSON.parse makes it)', JSON.parse('{"__proto__":{"admin":true}}')],
    ['a key named constructor', { constructor: 'x' }],
    ['a nested key named prototype', { a: [{ prototype: 1 }] }],
    // eslint-disable-next-line no-sparse-arrays
    ['an array with a hole', { list: [1, , 3] }],
  ])('rejects metadata that is %s with INVALID_ARGUMENT', (_, metadata) => {
    const error = thrown(() => encode({ metadata }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^unable to send; metadata must be a plain JSON object/);
  });

  it.each([
    ['a display name over 256 characters', { displayName: 'x'.repeat(257) }],
    ['a user id that is not a string', { userId: 7 }],
  ])('rejects %s with INVALID_ARGUMENT', (_, claims) => {
    expect(thrown(() => encode({ claims })).code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['empty', ''],
    ['not a string', 42],
  ])('rejects a room id that is %s with INVALID_ARGUMENT', (_, roomId) => {
    expect(thrown(() => encode({ roomId })).message).toBe('unable to send; the room id is empty');
  });

  it('accepts claims of exactly 256 characters', () => {
    expect(encode({ claims: { displayName: 'x'.repeat(256) } }).message.sender.claims.displayName).toHaveLength(256);
  });

  describe('size', () => {
    // `{"v":1,"room":"lobby","id":"<26>","text":"","ts":1700000000000}` is ASCII: one byte per character.
    const overhead = `{"v":1,"room":"lobby","id":"${ID}","text":"","ts":${TS}}`.length;

    it('counts UTF-8 bytes, not characters: é is 2 bytes, € 3, 👋 4', () => {
      const text = 'é€👋';
      expect(text.length).toBe(4);
      const size = overhead + 2 + 3 + 4;
      expect(byteLength(encode({ text }).encoded)).toBe(size);
      expect(encode({ text }, size).encoded).toContain(text);

      const error = thrown(() => encode({ text }, size - 1));
      expect(error.code).toBe('MESSAGE_TOO_LARGE');
      expect(error.message).toBe(`unable to send; the message is ${size} bytes encoded and the limit is ${size - 1}; shorten the text or metadata`);
    });

    it('counts the escapes JSON adds', () => {
      // `"` and `\` become two bytes, a control character six (\u0001).
      const size = overhead + 2 + 2 + 6;
      expect(thrown(() => encode({ text: '"\\\u0001' }, size - 1)).message).toContain(`is ${size} bytes`);
      expect(() => encode({ text: '"\\\u0001' }, size)).not.toThrow();
    });

    it('counts the sender and metadata too', () => {
      // ë is one character and two bytes, € one and three.
      const size = overhead + 1 + `,"from":{"name":"Zoë"}`.length + 1 + `,"meta":{"k":"€"}`.length + 2;
      const fields = { text: 'x', claims: { displayName: 'Zoë' }, metadata: { k: '€' } };
      expect(byteLength(encode(fields).encoded)).toBe(size);
      expect(() => encode(fields, size)).not.toThrow();
      expect(thrown(() => encode(fields, size - 1)).code).toBe('MESSAGE_TOO_LARGE');
    });

    it('fits Momento’s 4 KB topic limit by default', () => {
      const room = MOMENTO_TOPIC_MESSAGE_BYTES - overhead;
      expect(MOMENTO_TOPIC_MESSAGE_BYTES).toBe(4096);
      expect(() => encode({ text: 'a'.repeat(room) })).not.toThrow();
      const error = thrown(() => encode({ text: '€'.repeat(Math.ceil(room / 3) + 1) }));
      expect(error.code).toBe('MESSAGE_TOO_LARGE');
      expect(error.message).toContain(`is ${overhead + 3 * (Math.ceil(room / 3) + 1)} bytes encoded and the limit is 4096`);
    });
  });
});

describe('decodeMessage', () => {
  const valid = { v: 1, room: ROOM, id: ID, text: 'hi', ts: TS };
  const raw = (fields: Record<string, unknown>) => JSON.stringify({ ...valid, ...fields });

  it('reads a minimal envelope', () => {
    expect(decodeMessage(JSON.stringify(valid), IN_ROOM)).toEqual({ id: ID, text: 'hi', timestamp: TS, sender: { claims: {} } });
  });

  it('ignores fields it does not know, so a newer writer of version 1 stays readable', () => {
    expect(decodeMessage(raw({ extra: [1, 2] }), IN_ROOM)).toEqual({ id: ID, text: 'hi', timestamp: TS, sender: { claims: {} } });
  });

  it('drops a claim that is not a string and keeps the message; an empty tokenId means none', () => {
    for (const name of [5, null, true, ['Ann'], { first: 'Ann' }]) {
      const decoded = decodeMessage(raw({ from: { name, uid: 'u1' } }), { roomId: ROOM, tokenId: '' }) as ChatMessage;
      expect(decoded.sender).toEqual({ claims: { userId: 'u1' } });
    }
  });

  it('reads a moderator’s stamps only when told to, and then requires them', () => {
    const stamped = raw({ by: 'token-ann', sts: TS + 5, n: 3 });
    expect(decodeMessage(stamped, { roomId: ROOM, stamped: true })).toEqual({
      id: ID, text: 'hi', timestamp: TS, sender: { claims: {}, tokenId: 'token-ann' }, serverTimestamp: TS + 5, sequence: 3,
    });
    expect(decodeMessage(stamped, IN_ROOM)).toEqual({ id: ID, text: 'hi', timestamp: TS, sender: { claims: {} } });
    for (const stamp of [{}, { by: 'x', sts: TS }, { by: 'x', sts: 'now', n: 1 }, { by: 'x', sts: TS, n: 1.5 }, { by: 1, sts: TS, n: 1 }]) {
      expect(rejected(raw(stamp), { roomId: ROOM, stamped: true }).message).toBe('unable to read a message; it carries no moderator stamp');
    }
    // 1e999 is valid JSON and parses to Infinity.
    expect(rejected(raw({ by: 'x', n: 1 }).replace('}', ',"sts":1e999}'), { roomId: ROOM, stamped: true }).message).toBe('unable to read a message; it carries no moderator stamp');
  });

  it('keeps the room in the stamped copy', () => {
    const { message } = encode({ text: 'hi' });
    const stamped = encodeStamped(ROOM, { ...message, sender: { claims: {}, tokenId: 'token-ann' } }, { by: 'token-ann', sts: TS + 5, n: 3 }, MOMENTO_TOPIC_MESSAGE_BYTES);
    expect(JSON.parse(stamped)).toMatchObject({ v: 1, room: ROOM, id: ID, by: 'token-ann', sts: TS + 5, n: 3 });
    expect(rejected(stamped, { roomId: 'help', stamped: true }).message).toBe('unable to read a message; it belongs to room "lobby"');
  });

  it('refuses an envelope of another room, quoting at most 64 characters of its name', () => {
    const error = rejected(JSON.stringify(valid), { roomId: 'help' });
    expect(error.message).toBe('unable to read a message; it belongs to room "lobby"');
    expect(error.raw).toBe(JSON.stringify(valid));
    const long = 'r'.repeat(3000);
    expect(rejected(raw({ room: long })).message).toBe(`unable to read a message; it belongs to room "${'r'.repeat(64)}"…`);
    expect(rejected(raw({ room: 'lobby\n"evil"' })).message).toBe('unable to read a message; it belongs to room "lobby\\n\\"evil\\""');
  });

  it('quotes at most 64 characters of an unknown version', () => {
    expect(rejected(raw({ v: 'v'.repeat(1000) })).message).toBe(`unable to read a message; its version is "${'v'.repeat(64)}"…, not 1`);
    expect(rejected(raw({ v: { big: 'x'.repeat(1000) } })).message).toBe('unable to read a message; its version is an object, not 1');
  });

  describe('size: Momento’s 4096-byte topic limit', () => {
    const overhead = JSON.stringify(valid).length - 2; // without the text "hi"
    const ofBytes = (bytes: number, char = 'a') => raw({ text: char.repeat((bytes - overhead) / byteLength(char)) });

    it.each([
      ['ASCII', 'a'],
      ['two-byte', 'é'],
      ['three-byte', '€'],
      ['four-byte (a surrogate pair)', '👋'],
    ])('reads 4096 bytes of %s text and refuses one more byte', (_, char) => {
      const padding = 4096 - overhead - byteLength(char) * Math.floor((4096 - overhead) / byteLength(char));
      const fits = raw({ text: 'a'.repeat(padding) + char.repeat(Math.floor((4096 - overhead) / byteLength(char))) });
      expect(byteLength(fits)).toBe(4096);
      expect(isChatError(decodeMessage(fits, IN_ROOM))).toBe(false);
      const over = fits.replace('"text":"', '"text":"a');
      expect(byteLength(over)).toBe(4097);
      const error = rejected(over);
      expect(error.message).toBe("unable to read a message; it is larger than Momento's 4096-byte topic limit, which every message fits");
      expect(error.raw).toBe(over);
    });

    it('refuses a string of more than 4096 characters without counting, and counts a lone surrogate as 3 bytes', () => {
      expect(rejected(ofBytes(5000)).message).toContain('larger than');
      expect(rejected(ofBytes(100_000)).message).toContain('larger than');
      // 1366 lone surrogates, unescaped as JSON allows, are 4098 bytes as TextEncoder counts them (U+FFFD each), in fewer than 4096 characters.
      const lone = raw({ text: '\ud800'.repeat(1366) }).replaceAll('\\ud800', '\ud800');
      expect(lone.length).toBeLessThan(4096);
      expect(byteLength(lone)).toBe(overhead + 3 * 1366);
      expect(rejected(lone).message).toContain('larger than');
    });

    it('counts the same where TextEncoder has no encodeInto (some polyfills)', () => {
      const encodeInto = Object.getOwnPropertyDescriptor(TextEncoder.prototype, 'encodeInto')!;
      delete (TextEncoder.prototype as Partial<TextEncoder>).encodeInto;
      try {
        const fits = raw({ text: '€'.repeat(Math.floor((4096 - overhead) / 3)) }).replace('"text":"', `"text":"${'a'.repeat((4096 - overhead) % 3)}`);
        expect(byteLength(fits)).toBe(4096);
        expect(isChatError(decodeMessage(fits, IN_ROOM))).toBe(false);
        expect(rejected(fits.replace('"text":"', '"text":"a')).message).toContain('larger than');
      } finally {
        Object.defineProperty(TextEncoder.prototype, 'encodeInto', encodeInto);
      }
    });
  });

  it.each([
    ['a key named __proto__ in the envelope', '{"v":1,"room":"lobby","id":"ID","text":"hi","ts":1,"__proto__":{"polluted":true}}', 'it has a key named __proto__'],
    ['a key named constructor in the envelope', raw({ constructor: { prototype: { polluted: true } } }), 'it has a key named constructor'],
    ['a key named prototype in the envelope', raw({ prototype: 1 }), 'it has a key named prototype'],
    ['a key named __proto__ in the sender', raw({ from: { name: 'Ann' } }).replace('{"name"', '{"__proto__":{"admin":true},"name"'), 'its sender has a key named __proto__'],
    ['a key named __proto__ deep in the metadata', raw({ meta: { a: [{ b: 1 }] } }).replace('{"b":1}', '{"b":1,"__proto__":{"x":1}}'), 'its metadata has a key named __proto__'],
    ['a key named constructor in the metadata', raw({ meta: { constructor: 'x' } }), 'its metadata has a key named constructor'],
    ['a non-finite number in the metadata (1e999)', raw({ meta: { n: 1 } }).replace('"n":1', '"n":1e999'), 'its metadata holds a number that is not finite'],
    ['a non-finite timestamp (1e999)', raw({ ts: 1 }).replace('"ts":1', '"ts":1e999'), 'it has no timestamp'],
    ['metadata nested 17 deep', raw({ meta: JSON.parse(`${'{"a":'.repeat(17)}1${'}'.repeat(17)}`) }), 'its metadata is nested more than 16 deep'],
    ['metadata of arrays nested 1990 deep', raw({ meta: { a: 1 } }).replace('"a":1', `"a":${'['.repeat(1990)}${']'.repeat(1990)}`), 'its metadata is nested more than 16 deep'],
  ])('refuses %s', (_, input, reason) => {
    const error = rejected(input.replace('"ID"', JSON.stringify(ID)));
    expect(error.message).toBe(`unable to read a message; ${reason}`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts metadata nested exactly 16 deep', () => {
    const meta = JSON.parse(`${'{"a":'.repeat(16)}1${'}'.repeat(16)}`) as Record<string, never>;
    expect((decodeMessage(raw({ meta }), IN_ROOM) as ChatMessage).metadata).toEqual(meta);
  });

  it.each([
    ['not JSON', 'hello', 'it is not JSON'],
    ['a JSON array', '[1]', 'it is not a JSON object'],
    ['a JSON string', '"hi"', 'it is not a JSON object'],
    ['version 2', raw({ v: 2 }), 'its version is 2, not 1'],
    ['version "1"', raw({ v: '1' }), 'its version is "1", not 1'],
    ['no version', JSON.stringify({ room: ROOM, id: ID, text: 'hi', ts: TS }), 'its version is undefined, not 1'],
    ['no room', JSON.stringify({ v: 1, id: ID, text: 'hi', ts: TS }), 'it names no room'],
    ['a room that is not a string', raw({ room: 7 }), 'it names no room'],
    ['another room', raw({ room: 'help' }), 'it belongs to room "help"'],
    ['JSON null', 'null', 'it is not a JSON object'],
    ['an empty string', '', 'it is not JSON'],
    ['a lowercase id', raw({ id: ID.toLowerCase() }), 'it has no valid id'],
    ['an id of 25 characters', raw({ id: ID.slice(1) }), 'it has no valid id'],
    ['an id with U (not Crockford)', raw({ id: `U${ID.slice(1)}` }), 'it has no valid id'],
    ['a numeric id', raw({ id: 12 }), 'it has no valid id'],
    ['no text', raw({ text: undefined }), 'it has no text'],
    ['a timestamp that is a string', raw({ ts: '1700000000000' }), 'it has no timestamp'],
    ['a sender that is an array', raw({ from: ['Ann'] }), 'its sender is not an object'],
    ['metadata that is an array', raw({ meta: [1] }), 'its metadata is not a JSON object'],
    ['metadata that is null', raw({ meta: null }), 'its metadata is not a JSON object'],
  ])('rejects %s as MALFORMED_MESSAGE, returned not thrown, with the input as `raw`', (_, input, reason) => {
    const error = rejected(input);
    expect(error).toBeInstanceOf(ChatError);
    expect(error.code).toBe('MALFORMED_MESSAGE');
    expect(error.message).toBe(`unable to read a message; ${reason}`);
    expect(error.raw).toBe(input);
  });
});
