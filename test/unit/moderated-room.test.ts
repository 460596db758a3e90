import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatRoom } from '../../src/chat-room.js';
import type { ChatRoomOptions } from '../../src/chat-room-options.js';
import type { ChatError } from '../../src/errors.js';
import type { ChatMessage } from '../../src/message.js';
import { Moderator } from '../../src/moderator/moderator.js';
import { FakeMomento, envelope, flush, idOf, momentoError } from './support/fake-momento.js';
import { rejection, thrown } from './support/thrown.js';

const ROOM = 'lobby';
const INPUT = `${ROOM}-input`;
const NOW = 1_700_000_000_000;
const STS = NOW + 40;

/** A moderated room over a fake Momento, with its events and its publishes recorded. */
function setup(options: Partial<ChatRoomOptions> = {}, momento = new FakeMomento()) {
  let n = 1000;
  const room = new ChatRoom({
    cacheClient: momento.cacheClient(),
    topicClient: momento.topicClient('token-me'),
    cacheName: 'chat',
    roomId: ROOM,
    mode: 'moderated',
    sender: { displayName: 'Me', userId: 'u-me' },
    now: () => NOW,
    generateId: () => idOf(++n),
    ...options,
  });
  const messages: ChatMessage[] = [];
  const errors: ChatError[] = [];
  room.on('message', (e) => void messages.push(e.message));
  room.on('error', (e) => void errors.push(e.error));
  /** What this client published, by topic. */
  const inputs: string[] = [];
  momento.onComplete = (op, args, result) => {
    if (op === 'publish' && (result as { type: string }).type === 'Success' && args[0] === INPUT) inputs.push(args[1] as string);
  };
  return { momento, room, messages, errors, inputs };
}

/** What a moderator stores and publishes for message `n`: stamped with `by`, a server time and its sequence. */
const stamped = (n: number, sequence: number, text = `m${n}`, by = 'token-other'): string => envelope(idOf(n), text, { by, sts: STS, n: sequence });

/** The moderator accepts an input (perhaps changing its text): its stamped copy goes out on the room topic. */
function acceptInput(momento: FakeMomento, raw: string, sequence: number, change: Record<string, unknown> = {}): string {
  const copy = JSON.stringify({ ...(JSON.parse(raw) as object), ...change, by: 'token-me', sts: STS, n: sequence });
  momento.push(ROOM, copy);
  momento.publish(ROOM, copy, 'moderator');
  return copy;
}

/** The moderator rejects an id: its notice goes out on the room topic. */
const rejectId = (momento: FakeMomento, id: string, reason: string): void => momento.publish(ROOM, JSON.stringify({ v: 1, kind: 'rejection', id, reason }), 'moderator');

/** Whether a promise has settled, after letting everything pending run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await flush();
  return done;
}

const texts = (room: ChatRoom): string[] => room.messages.map((m) => m.text);

afterEach(() => {
  vi.useRealTimers();
});

describe('ChatRoom in moderated mode: options', () => {
  const momento = new FakeMomento();
  const base: ChatRoomOptions = { cacheClient: momento.cacheClient(), topicClient: momento.topicClient(), cacheName: 'chat', roomId: ROOM };

  it.each([
    ['an input topic as roomId', { roomId: INPUT }],
    ['a roomId ending in -input', { roomId: 'a-input' }],
    ['an unknown mode', { mode: 'moderator' }],
    ['moderationTimeoutMs 0', { mode: 'moderated', moderationTimeoutMs: 0 }],
    ['moderationTimeoutMs above 10 minutes', { mode: 'moderated', moderationTimeoutMs: 600_001 }],
  ])('refuses %s (INVALID_ARGUMENT)', (_, options) => {
    const error = thrown(() => new ChatRoom({ ...base, ...options } as ChatRoomOptions));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^unable to create the room; /);
  });

  it('accepts a roomId that only contains -input', () => {
    expect(new ChatRoom({ ...base, roomId: 'a-input-b', mode: 'moderated' }).roomId).toBe('a-input-b');
  });
});

describe('ChatRoom in moderated mode: send', () => {
  it("publishes only to the room's input topic, and never writes the history", async () => {
    const { room, momento, inputs } = setup();
    await room.join();
    momento.calls.length = 0;
    const sending = room.send('hello', { metadata: { mood: 'ok' } });
    await flush();
    expect(momento.calls).toEqual([`publish:${INPUT}`]);
    expect(momento.list(ROOM)).toEqual([]);
    expect(inputs).toEqual([`{"v":1,"room":"${ROOM}","id":"${idOf(1001)}","text":"hello","ts":${NOW},"from":{"name":"Me","uid":"u-me"},"meta":{"mood":"ok"}}`]);
    // Not shown until the moderator's copy arrives.
    expect(room.messages).toEqual([]);
    acceptInput(momento, inputs[0]!, 1);
    momento.deliverAll();
    await sending;
    expect(momento.calls).toEqual([`publish:${INPUT}`]);
  });

  it("resolves with the moderator's copy: its text, and the stamps as verified", async () => {
    const { room, momento, inputs, messages } = setup();
    await room.join();
    const sending = room.send('oh darn');
    await flush();
    acceptInput(momento, inputs[0]!, 7, { text: 'oh ****' });
    momento.deliverAll();
    const sent = await sending;
    expect(sent).toEqual({
      id: idOf(1001),
      text: 'oh ****',
      timestamp: NOW,
      // The tokenId is the moderator's `by`, not the tokenId of the moderator that published it.
      sender: { claims: { displayName: 'Me', userId: 'u-me' }, tokenId: 'token-me' },
      serverTimestamp: STS,
      sequence: 7,
    });
    expect(room.messages).toEqual([sent]);
    expect(messages).toEqual([sent]);
  });

  it('resolves when the answer comes before the publish call returns', async () => {
    const { room, momento } = setup();
    await room.join();
    momento.manual = true;
    const sending = room.send('quick');
    await flush();
    const call = momento.pending.shift()!;
    expect(call.op).toBe('publish');
    acceptInput(momento, call.args[1] as string, 1);
    momento.deliverAll();
    call.complete();
    expect((await sending).text).toBe('quick');
  });

  it('rejects with MESSAGE_REJECTED and the reason on a rejection notice for its id', async () => {
    const { room, momento, messages, errors } = setup();
    await room.join();
    const sending = rejection(room.send('spam'));
    await flush();
    rejectId(momento, idOf(1001), 'no links');
    momento.deliverAll();
    const error = await sending;
    expect(error.code).toBe('MESSAGE_REJECTED');
    expect(error.reason).toBe('no links');
    expect(error.message).toBe(`unable to send message ${idOf(1001)}; the moderator rejected it: no links`);
    expect(room.messages).toEqual([]);
    expect(messages).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('rejects when the rejection notice comes before the publish call returns', async () => {
    const { room, momento } = setup();
    await room.join();
    momento.manual = true;
    const sending = rejection(room.send('spam'));
    await flush();
    rejectId(momento, idOf(1001), 'no');
    momento.deliverAll();
    await flush();
    momento.pending.shift()!.complete();
    expect((await sending).code).toBe('MESSAGE_REJECTED');
  });

  it('ignores rejection notices for other ids, and unreadable ones', async () => {
    const { room, momento, inputs, errors } = setup();
    await room.join();
    const sending = room.send('fine');
    await flush();
    rejectId(momento, idOf(9), 'not yours');
    momento.publish(ROOM, JSON.stringify({ v: 1, kind: 'rejection', id: 'not-an-id', reason: 'x' }), 'moderator');
    momento.deliverAll();
    expect(await settled(sending)).toBe(false);
    acceptInput(momento, inputs[0]!, 1);
    momento.deliverAll();
    expect((await sending).text).toBe('fine');
    // A notice that is not readable is reported as a malformed item.
    expect(errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE']);
  });

  it('rejects with MODERATION_TIMEOUT when the moderator does not answer in time; a late copy still shows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { room, momento, inputs, messages } = setup({ moderationTimeoutMs: 5_000 });
    await room.join();
    const sending = rejection(room.send('slow'));
    await flush();
    vi.advanceTimersByTime(4_999);
    expect(await settled(sending)).toBe(false);
    vi.advanceTimersByTime(1);
    const error = await sending;
    expect(error.code).toBe('MODERATION_TIMEOUT');
    expect(error.message).toBe(`unable to send message ${idOf(1001)}; the moderator did not answer within 5000 ms`);
    acceptInput(momento, inputs[0]!, 1);
    momento.deliverAll();
    expect(texts(room)).toEqual(['slow']);
    expect(messages.map((m) => m.text)).toEqual(['slow']);
  });

  it('waits 10 seconds by default', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { room } = setup();
    await room.join();
    const sending = rejection(room.send('slow'));
    await flush();
    vi.advanceTimersByTime(9_999);
    expect(await settled(sending)).toBe(false);
    vi.advanceTimersByTime(1);
    expect((await sending).code).toBe('MODERATION_TIMEOUT');
  });

  it('clears the wait once answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { room, momento, inputs } = setup();
    await room.join();
    const sending = room.send('hi');
    await flush();
    // The timeout, and the two times the input is published again if still unanswered.
    expect(vi.getTimerCount()).toBe(3);
    acceptInput(momento, inputs[0]!, 1);
    momento.deliverAll();
    await sending;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out even while the publish call has not returned', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { room, momento } = setup({ moderationTimeoutMs: 5_000 });
    await room.join();
    momento.manual = true;
    const sending = rejection(room.send('stuck'));
    await flush();
    vi.advanceTimersByTime(5_000);
    // The publish calls never return: send still ends at the timeout.
    expect((await sending).code).toBe('MODERATION_TIMEOUT');
    expect(momento.pending.map((call) => call.op)).toEqual(['publish', 'publish', 'publish']);
  });

  it('refuses a second send of an id still waiting for the moderator (INVALID_ARGUMENT), publishing nothing', async () => {
    const { room, momento, inputs } = setup({ generateId: () => idOf(7) });
    await room.join();
    const first = room.send('one');
    const second = await rejection(room.send('two'));
    expect(second.code).toBe('INVALID_ARGUMENT');
    expect(second.message).toBe(`unable to send; message ${idOf(7)} is already waiting for the moderator; check generateId`);
    await flush();
    expect(inputs).toHaveLength(1);
    acceptInput(momento, inputs[0]!, 1);
    momento.deliverAll();
    expect((await first).text).toBe('one');
  });

  it('resolves a send whose copy arrives even when a message listener leaves the room on it', async () => {
    const { room, momento, inputs } = setup();
    await room.join();
    room.on('message', () => void room.leave());
    const sending = room.send('bye');
    await flush();
    acceptInput(momento, inputs[0]!, 1);
    momento.deliverAll();
    expect(await sending).toMatchObject({ text: 'bye', sequence: 1 });
    expect(room.status).toBe('left');
  });

  it('rejects pending sends with NOT_JOINED when the room is left', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { room } = setup();
    await room.join();
    const first = rejection(room.send('a'));
    const second = rejection(room.send('b'));
    await flush();
    await room.leave();
    const errors = await Promise.all([first, second]);
    expect(errors.map((e) => e.code)).toEqual(['NOT_JOINED', 'NOT_JOINED']);
    expect(errors[0]!.message).toBe('unable to send; the room was left before the moderator answered');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects a pending send with NOT_JOINED when the room is left before the publish call returns', async () => {
    const { room, momento } = setup();
    await room.join();
    momento.manual = true;
    const sending = rejection(room.send('a'));
    await flush();
    await room.leave();
    await flush();
    momento.pending.shift()!.complete();
    expect((await sending).code).toBe('NOT_JOINED');
  });

  it('rejects pending sends with NOT_JOINED when the subscription fails', async () => {
    const { room, momento } = setup();
    await room.join();
    const sending = rejection(room.send('a'));
    await flush();
    momento.subscriptions[0]!.callbacks.onError(momentoError('AUTHENTICATION_ERROR'));
    expect((await sending).code).toBe('NOT_JOINED');
    expect(room.status).toBe('failed');
  });

  it.each([
    ['PERMISSION_ERROR', 'PERMISSION_DENIED'],
    ['AUTHENTICATION_ERROR', 'AUTHENTICATION_FAILED'],
    ['LIMIT_EXCEEDED_ERROR', 'LIMIT_EXCEEDED'],
  ] as const)('rejects with the Momento code when the publish fails with %s, at once and without retrying', async (momentoCode, code) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { room, momento } = setup();
    await room.join();
    momento.fail('publish', momentoError(momentoCode, 'refused'));
    const error = await rejection(room.send('hi'));
    expect(error.code).toBe(code);
    expect(error.momentoErrorCode).toBe(momentoCode);
    expect(error.message).toBe('unable to send; refused');
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('publishes the input again with the same envelope after a transient failure, three times at most', async () => {
    const { room, momento } = setup();
    await room.join();
    momento.fail('publish', momentoError('SERVER_UNAVAILABLE', 'down'), momentoError('TIMEOUT_ERROR', 'slow'), momentoError('SERVER_UNAVAILABLE', 'down'));
    const error = await rejection(room.send('hi'));
    expect(error.code).toBe('MOMENTO_ERROR');
    expect(error.momentoErrorCode).toBe('SERVER_UNAVAILABLE');
    const published = momento.calls.filter((c) => c.startsWith('publish'));
    expect(published).toHaveLength(3);
    expect(new Set(published).size).toBe(1);
  });

  it('resolves a resend of a message the room already has with its stored copy, publishing nothing', async () => {
    const { room, momento, inputs } = setup({ moderationTimeoutMs: 50 });
    await room.join();
    const first = room.send('hello');
    await flush();
    // The answer is lost to this sender: its send times out, though the moderator stored the message.
    await rejection(first);
    const raw = inputs[0]!;
    acceptInput(momento, raw, 1);
    momento.deliverAll();
    const id = (JSON.parse(raw) as { id: string }).id;
    const publishedBefore = inputs.length;
    const again = await room.send('hello', { messageId: id });
    expect(again.id).toBe(id);
    expect(again.sequence).toBe(1);
    expect(inputs).toHaveLength(publishedBefore);
  });

  it('publishes an unanswered input again, the same envelope, at a third and two thirds of the timeout', async () => {
    const { room, inputs } = setup({ moderationTimeoutMs: 300 });
    await room.join();
    const sending = rejection(room.send('anyone there?'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(inputs).toHaveLength(1);
    expect((await sending).code).toBe('MODERATION_TIMEOUT');
    expect(inputs).toHaveLength(3);
    expect(new Set(inputs).size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(inputs).toHaveLength(3);
  });

  it('rejects with MOMENTO_ERROR when the topic client throws', async () => {
    const { room, momento } = setup();
    await room.join();
    const bug = new Error('closed');
    momento.fail('publish', bug);
    const error = await rejection(room.send('hi'));
    expect(error.code).toBe('MOMENTO_ERROR');
    expect(error.cause).toBe(bug);
  });

  it('checks the message before publishing (NOT_JOINED, INVALID_ARGUMENT, MESSAGE_TOO_LARGE)', async () => {
    const { room, momento } = setup();
    expect((await rejection(room.send('hi'))).code).toBe('NOT_JOINED');
    await room.join();
    momento.calls.length = 0;
    expect((await rejection(room.send(' '))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(room.send('x'.repeat(4096)))).code).toBe('MESSAGE_TOO_LARGE');
    expect(momento.calls).toEqual([]);
  });
});

describe('ChatRoom in moderated mode: the timeline', () => {
  it('reads the stamps of history as verified', async () => {
    const momento = new FakeMomento();
    momento.push(ROOM, stamped(1, 1, 'first', 'token-ann'));
    const { room } = setup({}, momento);
    await room.join();
    expect(room.messages).toEqual([{ id: idOf(1), text: 'first', timestamp: NOW, sender: { claims: {}, tokenId: 'token-ann' }, serverTimestamp: STS, sequence: 1 }]);
  });

  it('orders messages by sequence across history and live, whatever order they arrive in', async () => {
    const momento = new FakeMomento();
    // Two moderators' writes crossed: the list holds 4 before 2.
    momento.push(ROOM, stamped(4, 4));
    momento.push(ROOM, stamped(2, 2));
    const { room, messages } = setup({}, momento);
    await room.join();
    expect(texts(room)).toEqual(['m2', 'm4']);
    for (const [n, sequence] of [
      [6, 6],
      [3, 3],
      [5, 5],
      [1, 1],
    ] as const) {
      momento.publish(ROOM, stamped(n, sequence), 'moderator');
    }
    momento.deliverAll();
    expect(texts(room)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    // Announced in arrival order, each once, even when delivered again.
    expect(messages.map((m) => m.text)).toEqual(['m6', 'm3', 'm5', 'm1']);
    momento.publish(ROOM, stamped(3, 3), 'moderator');
    momento.deliverAll();
    expect(messages).toHaveLength(4);
  });

  it('orders by sequence, not by id or client clock', async () => {
    const { room, momento } = setup();
    await room.join();
    momento.publish(ROOM, stamped(1, 2, 'second'), 'moderator');
    momento.publish(ROOM, stamped(2, 1, 'first'), 'moderator');
    momento.deliverAll();
    expect(texts(room)).toEqual(['first', 'second']);
  });

  it('merges a live message that arrived during the join with the history once, by sequence', async () => {
    const momento = new FakeMomento();
    momento.push(ROOM, stamped(1, 1));
    const { room } = setup({}, momento);
    momento.manual = true;
    const joining = room.join();
    momento.pending.shift()!.complete(); // subscribed
    await flush();
    momento.push(ROOM, stamped(2, 2));
    momento.publish(ROOM, stamped(2, 2), 'moderator');
    momento.publish(ROOM, stamped(3, 3), 'moderator');
    momento.deliverAll();
    momento.manual = false;
    momento.pending.shift()!.complete(); // the read sees 1 and 2
    await joining;
    expect(texts(room)).toEqual(['m1', 'm2', 'm3']);
  });

  it('places older pages by sequence too', async () => {
    const momento = new FakeMomento();
    for (let n = 1; n <= 6; n++) momento.push(ROOM, stamped(n, n));
    const { room } = setup({ pageSize: 2, historyLength: 10 }, momento);
    await room.join();
    expect(texts(room)).toEqual(['m5', 'm6']);
    momento.push(ROOM, stamped(7, 7));
    momento.publish(ROOM, stamped(7, 7), 'moderator');
    momento.deliverAll();
    const page = await room.loadOlder();
    expect(page.messages.map((m) => m.text)).toEqual(['m3', 'm4']);
    while (room.hasMoreHistory) await room.loadOlder();
    expect(texts(room)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('reports history entries and live items without a stamp as MALFORMED_MESSAGE, and shows the rest', async () => {
    const momento = new FakeMomento();
    momento.push(ROOM, envelope(idOf(1), 'unstamped'));
    momento.push(ROOM, stamped(2, 2));
    const { room, errors } = setup({}, momento);
    await room.join();
    momento.publish(ROOM, envelope(idOf(3), 'also unstamped'), 'token-eve');
    momento.publish(ROOM, envelope(idOf(4), 'half', { by: 'token-eve', n: 'x', sts: 1 }), 'token-eve');
    momento.deliverAll();
    expect(texts(room)).toEqual(['m2']);
    expect(errors.map((e) => e.message)).toEqual(Array(3).fill('unable to read a message; it carries no moderator stamp'));
    expect(errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE', 'MALFORMED_MESSAGE', 'MALFORMED_MESSAGE']);
  });

  it('reports a stamped copy of another room and a binary item as MALFORMED_MESSAGE with `raw`, and shows the rest', async () => {
    const momento = new FakeMomento();
    const strayHistory = envelope(idOf(1), 'help, stored', { room: 'help', by: 'token-ann', sts: STS, n: 1 });
    momento.push(ROOM, strayHistory);
    momento.push(ROOM, stamped(2, 2));
    const { room, errors } = setup({}, momento);
    await room.join();
    const strayLive = envelope(idOf(3), 'help, live', { room: 'help', by: 'token-ann', sts: STS, n: 3 });
    momento.publish(ROOM, strayLive, 'moderator');
    const bytes = new TextEncoder().encode(stamped(4, 4));
    momento.subscriptions[0]!.callbacks.onItem({ value: () => bytes, tokenId: () => 'moderator', sequenceNumber: () => 99 });
    momento.publish(ROOM, stamped(5, 5), 'moderator');
    momento.deliverAll();
    expect(texts(room)).toEqual(['m2', 'm5']);
    expect(errors.map((e) => [e.code, e.message, e.raw])).toEqual([
      ['MALFORMED_MESSAGE', 'unable to read a message; it belongs to room "help"', strayHistory],
      ['MALFORMED_MESSAGE', 'unable to read a message; it is binary; messages are text', bytes],
      ['MALFORMED_MESSAGE', 'unable to read a message; it belongs to room "help"', strayLive],
    ]);
    expect(room.status).toBe('joined');
  });

  it("shows another member's message once, with the sender the moderator verified", async () => {
    const { room, momento, messages } = setup();
    await room.join();
    momento.publish(ROOM, stamped(1, 1, 'hi', 'token-ann'), 'moderator');
    momento.deliverAll();
    expect(messages.map((m) => [m.text, m.sender.tokenId])).toEqual([['hi', 'token-ann']]);
  });
});

describe('ChatRoom in client-only mode: stamps are not trusted', () => {
  it('ignores stamps in an envelope, from history and live: a client cannot forge `by`', async () => {
    const momento = new FakeMomento();
    momento.push(ROOM, stamped(1, 1, 'from history', 'token-admin'));
    const { room } = setup({ mode: 'client-only' }, momento);
    await room.join();
    momento.publish(ROOM, stamped(2, 0, 'live', 'token-admin'), 'token-eve');
    momento.deliverAll();
    expect(room.messages).toEqual([
      { id: idOf(1), text: 'from history', timestamp: NOW, sender: { claims: {} } },
      { id: idOf(2), text: 'live', timestamp: NOW, sender: { claims: {}, tokenId: 'token-eve' } },
    ]);
  });

  it('reports a rejection notice as a malformed message, and stores and publishes its own sends', async () => {
    const { room, momento, errors } = setup({ mode: 'client-only' });
    await room.join();
    rejectId(momento, idOf(9), 'no');
    momento.deliverAll();
    expect(errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE']);
    momento.calls.length = 0;
    await room.send('hi');
    expect(momento.calls).toEqual([`listPushBack:${ROOM}`, `publish:${ROOM}`]);
  });
});

describe('ChatRoom and Moderator over one fake Momento', () => {
  it('round-trips: a member sends, the moderator masks and stamps, every member sees the same copy', async () => {
    const momento = new FakeMomento();
    const moderator = new Moderator({
      cacheClient: momento.moderatorCacheClient(),
      topicClient: momento.topicClient('moderator'),
      cacheName: 'chat',
      now: () => STS,
      moderate: (input) => (input.text.includes('spam') ? { action: 'reject', reason: 'no spam' } : { action: 'accept', text: input.text.replace('darn', '****') }),
    });
    await moderator.watch(ROOM);
    const ann = setup({ topicClient: momento.topicClient('token-ann') }, momento).room;
    const bob = setup({ topicClient: momento.topicClient('token-bob'), generateId: () => idOf(5000) }, momento).room;
    await ann.join();
    await bob.join();

    /** Lets the fake deliver and the moderator work until nothing moves. */
    const pump = async () => {
      for (let i = 0; i < 5; i++) {
        momento.deliverAll();
        await flush();
      }
    };
    const sending = ann.send('oh darn');
    await pump();
    const sent = await sending;
    expect(sent).toMatchObject({ text: 'oh ****', sender: { tokenId: 'token-ann' }, serverTimestamp: STS, sequence: 1 });
    expect(bob.messages).toEqual([sent]);
    expect(momento.list(ROOM)).toHaveLength(1);

    const refused = rejection(bob.send('buy spam'));
    await pump();
    const error = await refused;
    expect([error.code, error.reason]).toEqual(['MESSAGE_REJECTED', 'no spam']);
    expect(ann.messages).toEqual([sent]);
    await moderator.stop();
  });
});
