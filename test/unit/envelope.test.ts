import { describe, expect, it } from 'vitest';
import { ENVELOPE_VERSION, MOMENTO_TOPIC_MESSAGE_BYTES, byteLength, decodeMessage, encodeMessage } from '../../src/envelope.js';
import { ChatError, isChatError } from '../../src/errors.js';
import type { ChatMessage } from '../../src/message.js';
import { thrown } from './support/thrown.js';

const ID = '01HZX3K7M9ABCDEFGHJKMNPQRS';
const TS = 1_700_000_000_000;

const encode = (fields: { text?: unknown; metadata?: unknown; claims?: Record<string, unknown> } = {}, maxBytes = MOMENTO_TOPIC_MESSAGE_BYTES) =>
  encodeMessage({ id: ID, text: 'hello', timestamp: TS, claims: {}, ...fields } as Parameters<typeof encodeMessage>[0], maxBytes);


/** What decodeMessage returned, which must be a ChatError. */
function rejected(raw: string): ChatError {
  const decoded = decodeMessage(raw);
  if (!isChatError(decoded)) throw new Error(`expected ${raw} to be rejected`);
  return decoded;
}

describe('encodeMessage', () => {
  it('writes the short version-1 wire form', () => {
    const { encoded } = encode({ text: 'hi', claims: { displayName: 'Ann', userId: 'u1' }, metadata: { reply: 'x' } });
    expect(ENVELOPE_VERSION).toBe(1);
    expect(encoded).toBe(`{"v":1,"id":"${ID}","text":"hi","ts":${TS},"from":{"name":"Ann","uid":"u1"},"meta":{"reply":"x"}}`);
  });

  it('leaves out the sender and metadata when there are none', () => {
    expect(encode({ text: 'hi' }).encoded).toBe(`{"v":1,"id":"${ID}","text":"hi","ts":${TS}}`);
  });

  it('returns the message as readers will decode it: a round trip gives it back', () => {
    const metadata = { n: 1, ok: true, none: null, list: [1, 'two', { three: 3 }], nested: { deep: 'é' } };
    const { encoded, message } = encode({ text: 'héllo 👋', claims: { displayName: 'Ann', userId: 'u1' }, metadata });
    expect(message).toEqual({ id: ID, text: 'héllo 👋', timestamp: TS, sender: { claims: { displayName: 'Ann', userId: 'u1' } }, metadata });
    expect(decodeMessage(encoded)).toEqual(message);
  });

  it('round-trips a message without claims or metadata, and adds the tokenId Momento stamped on a live item', () => {
    const { encoded, message } = encode({ text: 'plain' });
    expect(decodeMessage(encoded)).toEqual(message);
    const live = decodeMessage(encoded, 'token-of-ann') as ChatMessage;
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

  it('accepts claims of exactly 256 characters', () => {
    expect(encode({ claims: { displayName: 'x'.repeat(256) } }).message.sender.claims.displayName).toHaveLength(256);
  });

  describe('size', () => {
    // `{"v":1,"id":"<26>","text":"","ts":1700000000000}` is ASCII: one byte per character.
    const overhead = `{"v":1,"id":"${ID}","text":"","ts":${TS}}`.length;

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
  const valid = { v: 1, id: ID, text: 'hi', ts: TS };
  const raw = (fields: Record<string, unknown>) => JSON.stringify({ ...valid, ...fields });

  it('reads a minimal envelope', () => {
    expect(decodeMessage(JSON.stringify(valid))).toEqual({ id: ID, text: 'hi', timestamp: TS, sender: { claims: {} } });
  });

  it('ignores fields it does not know, so a newer writer of version 1 stays readable', () => {
    expect(decodeMessage(raw({ extra: [1, 2] }))).toEqual({ id: ID, text: 'hi', timestamp: TS, sender: { claims: {} } });
  });

  it('keeps only the string claims of the sender, and an empty tokenId means none', () => {
    const decoded = decodeMessage(raw({ from: { name: 5, uid: 'u1' } }), '') as ChatMessage;
    expect(decoded.sender).toEqual({ claims: { userId: 'u1' } });
  });

  it.each([
    ['not JSON', 'hello', 'it is not JSON'],
    ['a JSON array', '[1]', 'it is not a JSON object'],
    ['a JSON string', '"hi"', 'it is not a JSON object'],
    ['version 2', raw({ v: 2 }), 'its version is 2, not 1'],
    ['version "1"', raw({ v: '1' }), 'its version is "1", not 1'],
    ['no version', JSON.stringify({ id: ID, text: 'hi', ts: TS }), 'its version is undefined, not 1'],
    ['a lowercase id', raw({ id: ID.toLowerCase() }), 'it has no valid id'],
    ['an id of 25 characters', raw({ id: ID.slice(1) }), 'it has no valid id'],
    ['an id with U (not Crockford)', raw({ id: `U${ID.slice(1)}` }), 'it has no valid id'],
    ['a numeric id', raw({ id: 12 }), 'it has no valid id'],
    ['no text', raw({ text: undefined }), 'it has no text'],
    ['a timestamp that is a string', raw({ ts: '1700000000000' }), 'it has no timestamp'],
    ['a sender that is an array', raw({ from: ['Ann'] }), 'its sender is not an object'],
    ['metadata that is an array', raw({ meta: [1] }), 'its metadata is not a JSON object'],
  ])('rejects %s as MALFORMED_MESSAGE, returned not thrown', (_, input, reason) => {
    const error = rejected(input);
    expect(error).toBeInstanceOf(ChatError);
    expect(error.code).toBe('MALFORMED_MESSAGE');
    expect(error.message).toBe(`unable to read a message; ${reason}`);
  });
});
