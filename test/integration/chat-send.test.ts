import { MomentoErrorCode } from '@gomomento/sdk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isChatError, type SendOptions } from '../../src/index.js';
import { useLocalServer } from './support/local-server.js';
import { ChatUsers, ids, listEntries, listIds, receivedId } from './support/chat.js';

const CACHE = 'chat';

/** What a call threw, as a ChatError's `code` and message, or what happened instead. */
async function failureOf(promise: Promise<unknown>): Promise<{ code: string; message: string; momentoErrorCode?: string; messageId?: string }> {
  return promise.then(
    () => ({ code: 'resolved', message: '' }),
    (error: unknown) =>
      isChatError(error) ? { code: error.code, message: error.message, momentoErrorCode: error.momentoErrorCode, messageId: error.messageId } : { code: 'not a ChatError', message: String(error) },
  );
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
const cycle: Record<string, unknown> = { name: 'loop' };
cycle.self = cycle;
const asMetadata = (value: unknown) => value as SendOptions['metadata'];

const REFUSED: Array<[string, string, SendOptions | undefined, string]> = [
  ['empty text', '', undefined, 'INVALID_ARGUMENT'],
  ['whitespace text', ' \n\t  ', undefined, 'INVALID_ARGUMENT'],
  ['text over 4 KB', 'x'.repeat(4097), undefined, 'MESSAGE_TOO_LARGE'],
  ['text under 4 KB in characters but over it in UTF-8 bytes', 'é'.repeat(2048), undefined, 'MESSAGE_TOO_LARGE'],
  ['metadata that makes the message too large', 'hi', { metadata: { blob: 'x'.repeat(4096) } }, 'MESSAGE_TOO_LARGE'],
  ['a function in metadata', 'hi', { metadata: asMetadata({ f: () => 1 }) }, 'INVALID_ARGUMENT'],
  ['NaN in metadata', 'hi', { metadata: { n: Number.NaN } }, 'INVALID_ARGUMENT'],
  ['Infinity in metadata', 'hi', { metadata: { n: Number.POSITIVE_INFINITY } }, 'INVALID_ARGUMENT'],
  ['a class instance in metadata', 'hi', { metadata: asMetadata({ at: new Point(1, 2) }) }, 'INVALID_ARGUMENT'],
  ['a Date in metadata', 'hi', { metadata: asMetadata({ at: new Date(0) }) }, 'INVALID_ARGUMENT'],
  ['a cycle in metadata', 'hi', { metadata: asMetadata(cycle) }, 'INVALID_ARGUMENT'],
  ['an undefined value in metadata', 'hi', { metadata: asMetadata({ gone: undefined }) }, 'INVALID_ARGUMENT'],
  ['an array as metadata', 'hi', { metadata: asMetadata(['a']) }, 'INVALID_ARGUMENT'],
  ['a class instance as metadata', 'hi', { metadata: asMetadata(new Point(1, 2)) }, 'INVALID_ARGUMENT'],
];

describe('sending', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => {
    env.momento.faults.clear();
    return users.closeAll();
  });

  /** A sender and a listener in a fresh room, both joined. */
  async function pair(roomId: string, options: { maxMessageBytes?: number } = {}) {
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann', ...options });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    await ann.room.join();
    await bob.room.join();
    return { ann, bob };
  }

  it.each(REFUSED)('refuses %s before writing or publishing anything', async (_case, text, options, code) => {
    const roomId = `refused-${REFUSED.findIndex(([c]) => c === _case)}`;
    const { ann, bob } = await pair(roomId);
    const failure = await failureOf(ann.room.send(text, options));
    expect(failure.code).toBe(code);
    expect(failure.message).toMatch(/^unable to send; /);
    expect(ann.events.messages).toEqual([]);
    expect(await listEntries(env.clients.cache, CACHE, roomId)).toEqual([]);

    // A message sent after the refusal is the first and only thing the list and the listener see.
    const ok = await ann.room.send('ok');
    await receivedId(bob.events, ok.id);
    expect(ids(bob.events.messages)).toEqual([ok.id]);
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual([ok.id]);
  });

  it('applies a room’s own smaller maxMessageBytes', async () => {
    // 'x' × 10 is 135 bytes encoded (room, id, timestamp and claims included), 'x' × 200 is 325.
    const { ann } = await pair('small-limit', { maxMessageBytes: 256 });
    expect((await failureOf(ann.room.send('x'.repeat(200)))).code).toBe('MESSAGE_TOO_LARGE');
    expect((await ann.room.send('x'.repeat(10))).text).toBe('x'.repeat(10));
  });

  it('refuses to send before join and after leave with NOT_JOINED, writing and publishing nothing', async () => {
    const roomId = 'not-joined';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    const carl = await users.add({ cacheName: CACHE, roomId, userId: 'carl' });
    await bob.room.join();
    await carl.room.join();
    expect(await failureOf(ann.room.send('too early'))).toMatchObject({ code: 'NOT_JOINED', message: expect.stringMatching(/^unable to send; /) });
    expect((await failureOf(ann.room.loadOlder())).code).toBe('NOT_JOINED');
    await ann.room.join();
    const first = await ann.room.send('first');
    await ann.room.leave();
    expect((await failureOf(ann.room.send('too late'))).code).toBe('NOT_JOINED');

    const last = await carl.room.send('last');
    await receivedId(bob.events, last.id);
    expect(ids(bob.events.messages)).toEqual([first.id, last.id]);
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual([first.id, last.id]);
  });

  it('publishes nothing when every write to the history fails, and says which message failed', async () => {
    const roomId = 'push-fails';
    const { ann, bob } = await pair(roomId);
    env.momento.faults.failNext('list-push-back', { status: 'unavailable', count: 3 });
    const failure = await failureOf(ann.room.send('lost'));
    expect(failure).toMatchObject({ code: 'MOMENTO_ERROR', momentoErrorCode: MomentoErrorCode.SERVER_UNAVAILABLE });
    expect(failure.messageId).toMatch(/^[0-9A-Z]{26}$/);
    expect(ann.room.messages).toEqual([]);

    const ok = await ann.room.send('ok');
    await receivedId(bob.events, ok.id);
    expect(ids(bob.events.messages)).toEqual([ok.id]);
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual([ok.id]);
  });

  it('writes again after a transient failure, and the message is stored and delivered once', async () => {
    const roomId = 'push-retried';
    const { ann, bob } = await pair(roomId);
    env.momento.faults.failNext('list-push-back', { status: 'unavailable' });
    const sent = await ann.room.send('second time lucky');
    await receivedId(bob.events, sent.id);
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual([sent.id]);
    expect(ids(bob.room.messages)).toEqual([sent.id]);
  });

  it('reports a rate limit on the write as LIMIT_EXCEEDED, tried once, and publishes nothing', async () => {
    const roomId = 'push-limited';
    const { ann, bob } = await pair(roomId);
    env.momento.faults.failNext('list-push-back', { status: 'resource-exhausted', message: 'Request rate limit exceeded for this account', count: 2 });
    const failure = await failureOf(ann.room.send('too fast'));
    env.momento.faults.clear();
    expect(failure).toMatchObject({ code: 'LIMIT_EXCEEDED', momentoErrorCode: MomentoErrorCode.LIMIT_EXCEEDED_ERROR });
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual([]);
    const ok = await ann.room.send('ok');
    await receivedId(bob.events, ok.id);
    expect(ids(bob.events.messages)).toEqual([ok.id]);
  });

  it('rejects with DELIVERY_FAILED when every publish fails, and the message is in the history', async () => {
    const roomId = 'publish-fails';
    const { ann, bob } = await pair(roomId);
    env.momento.faults.failNext('topic-publish', { count: 5, status: 'unavailable' });
    const failure = await failureOf(ann.room.send('stored only'));
    env.momento.faults.clear();
    expect(failure).toMatchObject({ code: 'DELIVERY_FAILED', momentoErrorCode: MomentoErrorCode.SERVER_UNAVAILABLE });
    expect(failure.message).toMatch(/^unable to deliver message [0-9A-Z]{26} live; it is stored in the history/);

    const stored = await listIds(env.clients.cache, CACHE, roomId);
    expect(stored.length).toBe(1);
    // The sender keeps its message; a user who joins now reads it from the history.
    expect(ids(ann.room.messages)).toEqual(stored);
    const carl = await users.add({ cacheName: CACHE, roomId, userId: 'carl' });
    const history = await carl.room.join();
    expect(history.map((m) => [m.id, m.text, m.sender.claims.userId, m.sender.tokenId])).toEqual([[stored[0], 'stored only', 'ann', undefined]]);

    // It never went out live.
    const next = await ann.room.send('next');
    await receivedId(bob.events, next.id);
    expect(ids(bob.events.messages)).toEqual([next.id]);
  });

  it('retries a failed publish with the same id: send resolves and the message arrives once', async () => {
    const roomId = 'publish-retried';
    const { ann, bob } = await pair(roomId);
    env.momento.faults.failNext('topic-publish', { count: 1, status: 'unavailable' });
    const sent = await ann.room.send('second try');
    await receivedId(bob.events, sent.id);
    const next = await ann.room.send('next');
    await receivedId(bob.events, next.id);
    expect(ids(bob.events.messages)).toEqual([sent.id, next.id]);
    expect(bob.events.messages[0]).toMatchObject({ text: 'second try', sender: { tokenId: 'ann' } });
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual([sent.id, next.id]);
  });
});
