import { describe, expect, it } from 'vitest';
import { createMessageIdGenerator, isMessageId } from '../../src/message-id.js';

/** A clock the test sets. */
function fakeClock(start: number) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('createMessageIdGenerator', () => {
  it('makes ids of 26 Crockford base32 characters that isMessageId accepts', () => {
    const next = createMessageIdGenerator(fakeClock(1_700_000_000_000).read);
    for (let i = 0; i < 100; i++) {
      const id = next();
      expect(id).toMatch(CROCKFORD);
      expect(isMessageId(id)).toBe(true);
    }
  });

  it('starts with the time: 10 characters of milliseconds', () => {
    expect(createMessageIdGenerator(() => 0)().slice(0, 10)).toBe('0000000000');
    expect(createMessageIdGenerator(() => 32)().slice(0, 10)).toBe('0000000010');
    expect(createMessageIdGenerator(() => 1_700_000_000_000)().slice(0, 10)).toBe('01HF7YAT00');
    expect(encodeTime(1_700_000_000_000)).toBe('01HF7YAT00');
  });

  it('makes unique ids that sort as strings in creation order, even within one millisecond', () => {
    const clock = fakeClock(1_700_000_000_000);
    const next = createMessageIdGenerator(clock.read);
    const ids: string[] = [];
    for (let i = 0; i < 2000; i++) {
      if (i % 500 === 499) clock.now += 1;
      ids.push(next());
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('never goes backwards when the clock does', () => {
    const clock = fakeClock(1_700_000_000_000);
    const next = createMessageIdGenerator(clock.read);
    const ids = [next()];
    clock.now -= 60_000;
    ids.push(next(), next());
    clock.now += 120_000;
    ids.push(next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('orders ids from later milliseconds after earlier ones, whatever their randomness', () => {
    const clock = fakeClock(1_700_000_000_000);
    const a = createMessageIdGenerator(clock.read);
    const b = createMessageIdGenerator(clock.read);
    const early = [a(), b()];
    clock.now += 1;
    const late = [a(), b()];
    for (const e of early) for (const l of late) expect(e < l).toBe(true);
  });

  it('uses Date.now by default', () => {
    const before = encodeTime(Date.now());
    const id = createMessageIdGenerator()();
    const after = encodeTime(Date.now());
    expect(id.slice(0, 10) >= before && id.slice(0, 10) <= after).toBe(true);
  });
});

describe('isMessageId', () => {
  it.each([
    ['lowercase', '01hzx3k7m9abcdefghjkmnpqrs'],
    ['25 characters', '01HZX3K7M9ABCDEFGHJKMNPQR'],
    ['27 characters', '01HZX3K7M9ABCDEFGHJKMNPQRST'],
    ['an I', '01HZX3K7M9ABCDEFGHIKMNPQRS'],
    ['an L', '01HZX3K7M9ABCDEFGHLKMNPQRS'],
    ['an O', '01HZX3K7M9ABCDEFGHOKMNPQRS'],
    ['a U', '01HZX3K7M9ABCDEFGHUKMNPQRS'],
  ])('rejects a string with %s', (_, value) => {
    expect(isMessageId(value)).toBe(false);
  });

  it('rejects what is not a string', () => {
    expect(isMessageId(undefined)).toBe(false);
    expect(isMessageId(12)).toBe(false);
  });
});

/** The time part of a ULID, written independently of the code under test. */
function encodeTime(ms: number): string {
  return ms.toString(32).toUpperCase().padStart(10, '0').replace(/[A-V]/g, (c) => '0123456789ABCDEFGHJKMNPQRSTVWXYZ'[parseInt(c, 32)]!);
}
