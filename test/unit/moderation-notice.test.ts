import { describe, expect, it } from 'vitest';
import { decodeRejection, encodeRejection } from '../../src/moderation-notice.js';
import { envelope, idOf } from './support/fake-momento.js';

describe('rejection notices', () => {
  it('encode to a small versioned envelope and decode back', () => {
    const raw = encodeRejection({ id: idOf(1), reason: 'no links' });
    expect(raw).toBe(`{"v":1,"kind":"rejection","id":"${idOf(1)}","reason":"no links"}`);
    expect(decodeRejection(raw)).toEqual({ id: idOf(1), reason: 'no links' });
  });

  it('keep the reason to 512 characters, and always under the topic limit', () => {
    const raw = encodeRejection({ id: idOf(1), reason: '😀'.repeat(2000) });
    const decoded = decodeRejection(raw)!;
    expect(decoded.reason.length).toBe(512);
    expect(new TextEncoder().encode(raw).length).toBeLessThan(4096);
  });

  it('keep an empty reason', () => {
    expect(decodeRejection(encodeRejection({ id: idOf(1), reason: '' }))).toEqual({ id: idOf(1), reason: '' });
  });

  it.each([
    ['a chat message', envelope(idOf(1), 'hello')],
    ['a chat message whose text says rejection', envelope(idOf(1), '"rejection"')],
    ['a chat message with a reason in its metadata', envelope(idOf(1), 'x', { meta: { kind: 'rejection', reason: 'x' } })],
    ['another version', JSON.stringify({ v: 2, kind: 'rejection', id: idOf(1), reason: 'x' })],
    ['another kind', JSON.stringify({ v: 1, kind: 'rejections', id: idOf(1), reason: 'x' })],
    ['an id that is not a ULID', JSON.stringify({ v: 1, kind: 'rejection', id: 'm-1', reason: 'x' })],
    ['a reason that is not a string', JSON.stringify({ v: 1, kind: 'rejection', id: idOf(1), reason: 42 })],
    ['no reason', JSON.stringify({ v: 1, kind: 'rejection', id: idOf(1) })],
    ['text that is not JSON', '"rejection" {'],
    ['JSON null', 'null'],
  ])('are not read from %s', (_, raw) => {
    expect(decodeRejection(raw)).toBeUndefined();
  });
});
