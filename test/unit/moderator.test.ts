import { afterEach, describe, expect, it, vi } from 'vitest';
import { isChatError } from '../../src/errors.js';
import type { ModerateFn, ModerationContext, ModerationInput } from '../../src/moderator/moderation.js';
import { Moderator, type ModeratorErrorEvent, type ModeratorOptions, type OutcomeEvent } from '../../src/moderator/moderator.js';
import { FakeMomento, ID_TIME, envelope, flush, idOf, momentoError } from './support/fake-momento.js';
import { thrown } from './support/thrown.js';

const ROOM = 'lobby';
const NOW = 1_700_000_000_500;
const TS = 1_700_000_000_000;
const accept: ModerateFn = () => ({ action: 'accept' });

/** A moderator over a fake Momento, with every event and publish recorded. */
function setup(moderate: ModerateFn = accept, options: Partial<ModeratorOptions> = {}, momento = new FakeMomento()) {
  const moderator = new Moderator({
    cacheClient: momento.moderatorCacheClient(),
    topicClient: momento.topicClient('moderator'),
    cacheName: 'chat',
    moderate,
    now: () => NOW,
    ...options,
  });
  const outcomes: OutcomeEvent[] = [];
  const errors: ModeratorErrorEvent[] = [];
  moderator.on('outcome', (e) => void outcomes.push(e));
  moderator.on('error', (e) => void errors.push(e));
  const published: Array<{ topic: string; value: Record<string, unknown> }> = [];
  const options_: Record<string, unknown> = {};
  momento.onComplete = (op, args, result) => {
    if (op === 'publish' && (result as { type: string }).type === 'Success') published.push({ topic: args[0] as string, value: JSON.parse(args[1] as string) });
    options_[op] = args.at(-1);
  };
  return { momento, moderator, outcomes, errors, published, callOptions: options_ };
}

/** A member's input: what a ChatRoom in moderated mode publishes to `<room>-input`. */
const input = (n: number, text = `m${n}`, extra: Record<string, unknown> = {}): string => envelope(idOf(n), text, { from: { name: 'Ann', uid: 'u-ann' }, ...extra });

/** The history entries, parsed. */
const stored = (momento: FakeMomento, room = ROOM): Array<Record<string, unknown>> => momento.list(room).map((raw) => JSON.parse(raw) as Record<string, unknown>);

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Moderator options', () => {
  const momento = new FakeMomento();
  const base: ModeratorOptions = { cacheClient: momento.moderatorCacheClient(), topicClient: momento.topicClient(), cacheName: 'chat', moderate: accept };

  it.each([
    ['no cacheClient', { cacheClient: undefined }],
    ['no topicClient', { topicClient: undefined }],
    ['an empty cacheName', { cacheName: '' }],
    ['a moderate hook that is not a function', { moderate: 'accept' }],
  ])('rejects %s with INVALID_ARGUMENT', (_, options) => {
    const error = thrown(() => new Moderator({ ...base, ...options } as ModeratorOptions));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^unable to create the moderator; /);
  });

  it.each([
    ['historyLength 0', { historyLength: 0 }],
    ['historyTtlSeconds above 24 h', { historyTtlSeconds: 86_401 }],
    ['seenTtlSeconds under a minute', { seenTtlSeconds: 59 }],
    ['seenTtlSeconds above 24 h', { seenTtlSeconds: 86_401 }],
    ['recentHistorySize 0 (which would read the whole history)', { recentHistorySize: 0 }],
    ['a historyLength that is not an integer', { historyLength: 1.5 }],
  ])('rejects %s with INVALID_ARGUMENT, before any message fails on it', (_, options) => {
    const error = thrown(() => new Moderator({ ...base, ...options }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^unable to create the moderator; \w+ must be an integer from /);
  });

  it('keeps the cache name and watches no room at first', () => {
    const moderator = new Moderator(base);
    expect(moderator.cacheName).toBe('chat');
    expect(moderator.rooms).toEqual([]);
  });
});

describe('Moderator.process: an accepted message', () => {
  it('claims the id, numbers the message, stores it, then publishes it, in that order', async () => {
    const { moderator, momento, published } = setup();
    const outcome = await moderator.process(ROOM, input(1, 'hello'), 'token-ann');
    expect(momento.calls).toEqual([`setIfAbsent:${ROOM}#seen#${idOf(1)}`, `increment:${ROOM}#seq`, `listPushBack:${ROOM}`, `publish:${ROOM}`]);
    const expected = { v: 1, room: ROOM, id: idOf(1), text: 'hello', ts: TS, from: { name: 'Ann', uid: 'u-ann' }, by: 'token-ann', sts: NOW, n: 1 };
    expect(stored(momento)).toEqual([expected]);
    expect(published).toEqual([{ topic: ROOM, value: expected }]);
    expect(outcome).toEqual({
      status: 'accepted',
      message: { id: idOf(1), text: 'hello', timestamp: TS, sender: { claims: { displayName: 'Ann', userId: 'u-ann' }, tokenId: 'token-ann' }, serverTimestamp: NOW, sequence: 1 },
    });
  });

  it('stamps the tokenId Momento gave the input as the sender, never what the input claims or stamps itself', async () => {
    const { moderator, momento } = setup();
    const forged = input(1, 'I am the admin', { from: { name: 'Admin', uid: 'admin' }, by: 'token-admin', sts: 1, n: 999 });
    const outcome = await moderator.process(ROOM, forged, 'token-eve');
    expect(stored(momento)[0]).toMatchObject({ by: 'token-eve', sts: NOW, n: 1, from: { name: 'Admin', uid: 'admin' } });
    expect(outcome).toMatchObject({ message: { sender: { claims: { userId: 'admin' }, tokenId: 'token-eve' }, sequence: 1 } });
  });

  it('takes the server timestamp from the injected clock and the sequence from the room counter', async () => {
    const momento = new FakeMomento();
    momento.items.set(`${ROOM}#seq`, '41');
    // Near the time the ids carry: the moderator refuses ids far from its clock.
    let clock = ID_TIME + 5_000;
    const { moderator } = setup(accept, { now: () => clock }, momento);
    await moderator.process(ROOM, input(1), 'token-ann');
    clock++;
    await moderator.process(ROOM, input(2), 'token-ann');
    expect(stored(momento).map((e) => [e.n, (e.sts as number) - ID_TIME])).toEqual([
      [42, 5_000],
      [43, 5_001],
    ]);
    // Each room counts on its own.
    await moderator.process('help', input(3, 'm3', { room: 'help' }), 'token-ann');
    expect(stored(momento, 'help')[0]).toMatchObject({ n: 1 });
  });

  it('stamps an empty sender for an input published with an API key (no tokenId)', async () => {
    const { moderator, momento } = setup();
    const outcome = await moderator.process(ROOM, input(1), '');
    expect(momento.items.get(`${ROOM}#seen#${idOf(1)}`)).toBe('-');
    expect(stored(momento)[0]).toMatchObject({ by: '' });
    expect(outcome).toMatchObject({ status: 'accepted', message: { sender: { claims: { displayName: 'Ann', userId: 'u-ann' } } } });
    expect(outcome?.status === 'accepted' && 'tokenId' in outcome.message.sender).toBe(false);
  });

  it('writes with the TTLs and the history length it was given', async () => {
    const { moderator, callOptions } = setup(accept, { historyLength: 30, historyTtlSeconds: 600, seenTtlSeconds: 120 });
    await moderator.process(ROOM, input(1), 'token-ann');
    expect(callOptions.setIfAbsent).toEqual({ ttl: 120 });
    expect(callOptions.increment).toEqual({ ttl: 600 });
    const push = callOptions.listPushBack as { truncateFrontToSize: number; ttl: { ttlSeconds(): number; refreshTtl(): boolean } };
    expect([push.truncateFrontToSize, push.ttl.ttlSeconds(), push.ttl.refreshTtl()]).toEqual([30, 600, true]);
  });

  it('defaults to 100 messages kept for 24 h, and ids remembered as long as the history', async () => {
    const { moderator, callOptions } = setup();
    await moderator.process(ROOM, input(1), 'token-ann');
    // As long as the history lives: a replay of any message the history may still hold is a duplicate.
    expect(callOptions.setIfAbsent).toEqual({ ttl: 86_400 });
    expect(callOptions.increment).toEqual({ ttl: 86_400 });
    const push = callOptions.listPushBack as { truncateFrontToSize: number; ttl: { ttlSeconds(): number } };
    expect([push.truncateFrontToSize, push.ttl.ttlSeconds()]).toEqual([100, 86_400]);
  });

  it('gives the hook the input as claimed and the sender as Momento stamped it', async () => {
    const seen: Array<[ModerationInput, ModerationContext]> = [];
    const { moderator } = setup((i, context) => {
      seen.push([i, context]);
      return { action: 'accept' };
    });
    await moderator.process(ROOM, input(1, 'hi', { meta: { lang: 'en' } }), 'token-ann');
    const [given, context] = seen[0]!;
    expect(given).toEqual({ id: idOf(1), text: 'hi', claims: { displayName: 'Ann', userId: 'u-ann' }, timestamp: TS, metadata: { lang: 'en' } });
    expect(context.roomId).toBe(ROOM);
    expect(context.sender).toEqual({ tokenId: 'token-ann' });
  });
});

describe('Moderator.process: transforms', () => {
  it('stores and publishes the text and metadata the hook gives', async () => {
    const { moderator, momento, published } = setup((i) => ({ action: 'accept', text: i.text.replace('darn', '****'), metadata: { masked: true } }));
    const outcome = await moderator.process(ROOM, input(1, 'oh darn', { meta: { lang: 'en' } }), 'token-ann');
    expect(stored(momento)[0]).toMatchObject({ text: 'oh ****', meta: { masked: true } });
    expect(published[0]!.value).toMatchObject({ text: 'oh ****', meta: { masked: true } });
    expect(outcome).toMatchObject({ status: 'accepted', message: { text: 'oh ****', metadata: { masked: true } } });
  });

  it("keeps the sender's text and metadata when the hook changes neither", async () => {
    const { moderator, momento } = setup(() => ({ action: 'accept', text: undefined }));
    await moderator.process(ROOM, input(1, 'as sent', { meta: { lang: 'en' } }), 'token-ann');
    expect(stored(momento)[0]).toMatchObject({ text: 'as sent', meta: { lang: 'en' } });
  });

  it('accepts an async hook', async () => {
    const { moderator, momento } = setup(async () => {
      await flush();
      return { action: 'accept', text: 'later' };
    });
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toMatchObject({ status: 'accepted', message: { text: 'later' } });
    expect(stored(momento)).toHaveLength(1);
  });

  it('rejects a message the transform makes larger than 4096 bytes, and stores nothing', async () => {
    const { moderator, momento, published } = setup(() => ({ action: 'accept', text: 'x'.repeat(4096) }));
    const outcome = await moderator.process(ROOM, input(1), 'token-ann');
    expect(outcome).toEqual({ status: 'rejected', id: idOf(1), reason: 'the moderated message is too large' });
    expect(momento.list(ROOM)).toEqual([]);
    expect(momento.calls).not.toContain(`listPushBack:${ROOM}`);
    expect(published).toEqual([{ topic: ROOM, value: { v: 1, kind: 'rejection', id: idOf(1), reason: 'the moderated message is too large' } }]);
  });

  it('accepts a stamped message of exactly 4096 bytes, and rejects one byte more', async () => {
    const size = (text: string) => new TextEncoder().encode(JSON.stringify({ v: 1, room: ROOM, id: idOf(1), text, ts: TS, from: { name: 'Ann', uid: 'u-ann' }, by: 'token-ann', sts: NOW, n: 1 })).length;
    const text = 'x'.repeat(4096 - size(''));
    expect(size(text)).toBe(4096);
    const exact = setup(() => ({ action: 'accept', text }));
    expect((await exact.moderator.process(ROOM, input(1), 'token-ann'))?.status).toBe('accepted');
    expect(new TextEncoder().encode(exact.momento.list(ROOM)[0]).length).toBe(4096);
    const over = setup(() => ({ action: 'accept', text: `${text}x` }));
    expect((await over.moderator.process(ROOM, input(1), 'token-ann'))?.status).toBe('rejected');
  });
});

describe('Moderator.process: rejections', () => {
  it('publishes a rejection notice for the id on the room topic, and stores nothing', async () => {
    const { moderator, momento, published } = setup(() => ({ action: 'reject', reason: 'no links' }));
    const outcome = await moderator.process(ROOM, input(1, 'http://spam'), 'token-ann');
    expect(outcome).toEqual({ status: 'rejected', id: idOf(1), reason: 'no links' });
    expect(published).toEqual([{ topic: ROOM, value: { v: 1, kind: 'rejection', id: idOf(1), reason: 'no links' } }]);
    expect(momento.calls).toEqual([`setIfAbsent:${ROOM}#seen#${idOf(1)}`, `publish:${ROOM}`]);
    expect(momento.list(ROOM)).toEqual([]);
    expect(momento.items.has(`${ROOM}#seq`)).toBe(false);
  });

  it.each([
    ['throws', () => {
      throw new Error('hook bug');
    }, 'the message could not be moderated'],
    ['returns a rejected promise', () => Promise.reject(new Error('hook bug')), 'the message could not be moderated'],
    ['returns undefined', () => undefined, 'the moderator gave no decision'],
    ['returns null', () => null, 'the moderator gave no decision'],
    ['returns an unknown action', () => ({ action: 'maybe' }), 'the moderator gave no decision'],
    ['returns a string', () => 'accept', 'the moderator gave no decision'],
    ['accepts with empty text', () => ({ action: 'accept', text: '  ' }), 'the moderated text is empty'],
    ['accepts with a text that is not a string', () => ({ action: 'accept', text: 42 }), 'the moderated text is empty'],
    ['accepts with metadata that is an array', () => ({ action: 'accept', metadata: [1] }), 'the moderated metadata is not a JSON object'],
    ['accepts with metadata holding a function', () => ({ action: 'accept', metadata: { f: () => 1 } }), 'the moderated metadata is not a JSON object'],
    ['accepts with null metadata', () => ({ action: 'accept', metadata: null }), 'the moderated metadata is not a JSON object'],
    ['rejects without a reason', () => ({ action: 'reject' }), 'rejected'],
  ])('rejects the message when the hook %s, storing nothing', async (_, hook, reason) => {
    const { moderator, momento, published, errors } = setup(hook as unknown as ModerateFn);
    const outcome = await moderator.process(ROOM, input(1), 'token-ann');
    // What a hook threw stays in the outcome for the operator's log; the sender sees only the reason.
    const thrown = _.startsWith('throws') || _.startsWith('returns a rejected') ? { cause: new Error('hook bug') } : {};
    expect(outcome).toEqual({ status: 'rejected', id: idOf(1), reason, ...thrown });
    expect(published).toEqual([{ topic: ROOM, value: { v: 1, kind: 'rejection', id: idOf(1), reason } }]);
    expect(momento.list(ROOM)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it.each([
    ['made more than a day ago', -86_400_000 + 3_599_999, 'the message is too old; check the device clock'],
    ['made over an hour in the future', 3_600_001, 'the message id lies in the future; check the device clock'],
  ])('refuses a message whose id was %s, so no replay outlives the memory of ids', async (_, offset, reason) => {
    // The moderator's clock is ID_TIME - offset: the input's id (made at ID_TIME) is that far from it.
    const { moderator, momento, published } = setup(accept, { now: () => ID_TIME - offset });
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toEqual({ status: 'rejected', id: idOf(1), reason });
    expect(published).toEqual([{ topic: ROOM, value: { v: 1, kind: 'rejection', id: idOf(1), reason } }]);
    // Refused before its id is claimed, and nothing stored.
    expect(momento.calls).toEqual([`publish:${ROOM}`]);
  });

  it('accepts ids within the allowed clock skew on both sides', async () => {
    for (const offset of [-86_400_000 + 3_600_000, 3_600_000]) {
      const { moderator } = setup(accept, { now: () => ID_TIME - offset });
      expect((await moderator.process(ROOM, input(1), 'token-ann'))?.status).toBe('accepted');
    }
  });

  it('refuses sender claims longer than a room accepts', async () => {
    const { moderator, momento } = setup();
    const raw = envelope(idOf(1), 'hi', { from: { name: 'n'.repeat(257) } });
    expect(await moderator.process(ROOM, raw, 'token-ann')).toMatchObject({ status: 'rejected', reason: 'the sender claims are too long' });
    expect(momento.list(ROOM)).toEqual([]);
  });

  it('refuses an input whose text is empty, as a room would never send it, without claiming its id', async () => {
    const hook = vi.fn(accept);
    const { moderator, momento } = setup(hook);
    expect(await moderator.process(ROOM, envelope(idOf(1), ' \n'), 'token-ann')).toEqual({ status: 'rejected', id: idOf(1), reason: 'the text is empty' });
    expect(momento.calls).toEqual([`publish:${ROOM}`]);
    expect(hook).not.toHaveBeenCalled();
  });

  it('keeps a rejection reason to 512 characters', async () => {
    const { moderator, published } = setup(() => ({ action: 'reject', reason: 'r'.repeat(2000) }));
    await moderator.process(ROOM, input(1), 'token-ann');
    expect((published[0]!.value.reason as string).length).toBe(512);
  });

  it('handles a rejected id once: a redelivery is a duplicate', async () => {
    const hook = vi.fn<ModerateFn>(() => ({ action: 'reject', reason: 'no' }));
    const { moderator, published } = setup(hook);
    await moderator.process(ROOM, input(1), 'token-ann');
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toEqual({ status: 'duplicate', id: idOf(1) });
    expect(hook).toHaveBeenCalledTimes(1);
    expect(published).toHaveLength(1);
  });
});

describe('Moderator.process: duplicates and malformed inputs', () => {
  it('does nothing with an id already handled, by this or another moderator', async () => {
    const momento = new FakeMomento();
    const first = setup(accept, {}, momento);
    const second = setup(accept, {}, momento);
    await first.moderator.process(ROOM, input(1), 'token-ann');
    const hook = vi.fn(accept);
    const third = setup(hook, {}, momento);
    momento.calls.length = 0;
    expect(await second.moderator.process(ROOM, input(1), 'token-ann')).toEqual({ status: 'duplicate', id: idOf(1) });
    expect(await third.moderator.process(ROOM, input(1, 'other text'), 'token-eve')).toEqual({ status: 'duplicate', id: idOf(1) });
    expect(momento.calls).toEqual([`setIfAbsent:${ROOM}#seen#${idOf(1)}`, `setIfAbsent:${ROOM}#seen#${idOf(1)}`]);
    expect(hook).not.toHaveBeenCalled();
    expect(stored(momento)).toHaveLength(1);
    expect(second.outcomes).toEqual([{ type: 'outcome', roomId: ROOM, outcome: { status: 'duplicate', id: idOf(1) } }]);
  });

  it('tells the sender of a malformed input with a readable id why, without claiming or storing anything', async () => {
    const hook = vi.fn(accept);
    const { moderator, momento, published } = setup(hook);
    const outcome = await moderator.process(ROOM, JSON.stringify({ v: 1, room: ROOM, id: idOf(1), ts: TS }), 'token-ann');
    const reason = 'unable to read a message; it has no text';
    expect(outcome).toEqual({ status: 'malformed', reason, id: idOf(1) });
    expect(published).toEqual([{ topic: ROOM, value: { v: 1, kind: 'rejection', id: idOf(1), reason } }]);
    expect(momento.calls).toEqual([`publish:${ROOM}`]);
    expect(hook).not.toHaveBeenCalled();
  });

  it('rejects an input envelope of another room as malformed, telling its sender why, without claiming or storing anything', async () => {
    const hook = vi.fn(accept);
    const { moderator, momento, published, outcomes } = setup(hook);
    // A valid input of room `help`, replayed on the lobby's input topic.
    const outcome = await moderator.process(ROOM, input(1, 'hi', { room: 'help' }), 'token-ann');
    const reason = 'unable to read a message; it belongs to room "help"';
    expect(outcome).toEqual({ status: 'malformed', reason, id: idOf(1) });
    expect(outcomes).toEqual([{ type: 'outcome', roomId: ROOM, outcome }]);
    expect(published).toEqual([{ topic: ROOM, value: { v: 1, kind: 'rejection', id: idOf(1), reason } }]);
    expect(momento.calls).toEqual([`publish:${ROOM}`]);
    expect(momento.list(ROOM)).toEqual([]);
    expect(hook).not.toHaveBeenCalled();
    // Without a room at all, likewise.
    expect(await moderator.process(ROOM, JSON.stringify({ v: 1, id: idOf(2), text: 'hi', ts: TS }), 'token-ann')).toEqual({
      status: 'malformed',
      reason: 'unable to read a message; it names no room',
      id: idOf(2),
    });
  });

  it.each([
    ['text that is not JSON', 'hello'],
    ['JSON that is not an object', '[1,2]'],
    ['JSON null', 'null'],
    ['an id that is not a ULID', JSON.stringify({ v: 1, room: ROOM, id: 'msg-1', text: 'hi', ts: TS })],
    ['bytes (messages are text)', new TextEncoder().encode(input(1))],
  ])('only reports an outcome for %s (no id to answer to)', async (_, raw) => {
    const { moderator, momento, outcomes } = setup();
    const outcome = await moderator.process(ROOM, raw, 'token-ann');
    expect(outcome).toMatchObject({ status: 'malformed', reason: expect.stringMatching(/^unable to read a message; /) });
    expect(outcome && 'id' in outcome).toBe(false);
    expect(momento.calls).toEqual([]);
    expect(outcomes).toEqual([{ type: 'outcome', roomId: ROOM, outcome }]);
  });
});

describe('Moderator.process: Momento failures', () => {
  it('releases the id when the write fails, reports the error, and a redelivery then succeeds', async () => {
    const { moderator, momento, errors, outcomes, published } = setup();
    momento.fail('listPushBack', momentoError('SERVER_UNAVAILABLE', 'try again'));
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toBeUndefined();
    expect(momento.calls).toEqual([`setIfAbsent:${ROOM}#seen#${idOf(1)}`, `increment:${ROOM}#seq`, `listPushBack:${ROOM}`, `delete:${ROOM}#seen#${idOf(1)}`]);
    expect(published).toEqual([]);
    expect(outcomes).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.roomId).toBe(ROOM);
    expect(errors[0]!.error.code).toBe('MOMENTO_ERROR');
    expect(errors[0]!.error.message).toBe('unable to store the message; try again');

    expect(await moderator.process(ROOM, input(1), 'token-ann')).toMatchObject({ status: 'accepted', message: { id: idOf(1) } });
    expect(stored(momento)).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it.each([
    ['setIfAbsent', 'PERMISSION_ERROR', 'PERMISSION_DENIED', 'unable to claim the message id; '],
    ['increment', 'LIMIT_EXCEEDED_ERROR', 'LIMIT_EXCEEDED', 'unable to number the message; '],
    ['listPushBack', 'NOT_FOUND_ERROR', 'CACHE_NOT_FOUND', 'unable to store the message; '],
  ] as const)('reports a failed %s as %s and stores nothing', async (op, momentoCode, code, message) => {
    const { moderator, momento, errors, published } = setup();
    momento.fail(op, momentoError(momentoCode));
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toBeUndefined();
    expect(errors.map((e) => [e.error.code, e.error.momentoErrorCode])).toEqual([[code, momentoCode]]);
    expect(errors[0]!.error.message.startsWith(message)).toBe(true);
    expect(momento.list(ROOM)).toEqual([]);
    expect(published).toEqual([]);
    // The id is free again (or was never taken).
    expect(momento.items.has(`${ROOM}#seen#${idOf(1)}`)).toBe(false);
  });

  it.each([
    ['times out', momentoError('TIMEOUT_ERROR')],
    ['is cancelled', momentoError('CANCELLED_ERROR')],
    ['throws', new Error('socket closed')],
  ])('keeps the id claimed when the write %s, since it may have landed: no one stores the message twice', async (_, failure) => {
    const momento = new FakeMomento();
    const first = setup(accept, {}, momento);
    const second = setup(accept, {}, momento);
    momento.fail('listPushBack', failure);
    expect(await first.moderator.process(ROOM, input(1), 'token-ann')).toBeUndefined();
    expect(first.errors).toHaveLength(1);
    expect(momento.calls).not.toContain(`delete:${ROOM}#seen#${idOf(1)}`);
    // Another moderator that gets the same input later leaves it alone.
    expect(await second.moderator.process(ROOM, input(1), 'token-ann')).toEqual({ status: 'duplicate', id: idOf(1) });
  });

  it('reports a client that throws instead of answering as MOMENTO_ERROR', async () => {
    const { moderator, momento, errors } = setup();
    const bug = new Error('closed client');
    momento.fail('increment', bug);
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toBeUndefined();
    expect(errors[0]!.error.code).toBe('MOMENTO_ERROR');
    expect(errors[0]!.error.cause).toBe(bug);
  });

  it('reports DELIVERY_FAILED when the stored message cannot be published', async () => {
    const { moderator, momento, errors } = setup();
    momento.fail('publish', momentoError('PERMISSION_ERROR'));
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toBeUndefined();
    expect(errors[0]!.error.code).toBe('DELIVERY_FAILED');
    expect(stored(momento)).toHaveLength(1);
    // Stored already: the id stays taken, so a redelivery cannot store it twice.
    expect(momento.calls).not.toContain(`delete:${ROOM}#seen#${idOf(1)}`);
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toEqual({ status: 'duplicate', id: idOf(1) });
    expect(stored(momento)).toHaveLength(1);
  });

  it('reports DELIVERY_FAILED when a rejection notice cannot be published', async () => {
    const { moderator, momento, errors } = setup(() => ({ action: 'reject', reason: 'no' }));
    momento.fail('publish', momentoError('SERVER_UNAVAILABLE'), momentoError('SERVER_UNAVAILABLE'), momentoError('SERVER_UNAVAILABLE'));
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toBeUndefined();
    expect(errors[0]!.error.code).toBe('DELIVERY_FAILED');
    // A notice is never stored: the error does not say it is.
    expect(errors[0]!.error.message).toBe(`unable to deliver the rejection of message ${idOf(1)} (unable to publish; server_unavailable from the fake)`);
  });

  it('keeps handling inputs when an outcome listener throws, and reports the throw as LISTENER_FAILED', async () => {
    const { moderator, outcomes, errors } = setup();
    const bug = new Error('listener bug');
    moderator.on('outcome', () => {
      throw bug;
    });
    await moderator.process(ROOM, input(1), 'token-ann');
    await moderator.process(ROOM, input(2), 'token-ann');
    expect(outcomes.map((o) => o.outcome.status)).toEqual(['accepted', 'accepted']);
    expect(errors.map((e) => [e.roomId, e.error.code, e.error.cause])).toEqual([
      [ROOM, 'LISTENER_FAILED', bug],
      [ROOM, 'LISTENER_FAILED', bug],
    ]);
  });

  it('drops the throw of an error listener, which it cannot report without end', async () => {
    const { moderator, momento } = setup();
    let calls = 0;
    moderator.on('error', () => {
      calls++;
      throw new Error('error listener bug');
    });
    momento.fail('listPushBack', momentoError('SERVER_UNAVAILABLE'));
    await moderator.process(ROOM, input(1), 'token-ann');
    expect(calls).toBe(1);
    expect((await moderator.process(ROOM, input(2), 'token-ann'))?.status).toBe('accepted');
  });

  it('stops a listener that unsubscribed', async () => {
    const { moderator } = setup();
    const got: string[] = [];
    const sub = moderator.on('outcome', (e) => void got.push(e.outcome.status));
    await moderator.process(ROOM, input(1), 'token-ann');
    sub.unsubscribe();
    sub.unsubscribe();
    await moderator.process(ROOM, input(2), 'token-ann');
    expect(got).toEqual(['accepted']);
  });
});

describe('Moderator.process: order', () => {
  it("handles a room's inputs one at a time in arrival order, without blocking other rooms", async () => {
    const slow = deferred();
    const hooked: string[] = [];
    const { moderator, momento } = setup(async (i) => {
      hooked.push(i.text);
      if (i.text === 'a1') await slow.promise;
      return { action: 'accept' };
    });
    const a1 = moderator.process('a', input(1, 'a1', { room: 'a' }), 'token-ann');
    const a2 = moderator.process('a', input(2, 'a2', { room: 'a' }), 'token-ann');
    const b1 = moderator.process('b', input(3, 'b1', { room: 'b' }), 'token-ann');
    expect(await b1).toMatchObject({ status: 'accepted', message: { sequence: 1 } });
    await flush();
    expect(hooked).toEqual(['a1', 'b1']);
    expect(momento.list('a')).toEqual([]);

    slow.resolve();
    expect(await a1).toMatchObject({ status: 'accepted', message: { text: 'a1', sequence: 1 } });
    expect(await a2).toMatchObject({ status: 'accepted', message: { text: 'a2', sequence: 2 } });
    expect(hooked).toEqual(['a1', 'b1', 'a2']);
    expect(stored(momento, 'a').map((e) => [e.text, e.n])).toEqual([
      ['a1', 1],
      ['a2', 2],
    ]);
  });

  it("keeps handling a room's inputs after one failed", async () => {
    const { moderator, momento } = setup();
    momento.fail('setIfAbsent', momentoError('SERVER_UNAVAILABLE'));
    const first = moderator.process(ROOM, input(1), 'token-ann');
    const second = moderator.process(ROOM, input(2), 'token-ann');
    expect(await first).toBeUndefined();
    expect(await second).toMatchObject({ status: 'accepted' });
  });
});

describe('ModerationContext.recentHistory', () => {
  const stamped = (n: number) => envelope(idOf(n), `m${n}`, { by: `token-${n}`, sts: NOW + n, n });

  it('reads the newest messages once, oldest first, decoding the stamps and skipping unreadable entries and those of another room', async () => {
    const momento = new FakeMomento();
    const otherRoom = envelope(idOf(5), 'm5', { room: 'help', by: 'token-5', sts: NOW + 5, n: 5 });
    for (const raw of [stamped(1), stamped(2), envelope(idOf(3), 'unstamped'), otherRoom, 'not json', stamped(4)]) momento.push(ROOM, raw);
    const reads: unknown[] = [];
    let recent: readonly unknown[] = [];
    const { moderator } = setup(
      async (_, context) => {
        const first = context.recentHistory();
        expect(context.recentHistory()).toBe(first);
        recent = await first;
        await context.recentHistory();
        return { action: 'accept' };
      },
      { recentHistorySize: 5 },
      momento,
    );
    const onComplete = momento.onComplete;
    momento.onComplete = (op, args, result) => {
      if (op === 'listFetch') reads.push(args[1]);
      onComplete(op, args, result);
    };
    await moderator.process(ROOM, input(9), 'token-ann');
    expect(reads).toEqual([{ startIndex: -5 }]);
    expect(recent).toEqual([
      { id: idOf(2), text: 'm2', timestamp: TS, sender: { claims: {}, tokenId: 'token-2' }, serverTimestamp: NOW + 2, sequence: 2 },
      { id: idOf(4), text: 'm4', timestamp: TS, sender: { claims: {}, tokenId: 'token-4' }, serverTimestamp: NOW + 4, sequence: 4 },
    ]);
  });

  it('reads nothing when the hook does not ask, and 20 messages by default', async () => {
    const { moderator, momento } = setup();
    await moderator.process(ROOM, input(1), 'token-ann');
    expect(momento.calls.filter((c) => c.startsWith('listFetch'))).toEqual([]);

    const reads: unknown[] = [];
    const asks = setup(async (_, context) => {
      await context.recentHistory();
      return { action: 'accept' };
    });
    const onComplete = asks.momento.onComplete;
    asks.momento.onComplete = (op, args, result) => {
      if (op === 'listFetch') reads.push(args[1]);
      onComplete(op, args, result);
    };
    await asks.moderator.process(ROOM, input(1), 'token-ann');
    expect(reads).toEqual([{ startIndex: -20 }]);
  });

  it('is empty for a room with no history', async () => {
    let recent: readonly unknown[] | undefined;
    const { moderator } = setup(async (_, context) => {
      recent = await context.recentHistory();
      return { action: 'accept' };
    });
    await moderator.process(ROOM, input(1), 'token-ann');
    expect(recent).toEqual([]);
  });

  it('fails with the read error, which rejects the message when the hook lets it through', async () => {
    let failure: unknown;
    const { moderator, momento } = setup(async (_, context) => {
      try {
        await context.recentHistory();
      } catch (error) {
        failure = error;
        throw error;
      }
      return { action: 'accept' };
    });
    momento.fail('listFetch', momentoError('PERMISSION_ERROR', 'no read'));
    expect(await moderator.process(ROOM, input(1), 'token-ann')).toEqual({ status: 'rejected', id: idOf(1), reason: 'the message could not be moderated', cause: failure });
    expect(isChatError(failure) && [failure.code, failure.message]).toEqual(['PERMISSION_DENIED', 'unable to read the history; no read']);
  });
});

describe('Moderator.watch', () => {
  /** A member publishing to a room's input topic, as Momento stamps it. */
  const member = (momento: FakeMomento, tokenId = 'token-ann') => momento.topicClient(tokenId);

  it("subscribes to the room's input topic and handles what arrives, with Momento's tokenId", async () => {
    const { moderator, momento, outcomes } = setup();
    await moderator.watch(ROOM);
    expect(momento.calls).toEqual([`subscribe:${ROOM}-input`]);
    expect(moderator.rooms).toEqual([ROOM]);
    await member(momento).publish('chat', `${ROOM}-input`, input(1, 'hello'));
    momento.deliverAll();
    await flush();
    expect(outcomes.map((o) => [o.roomId, o.outcome.status])).toEqual([[ROOM, 'accepted']]);
    expect(stored(momento)[0]).toMatchObject({ text: 'hello', by: 'token-ann' });
  });

  it('reads items without a tokenId, and reports an item that arrives as bytes as malformed (messages are text), keeping its bytes out of the history', async () => {
    const { moderator, momento, outcomes, published } = setup();
    await moderator.watch(ROOM);
    const bytes = new TextEncoder().encode(input(1, 'héllo'));
    momento.subscriptions[0]!.callbacks.onItem({ value: () => bytes, tokenId: () => 'token-ann', sequenceNumber: () => 1 });
    momento.subscriptions[0]!.callbacks.onItem({ value: () => input(2, 'héllo'), tokenId: () => undefined, sequenceNumber: () => 2 });
    await flush();
    expect(outcomes[0]?.outcome).toEqual({ status: 'malformed', reason: 'unable to read a message; it is binary; messages are text' });
    expect(stored(momento)).toHaveLength(1);
    expect(stored(momento)[0]).toMatchObject({ id: idOf(2), text: 'héllo', by: '' });
    expect(published.map((p) => p.value.id)).toEqual([idOf(2)]);
  });

  it('watches a room once, however often asked', async () => {
    const { moderator, momento } = setup();
    await Promise.all([moderator.watch(ROOM), moderator.watch(ROOM)]);
    await moderator.watch(ROOM);
    expect(momento.subscriptions).toHaveLength(1);
  });

  it('refuses a room id that is not allowed, including an input topic (INVALID_ARGUMENT)', async () => {
    const { moderator, momento } = setup();
    for (const roomId of [`${ROOM}-input`, '', 'a b']) {
      const error = await moderator.watch(roomId).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isChatError(error) && error.code).toBe('INVALID_ARGUMENT');
    }
    expect(momento.calls).toEqual([]);
    expect(moderator.rooms).toEqual([]);
  });

  it('throws when the first subscription fails, and does not watch the room', async () => {
    const { moderator, momento } = setup();
    momento.fail('subscribe', momentoError('PERMISSION_ERROR', 'no subscribe'));
    const error = await moderator.watch(ROOM).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isChatError(error) && [error.code, error.message]).toEqual(['PERMISSION_DENIED', `unable to watch room ${ROOM}; no subscribe`]);
    expect(moderator.rooms).toEqual([]);
  });

  it('unsubscribes on unwatch; inputs that arrive later are not handled', async () => {
    const { moderator, momento, outcomes } = setup();
    await moderator.watch(ROOM);
    await moderator.watch('help');
    moderator.unwatch(ROOM);
    moderator.unwatch(ROOM);
    expect(momento.subscriptions[0]!.active).toBe(false);
    expect(momento.subscriptions[0]!.unsubscribeCalls).toBe(1);
    expect(moderator.rooms).toEqual(['help']);
    await member(momento).publish('chat', `${ROOM}-input`, input(1));
    momento.deliverAll();
    await flush();
    expect(outcomes).toEqual([]);
  });

  it('ends a subscription that completes after an unwatch', async () => {
    const { moderator, momento } = setup();
    momento.manual = true;
    const watching = moderator.watch(ROOM);
    moderator.unwatch(ROOM);
    await momento.completeAll();
    await watching;
    expect(momento.subscriptions[0]!.active).toBe(false);
    expect(moderator.rooms).toEqual([]);
  });

  it('reports a lost subscription and opens it again after a pause, then keeps handling inputs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento, errors, outcomes } = setup();
    await moderator.watch(ROOM);
    momento.subscriptions[0]!.callbacks.onError(momentoError('SERVER_UNAVAILABLE', 'stream reset'));
    expect(errors.map((e) => [e.roomId, e.error.code, e.error.message])).toEqual([[ROOM, 'MOMENTO_ERROR', 'unable to stay subscribed to the input topic; stream reset']]);
    vi.advanceTimersByTime(499);
    await flush();
    expect(momento.subscriptions).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await flush();
    expect(momento.subscriptions).toHaveLength(2);
    expect(moderator.rooms).toEqual([ROOM]);
    // The SDK keeps the stream open after reporting an unreadable item: the old one is ended, not leaked.
    expect(momento.subscriptions[0]!.active).toBe(false);

    await member(momento).publish('chat', `${ROOM}-input`, input(1));
    momento.deliverAll();
    await flush();
    expect(outcomes.map((o) => o.outcome.status)).toEqual(['accepted']);
  });

  it('keeps trying with growing pauses until unwatched', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento, errors } = setup();
    await moderator.watch(ROOM);
    momento.fail('subscribe', momentoError('SERVER_UNAVAILABLE'), momentoError('SERVER_UNAVAILABLE'));
    momento.subscriptions[0]!.callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    const subscribes = () => momento.calls.filter((c) => c === `subscribe:${ROOM}-input`).length;
    vi.advanceTimersByTime(500);
    await flush();
    expect(subscribes()).toBe(2);
    expect(errors).toHaveLength(2);
    // The second pause is longer.
    vi.advanceTimersByTime(999);
    await flush();
    expect(subscribes()).toBe(2);
    vi.advanceTimersByTime(1);
    await flush();
    expect(subscribes()).toBe(3);
    expect(errors).toHaveLength(3);
    moderator.unwatch(ROOM);
    vi.advanceTimersByTime(60_000);
    await flush();
    expect(subscribes()).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('opens one new subscription when the lost one reports twice', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento } = setup();
    await moderator.watch(ROOM);
    const { callbacks } = momento.subscriptions[0]!;
    callbacks.onError(momentoError('UNKNOWN_ERROR', 'Unknown item value type'));
    callbacks.onError(momentoError('UNKNOWN_ERROR', 'Unknown item value type'));
    vi.advanceTimersByTime(60_000);
    await flush();
    expect(momento.subscriptions.filter((s) => s.active)).toHaveLength(1);
    moderator.unwatch(ROOM);
    expect(momento.subscriptions.filter((s) => s.active)).toHaveLength(0);
  });

  it('leaves no timer behind when an error listener unwatches the room', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento } = setup();
    moderator.on('error', ({ roomId }) => moderator.unwatch(roomId));
    await moderator.watch(ROOM);
    momento.subscriptions[0]!.callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    expect(vi.getTimerCount()).toBe(0);
    expect(moderator.rooms).toEqual([]);
    expect(momento.subscriptions[0]!.active).toBe(false);
  });

  it('starts again from the shortest pause after a subscription succeeded', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento } = setup();
    await moderator.watch(ROOM);
    for (let i = 0; i < 3; i++) {
      momento.subscriptions.at(-1)!.callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
      vi.advanceTimersByTime(500);
      await flush();
    }
    expect(momento.subscriptions).toHaveLength(4);
  });

  it('does not open the subscription again when unwatched during the pause, and ignores errors after unwatch', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento, errors } = setup();
    await moderator.watch(ROOM);
    const { callbacks } = momento.subscriptions[0]!;
    callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    moderator.unwatch(ROOM);
    callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    vi.advanceTimersByTime(60_000);
    await flush();
    expect(momento.subscriptions).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('keeps a room watched again while the first, unwatched, subscription fails', async () => {
    const { moderator, momento } = setup();
    momento.manual = true;
    const first = moderator.watch(ROOM).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    moderator.unwatch(ROOM);
    const second = moderator.watch(ROOM);
    const [firstCall, secondCall] = momento.pending.splice(0);
    momento.fail('subscribe', momentoError('SERVER_UNAVAILABLE'));
    firstCall!.complete();
    secondCall!.complete();
    await second;
    // The failure belongs to a watch that was given up: it neither throws nor unwatches the new one.
    expect(await first).toBe('resolved');
    expect(moderator.rooms).toEqual([ROOM]);
    expect(momento.subscriptions.filter((sub) => sub.active)).toHaveLength(1);
  });

  it('fails every concurrent watch of a room whose first subscription fails', async () => {
    const { moderator, momento } = setup();
    momento.fail('subscribe', momentoError('PERMISSION_ERROR'));
    const outcomes = await Promise.all([moderator.watch(ROOM), moderator.watch(ROOM)].map((p) => p.then(() => 'resolved', (e: unknown) => isChatError(e) && e.code)));
    expect(outcomes).toEqual(['PERMISSION_DENIED', 'PERMISSION_DENIED']);
    expect(moderator.rooms).toEqual([]);
  });

  it('ignores what an ended subscription reports while the next one opens: one subscription, no leak', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento, errors } = setup();
    await moderator.watch(ROOM);
    const { callbacks } = momento.subscriptions[0]!;
    callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    momento.manual = true;
    vi.advanceTimersByTime(500);
    // A late report of the old stream, while the new subscription is being opened.
    callbacks.onError(momentoError('UNKNOWN_ERROR', 'Unknown item value type'));
    await momento.completeAll();
    momento.manual = false;
    vi.advanceTimersByTime(60_000);
    await flush();
    expect(momento.subscriptions.filter((sub) => sub.active)).toHaveLength(1);
    expect(errors).toHaveLength(1);
    moderator.unwatch(ROOM);
    expect(momento.subscriptions.filter((sub) => sub.active)).toHaveLength(0);
  });

  it('ends a subscription that was reopened after an unwatch that came while it was opening', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { moderator, momento } = setup();
    await moderator.watch(ROOM);
    momento.subscriptions[0]!.callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    momento.manual = true;
    vi.advanceTimersByTime(500);
    moderator.unwatch(ROOM);
    await momento.completeAll();
    await flush();
    expect(momento.subscriptions).toHaveLength(2);
    expect(momento.subscriptions[1]!.active).toBe(false);
  });
});

describe('Moderator.stop', () => {
  it('stops watching every room and waits for the inputs in hand', async () => {
    const gate = deferred();
    const { moderator, momento } = setup(async () => {
      await gate.promise;
      return { action: 'accept' };
    });
    await moderator.watch(ROOM);
    await moderator.watch('help');
    const inFlight = moderator.process(ROOM, input(1), 'token-ann');
    let stopped = false;
    const stopping = moderator.stop().then(() => (stopped = true));
    await flush();
    expect(moderator.rooms).toEqual([]);
    expect(momento.subscriptions.every((s) => !s.active)).toBe(true);
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(stopped).toBe(true);
    expect(await inFlight).toMatchObject({ status: 'accepted' });
    expect(stored(momento)).toHaveLength(1);
  });

  it('resolves at once with nothing in hand', async () => {
    const { moderator } = setup();
    await moderator.stop();
    expect(moderator.rooms).toEqual([]);
  });
});
