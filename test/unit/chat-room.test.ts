import { describe, expect, it } from 'vitest';
import { ChatRoom } from '../../src/chat-room.js';
import type { ChatRoomOptions } from '../../src/chat-room-options.js';
import { isChatError, type ChatError } from '../../src/errors.js';
import type { ChatRoomEvents } from '../../src/room-events.js';
import { FakeMomento, envelope, flush, idOf, momentoError } from './support/fake-momento.js';
import { rejection, thrown } from './support/thrown.js';

const ROOM = 'lobby';
const NOW = 1_700_000_000_000;

/** A room over a fake Momento, with every event it emits recorded. */
function setup(options: Partial<ChatRoomOptions> = {}, momento = new FakeMomento()) {
  let n = 1000;
  const room = new ChatRoom({
    cacheClient: momento.cacheClient(),
    topicClient: momento.topicClient('token-me'),
    cacheName: 'chat',
    roomId: ROOM,
    sender: { displayName: 'Me' },
    now: () => NOW,
    generateId: () => idOf(++n),
    ...options,
  });
  const events = record(room);
  return { momento, room, events };
}

function record(room: ChatRoom) {
  const statuses: Array<ChatRoomEvents['status']> = [];
  const messages: string[] = [];
  const errors: ChatError[] = [];
  room.on('status', (e) => void statuses.push(e));
  room.on('message', (e) => void messages.push(e.message.text));
  room.on('error', (e) => void errors.push(e.error));
  return { statuses, messages, errors, status: () => statuses.map((s) => s.status) };
}

/** Another client's message, already in the list and (if `publish`) on the topic. */
function write(momento: FakeMomento, n: number, text = `m${n}`, publish = true): string {
  const raw = envelope(idOf(n), text);
  momento.push(ROOM, raw);
  if (publish) momento.publish(ROOM, raw, 'token-other');
  return raw;
}

const texts = (room: ChatRoom): string[] => room.messages.map((m) => m.text);


describe('ChatRoom options', () => {
  const momento = new FakeMomento();
  const base: ChatRoomOptions = { cacheClient: momento.cacheClient(), topicClient: momento.topicClient(), cacheName: 'chat', roomId: ROOM };
  const invalid = (options: Partial<ChatRoomOptions> | Record<string, unknown>) => thrown(() => new ChatRoom({ ...base, ...options } as ChatRoomOptions));

  it.each([
    ['no cacheClient', { cacheClient: undefined }],
    ['no topicClient', { topicClient: undefined }],
    ['an empty cacheName', { cacheName: '' }],
    ['an empty roomId', { roomId: '' }],
    ['a roomId with a space', { roomId: 'the lobby' }],
    ['a roomId with a slash', { roomId: 'a/b' }],
    ['a roomId of 129 characters', { roomId: 'r'.repeat(129) }],
    ['a roomId that is not a string', { roomId: 42 }],
    ['historyLength 0', { historyLength: 0 }],
    ['historyLength 1.5', { historyLength: 1.5 }],
    ['historyLength above 100000', { historyLength: 100_001 }],
    ['pageSize 0', { pageSize: 0 }],
    ['pageSize above historyLength', { historyLength: 10, pageSize: 11 }],
    ['pageSize above the default historyLength', { pageSize: 101 }],
    ['maxMessageBytes above 4096', { maxMessageBytes: 4097 }],
    ['maxMessageBytes below 256', { maxMessageBytes: 255 }],
    ['historyTtlSeconds 0', { historyTtlSeconds: 0 }],
    ['historyTtlSeconds above 24 h', { historyTtlSeconds: 86_401 }],
    ['historyTtlSeconds NaN', { historyTtlSeconds: Number.NaN }],
  ])('rejects %s with INVALID_ARGUMENT', (_, options) => {
    const error = invalid(options);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^unable to create the room; /);
  });

  it('accepts the limits themselves', () => {
    const room = new ChatRoom({ ...base, roomId: `Aa0_.:@-${'r'.repeat(120)}`, historyLength: 10, pageSize: 10, maxMessageBytes: 4096, historyTtlSeconds: 86_400 });
    expect(room.roomId).toHaveLength(128);
    expect(room.status).toBe('initialized');
    expect(room.messages).toEqual([]);
  });

  it('defaults to a history of 100 kept for 24 h, read in pages of 50 (or the whole history when shorter)', async () => {
    const reads: unknown[] = [];
    const pushes: unknown[] = [];
    const momento = new FakeMomento();
    momento.onComplete = (op, args) => {
      if (op === 'listFetch') reads.push(args[1]);
      if (op === 'listPushBack') pushes.push(args[2]);
    };
    const { room } = setup({}, momento);
    await room.join();
    await room.send('hi');
    expect(reads).toEqual([{ startIndex: -50, endIndex: undefined }]);
    const options = pushes[0] as { truncateFrontToSize: number; ttl: { ttlSeconds(): number } };
    expect([options.truncateFrontToSize, options.ttl.ttlSeconds()]).toEqual([100, 86_400]);

    await setup({ historyLength: 20 }, momento).room.join();
    expect(reads.at(-1)).toEqual({ startIndex: -20, endIndex: undefined });
  });
});

describe('ChatRoom join', () => {
  it('goes initialized → joining → joined → left, with the previous status in each event', async () => {
    const { room, events, momento } = setup();
    expect(room.status).toBe('initialized');
    const joining = room.join();
    expect(room.status).toBe('joining');
    await joining;
    expect(room.status).toBe('joined');
    await room.leave();
    expect(room.status).toBe('left');
    expect(events.statuses).toEqual([
      { type: 'status', status: 'joining', previous: 'initialized' },
      { type: 'status', status: 'joined', previous: 'joining' },
      { type: 'status', status: 'left', previous: 'joined' },
    ]);
    expect(momento.subscriptions[0]!.active).toBe(false);
    // Leaving twice changes nothing.
    await room.leave();
    expect(momento.subscriptions[0]!.unsubscribeCalls).toBe(1);
  });

  it('subscribes before it reads the history', async () => {
    const { room, momento } = setup();
    await room.join();
    expect(momento.calls).toEqual([`subscribe:${ROOM}`, `listFetch:${ROOM}`]);
  });

  it('returns the newest page in list order, and announces none of it as a new message', async () => {
    const momento = new FakeMomento();
    for (const n of [3, 1, 2]) write(momento, n, `m${n}`, false);
    const { room, events } = setup({}, momento);
    const loaded = await room.join();
    expect(loaded.map((m) => m.text)).toEqual(['m3', 'm1', 'm2']);
    expect(texts(room)).toEqual(['m3', 'm1', 'm2']);
    expect(events.messages).toEqual([]);
    // History carries no verified sender in client-only mode.
    expect(room.messages[0]!.sender).toEqual({ claims: {} });
  });

  it('joins an expired or never-written room (a Miss) as an empty room with no more history', async () => {
    const { room } = setup();
    expect(await room.join()).toEqual([]);
    expect(room.hasMoreHistory).toBe(false);
  });

  it('merges an item delivered while the history is read once, when the read holds it too', async () => {
    const { room, momento, events } = setup();
    momento.manual = true;
    const joining = room.join();
    momento.pending.shift()!.complete(); // subscribed
    await flush();
    // Written and published after the subscription, before the read: both paths bring it.
    write(momento, 1);
    momento.deliverAll();
    expect(room.messages).toEqual([]);
    momento.pending.shift()!.complete(); // the read
    await joining;
    expect(texts(room)).toEqual(['m1']);
    expect(events.messages).toEqual([]);
  });

  it('adds an item delivered while the history is read, but written after the read, after the history', async () => {
    const momento = new FakeMomento();
    write(momento, 1, 'm1', false);
    const { room } = setup({}, momento);
    momento.manual = true;
    const joining = room.join();
    momento.pending.shift()!.complete();
    await flush();
    momento.pending.shift()!.complete(); // the read sees only m1
    write(momento, 2);
    momento.deliverAll();
    await joining;
    expect(texts(room)).toEqual(['m1', 'm2']);
    expect(room.messages[1]!.sender.tokenId).toBe('token-other');
  });

  it('fails on a subscribe error: the status is failed with the error, and nothing is read', async () => {
    const { room, momento, events } = setup();
    momento.fail('subscribe', momentoError('PERMISSION_ERROR', 'no topic permission'));
    const error = await rejection(room.join());
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.momentoErrorCode).toBe('PERMISSION_ERROR');
    expect(error.message).toBe(`unable to subscribe to room ${ROOM}; no topic permission`);
    expect(room.status).toBe('failed');
    expect(events.statuses.at(-1)).toEqual({ type: 'status', status: 'failed', previous: 'joining', error });
    expect(momento.calls).toEqual([`subscribe:${ROOM}`]);
  });

  it.each([
    ['AUTHENTICATION_ERROR', 'AUTHENTICATION_FAILED'],
    ['LIMIT_EXCEEDED_ERROR', 'LIMIT_EXCEEDED'],
    ['SERVER_UNAVAILABLE', 'MOMENTO_ERROR'],
  ] as const)('maps a subscribe error %s to %s', async (momentoCode, code) => {
    const { room, momento } = setup();
    momento.fail('subscribe', momentoError(momentoCode));
    expect((await rejection(room.join())).code).toBe(code);
  });

  it('fails with MOMENTO_ERROR when the client throws instead of answering', async () => {
    const { room, momento } = setup();
    const bug = new Error('client bug');
    momento.fail('subscribe', bug);
    const error = await rejection(room.join());
    expect(error.code).toBe('MOMENTO_ERROR');
    expect(error.cause).toBe(bug);
    expect(room.status).toBe('failed');
  });

  it('fails on a history read error, and then unsubscribes', async () => {
    const { room, momento } = setup();
    momento.fail('listFetch', momentoError('NOT_FOUND_ERROR', 'cache chat not found'));
    const error = await rejection(room.join());
    expect(error.code).toBe('CACHE_NOT_FOUND');
    expect(error.message).toBe(`unable to read the history of room ${ROOM}; cache chat not found`);
    expect(room.status).toBe('failed');
    expect(momento.subscriptions[0]!.active).toBe(false);
    expect(momento.calls.at(-1)).toBe(`unsubscribe:${ROOM}`);
  });

  it('fails when the subscription errors while the history is read', async () => {
    const { room, momento } = setup();
    momento.manual = true;
    const joining = rejection(room.join());
    momento.pending.shift()!.complete();
    await flush();
    momento.subscriptions[0]!.callbacks.onError(momentoError('AUTHENTICATION_ERROR', 'token expired'));
    momento.pending.shift()!.complete();
    const error = await joining;
    expect(error.code).toBe('AUTHENTICATION_FAILED');
    expect(room.status).toBe('failed');
    expect(momento.subscriptions[0]!.active).toBe(false);
  });

  it('can join again after failing, and after leaving', async () => {
    const { room, momento } = setup();
    momento.fail('listFetch', momentoError('SERVER_UNAVAILABLE'));
    await rejection(room.join());
    write(momento, 1, 'm1', false);
    expect((await room.join()).map((m) => m.text)).toEqual(['m1']);
    await room.leave();
    expect(room.messages).toEqual([]);
    expect((await room.join()).map((m) => m.text)).toEqual(['m1']);
    expect(room.status).toBe('joined');
    expect(momento.subscriptions.filter((s) => s.active)).toHaveLength(1);
  });

  it('refuses to join while joining or joined (INVALID_ARGUMENT)', async () => {
    const { room, momento } = setup();
    momento.manual = true;
    const first = room.join();
    expect((await rejection(room.join())).code).toBe('INVALID_ARGUMENT');
    await momento.completeAll();
    await first;
    const error = await rejection(room.join());
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe('unable to join; the room is already joined');
    expect(momento.subscriptions).toHaveLength(1);
  });

  it('rejects with NOT_JOINED when left while reading the history, unsubscribes, and stays left', async () => {
    const { room, momento } = setup();
    write(momento, 1, 'm1', false);
    momento.manual = true;
    const joining = rejection(room.join());
    momento.pending.shift()!.complete();
    await flush();
    await room.leave();
    momento.pending.shift()!.complete();
    expect((await joining).code).toBe('NOT_JOINED');
    expect(room.status).toBe('left');
    expect(room.messages).toEqual([]);
    expect(momento.subscriptions[0]!.active).toBe(false);
  });

  it('rejects with NOT_JOINED when left while subscribing, and ends that subscription', async () => {
    const { room, momento } = setup();
    momento.manual = true;
    const joining = rejection(room.join());
    await room.leave();
    momento.pending.shift()!.complete();
    expect((await joining).code).toBe('NOT_JOINED');
    expect(room.status).toBe('left');
    expect(momento.subscriptions[0]!.active).toBe(false);
  });

  it('ends the join with NOT_JOINED, subscribing to nothing, when a status listener leaves at joining', async () => {
    const { room, momento, events } = setup();
    room.on('status', ({ status }) => void (status === 'joining' && room.leave()));
    expect((await rejection(room.join())).code).toBe('NOT_JOINED');
    expect(room.status).toBe('left');
    expect(events.status()).toEqual(['joining', 'left']);
    expect(momento.calls).toEqual([]);
  });

  it('stays left, holding nothing, when an error listener leaves on a malformed history entry', async () => {
    const momento = new FakeMomento();
    momento.push(ROOM, 'not json');
    write(momento, 1, 'm1', false);
    const { room } = setup({}, momento);
    room.on('error', () => void room.leave());
    await room.join();
    expect(room.status).toBe('left');
    expect(room.messages).toEqual([]);
    expect(momento.subscriptions[0]!.active).toBe(false);
  });

  it('resolves with an array that later messages leave as it was; room.messages is a new one', async () => {
    const momento = new FakeMomento();
    write(momento, 1, 'm1', false);
    const { room } = setup({}, momento);
    const loaded = await room.join();
    expect(room.messages).toBe(room.messages);
    write(momento, 2);
    momento.deliverAll();
    await room.send('mine');
    expect(loaded.map((m) => m.text)).toEqual(['m1']);
    expect(texts(room)).toEqual(['m1', 'm2', 'mine']);
  });
});

describe('ChatRoom live messages and events', () => {
  it('announces live messages, with the tokenId Momento stamped, each once', async () => {
    const { room, momento, events } = setup();
    await room.join();
    const raw = write(momento, 1);
    momento.publish(ROOM, raw, 'token-other'); // a retried publish
    momento.deliverAll();
    expect(events.messages).toEqual(['m1']);
    expect(texts(room)).toEqual(['m1']);
    expect(room.messages[0]!.sender.tokenId).toBe('token-other');
  });

  it('reports an item that arrives as bytes as MALFORMED_MESSAGE with the bytes as `raw`, never reading them as text, and stays joined', async () => {
    const { room, momento, events } = setup();
    await room.join();
    const bytes = new TextEncoder().encode(envelope(idOf(1), 'héllo'));
    momento.subscriptions[0]!.callbacks.onItem({ value: () => bytes, tokenId: () => 'token-eve', sequenceNumber: () => 1 });
    expect(texts(room)).toEqual([]);
    expect(events.errors).toHaveLength(1);
    expect([events.errors[0]!.code, events.errors[0]!.message]).toEqual(['MALFORMED_MESSAGE', 'unable to read a message; it is binary; messages are text']);
    expect(events.errors[0]!.raw).toBe(bytes);
    momento.publish(ROOM, envelope(idOf(2), 'text'));
    momento.deliverAll();
    expect(texts(room)).toEqual(['text']);
    expect(room.status).toBe('joined');
  });

  it('reports an envelope of another room, live or in the history, as MALFORMED_MESSAGE with `raw`, and shows the rest', async () => {
    const momento = new FakeMomento();
    const stray = envelope(idOf(2), 'for the help room', { room: 'help' });
    write(momento, 1, 'm1', false);
    momento.push(ROOM, stray);
    write(momento, 3, 'm3', false);
    const { room, events } = setup({}, momento);
    await room.join();
    expect(texts(room)).toEqual(['m1', 'm3']);
    momento.publish(ROOM, envelope(idOf(4), 'live for help', { room: 'help' }));
    write(momento, 5, 'm5');
    momento.deliverAll();
    expect(texts(room)).toEqual(['m1', 'm3', 'm5']);
    expect(events.errors.map((e) => [e.code, e.message])).toEqual([
      ['MALFORMED_MESSAGE', 'unable to read a message; it belongs to room "help"'],
      ['MALFORMED_MESSAGE', 'unable to read a message; it belongs to room "help"'],
    ]);
    expect(events.errors.map((e) => e.raw)).toEqual([stray, envelope(idOf(4), 'live for help', { room: 'help' })]);
    expect(room.status).toBe('joined');
  });

  it('places live messages whose publishes crossed in the order they were written, after the history', async () => {
    const momento = new FakeMomento();
    write(momento, 50, 'history', false);
    const { room } = setup({}, momento);
    await room.join();
    // A and B pushed in that order (ids 10 < 20); B published first.
    momento.push(ROOM, envelope(idOf(10), 'A'));
    momento.push(ROOM, envelope(idOf(20), 'B'));
    momento.publish(ROOM, envelope(idOf(20), 'B'));
    momento.publish(ROOM, envelope(idOf(10), 'A'));
    momento.deliverAll();
    expect(texts(room)).toEqual(['history', 'A', 'B']);
  });

  it('reports a malformed item or history entry as MALFORMED_MESSAGE and shows the rest', async () => {
    const momento = new FakeMomento();
    write(momento, 1, 'm1', false);
    momento.push(ROOM, 'not json at all');
    momento.push(ROOM, JSON.stringify({ v: 2, room: ROOM, id: idOf(2), text: 'future', ts: 1 }));
    write(momento, 3, 'm3', false);
    const { room, events } = setup({}, momento);
    await room.join();
    expect(texts(room)).toEqual(['m1', 'm3']);
    expect(events.errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE', 'MALFORMED_MESSAGE']);
    expect(events.errors.map((e) => e.raw)).toEqual(['not json at all', JSON.stringify({ v: 2, room: ROOM, id: idOf(2), text: 'future', ts: 1 })]);
    momento.publish(ROOM, `{"v":1,"room":"${ROOM}"}`);
    momento.deliverAll();
    expect(events.errors.map((e) => e.message).at(-1)).toBe('unable to read a message; it has no valid id');
    expect(events.errors.at(-1)!.raw).toBe(`{"v":1,"room":"${ROOM}"}`);
    expect(room.status).toBe('joined');
  });

  it('keeps delivering to other listeners when one throws, reports it as an error event, and stays joined', async () => {
    const { room, momento, events } = setup();
    const bug = new Error('listener bug');
    room.on('message', () => {
      throw bug;
    });
    const after: string[] = [];
    room.on('message', ({ message }) => void after.push(message.text));
    await room.join();
    write(momento, 1);
    write(momento, 2);
    momento.deliverAll();
    expect(after).toEqual(['m1', 'm2']);
    expect(events.messages).toEqual(['m1', 'm2']);
    expect(events.errors).toHaveLength(2);
    // Its own code: the app passed no bad argument, its listener failed.
    expect(events.errors[0]!.code).toBe('LISTENER_FAILED');
    expect(events.errors[0]!.message).toBe('unable to deliver an event; a listener threw');
    expect(events.errors[0]!.cause).toBe(bug);
    expect(room.status).toBe('joined');
  });

  it('stops a listener that unsubscribed, and a second unsubscribe is harmless', async () => {
    const { room, momento } = setup();
    const got: string[] = [];
    const sub = room.on('message', ({ message }) => void got.push(message.text));
    await room.join();
    write(momento, 1);
    momento.deliverAll();
    sub.unsubscribe();
    sub.unsubscribe();
    write(momento, 2);
    momento.deliverAll();
    expect(got).toEqual(['m1']);
  });

  it('reports a throwing error listener to nobody, rather than to itself without end', async () => {
    const { room, momento, events } = setup();
    let calls = 0;
    room.on('error', () => {
      calls++;
      throw new Error('error listener bug');
    });
    await room.join();
    momento.publish(ROOM, 'not json');
    momento.deliverAll();
    expect(calls).toBe(1);
    expect(events.errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE']);
    expect(room.status).toBe('joined');
  });

  it('is already failed when the error of an ended subscription is reported, so a listener can join again', async () => {
    const { room, momento } = setup();
    await room.join();
    const seen: string[] = [];
    room.on('error', () => {
      seen.push(room.status);
      void room.join();
    });
    momento.subscriptions[0]!.callbacks.onError(momentoError('AUTHENTICATION_ERROR'));
    await flush();
    expect(seen).toEqual(['failed']);
    expect(room.status).toBe('joined');
    expect(momento.subscriptions.filter((s) => s.active)).toHaveLength(1);
  });

  it('goes failed when the live subscription ends with an error, reports it, and unsubscribes', async () => {
    const { room, momento, events } = setup();
    await room.join();
    momento.subscriptions[0]!.callbacks.onError(momentoError('AUTHENTICATION_ERROR', 'token expired'));
    expect(room.status).toBe('failed');
    expect(events.errors.map((e) => e.code)).toEqual(['AUTHENTICATION_FAILED']);
    expect(events.statuses.at(-1)).toMatchObject({ status: 'failed', previous: 'joined', error: { code: 'AUTHENTICATION_FAILED' } });
    expect(momento.subscriptions[0]!.active).toBe(false);
    expect((await rejection(room.send('hi'))).code).toBe('NOT_JOINED');
  });

  it('emits nothing after leaving, even for items the transport still delivers', async () => {
    const { room, momento, events } = setup();
    await room.join();
    const callbacks = momento.subscriptions[0]!.callbacks;
    await room.leave();
    callbacks.onItem({ value: () => envelope(idOf(1), 'late'), tokenId: () => undefined, sequenceNumber: () => 9 });
    callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    expect(events.messages).toEqual([]);
    expect(events.errors).toEqual([]);
    expect(room.messages).toEqual([]);
    expect(room.status).toBe('left');
  });
});

describe('ChatRoom send', () => {
  it('stores the message, then publishes it, and returns it as readers will see it', async () => {
    const { room, momento, events } = setup({ historyLength: 30, historyTtlSeconds: 600 });
    const pushes: unknown[] = [];
    momento.onComplete = (op, args) => void (op === 'listPushBack' && pushes.push(args[2]));
    await room.join();
    momento.calls.length = 0;
    const sent = await room.send('hello', { metadata: { mood: 'ok' } });

    expect(momento.calls).toEqual([`listPushBack:${ROOM}`, `publish:${ROOM}`]);
    expect(sent).toEqual({ id: idOf(1001), text: 'hello', timestamp: NOW, sender: { claims: { displayName: 'Me' } }, metadata: { mood: 'ok' } });
    expect(momento.list(ROOM)).toEqual([`{"v":1,"room":"${ROOM}","id":"${idOf(1001)}","text":"hello","ts":${NOW},"from":{"name":"Me"},"meta":{"mood":"ok"}}`]);
    const options = pushes[0] as { truncateFrontToSize: number; ttl: { ttlSeconds(): number; ttlMilliseconds(): number; refreshTtl(): boolean } };
    expect(options.truncateFrontToSize).toBe(30);
    expect([options.ttl.ttlSeconds(), options.ttl.ttlMilliseconds(), options.ttl.refreshTtl()]).toEqual([600, 600_000, true]);
    // Shown and announced at once; its echo is not shown or announced again.
    expect(events.messages).toEqual(['hello']);
    momento.deliverAll();
    expect(events.messages).toEqual(['hello']);
    expect(texts(room)).toEqual(['hello']);
  });

  it('keeps the history to historyLength entries', async () => {
    const { room, momento } = setup({ historyLength: 2 });
    await room.join();
    for (const text of ['a', 'b', 'c']) await room.send(text);
    expect(momento.list(ROOM).map((raw) => (JSON.parse(raw) as { text: string }).text)).toEqual(['b', 'c']);
  });

  it('does not publish when the write fails, and throws the mapped error', async () => {
    const { room, momento, events } = setup();
    await room.join();
    momento.fail('listPushBack', momentoError('PERMISSION_ERROR', 'read-only token'));
    const error = await rejection(room.send('hello'));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toBe('unable to send; read-only token');
    expect(momento.calls).not.toContain(`publish:${ROOM}`);
    expect(room.messages).toEqual([]);
    expect(events.messages).toEqual([]);
  });

  it('retries a publish that failed for a transient reason, with the same message', async () => {
    const { room, momento } = setup();
    await room.join();
    const published: unknown[] = [];
    momento.onComplete = (op, args) => void (op === 'publish' && published.push(args[1]));
    momento.fail('publish', momentoError('SERVER_UNAVAILABLE'), momentoError('TIMEOUT_ERROR'));
    const sent = await room.send('hello');
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toHaveLength(3);
    expect(new Set(published).size).toBe(1);
    expect(momento.subscriptions[0]!.published).toHaveLength(1);
    expect(JSON.parse(momento.subscriptions[0]!.published[0]!)).toMatchObject({ id: sent.id });
  });

  it('throws DELIVERY_FAILED after three transient publish failures; the message stays stored and shown', async () => {
    const { room, momento } = setup();
    await room.join();
    momento.fail('publish', momentoError('SERVER_UNAVAILABLE'), momentoError('SERVER_UNAVAILABLE'), momentoError('SERVER_UNAVAILABLE'));
    const error = await rejection(room.send('hello'));
    expect(error.code).toBe('DELIVERY_FAILED');
    expect(error.momentoErrorCode).toBe('SERVER_UNAVAILABLE');
    expect(error.message).toMatch(new RegExp(`^unable to deliver message ${idOf(1001)} live; it is stored in the history`));
    expect(isChatError(error.cause)).toBe(true);
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toHaveLength(3);
    expect(momento.list(ROOM)).toHaveLength(1);
    expect(texts(room)).toEqual(['hello']);
  });

  it('does not retry a publish the token is not allowed to make', async () => {
    const { room, momento } = setup();
    await room.join();
    momento.fail('publish', momentoError('PERMISSION_ERROR'));
    const error = await rejection(room.send('hello'));
    expect(error.code).toBe('DELIVERY_FAILED');
    expect(error.momentoErrorCode).toBe('PERMISSION_ERROR');
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toHaveLength(1);
  });

  it('refuses to send before joining, and after leaving (NOT_JOINED), calling nothing', async () => {
    const { room, momento } = setup();
    const error = await rejection(room.send('hello'));
    expect(error.code).toBe('NOT_JOINED');
    expect(error.message).toBe('unable to send; the room is initialized, join it first');
    await room.join();
    await room.leave();
    momento.calls.length = 0;
    expect((await rejection(room.send('hello'))).code).toBe('NOT_JOINED');
    expect(momento.calls).toEqual([]);
  });

  it('refuses an id that readers would reject as malformed, writing nothing (INVALID_ARGUMENT)', async () => {
    const { room, momento } = setup({ generateId: () => 'msg-1' });
    await room.join();
    const error = await rejection(room.send('hello'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^unable to send; the id "msg-1" is not a ULID/);
    expect(momento.list(ROOM)).toEqual([]);
  });

  it('returns a message that shares no object with the caller', async () => {
    const { room } = setup();
    await room.join();
    const metadata = { tags: ['a'] };
    const sent = await room.send('hello', { metadata });
    metadata.tags.push('changed later');
    expect(sent.metadata).toEqual({ tags: ['a'] });
    expect(room.messages[0]!.metadata).toEqual({ tags: ['a'] });
  });

  it('checks the message before anything else: empty text, bad metadata, too large', async () => {
    const { room, momento } = setup({ maxMessageBytes: 256 });
    expect((await rejection(room.send('   '))).code).toBe('INVALID_ARGUMENT');
    await room.join();
    momento.calls.length = 0;
    expect((await rejection(room.send(''))).code).toBe('INVALID_ARGUMENT');
    expect((await rejection(room.send('hi', { metadata: [1] as never }))).code).toBe('INVALID_ARGUMENT');
    const error = await rejection(room.send('x'.repeat(300)));
    expect(error.code).toBe('MESSAGE_TOO_LARGE');
    expect(error.message).toMatch(/the limit is 256;/);
    expect(momento.calls).toEqual([]);
  });
});

describe('ChatRoom loadOlder', () => {
  async function roomWith(count: number, options: Partial<ChatRoomOptions> = {}) {
    const momento = new FakeMomento();
    for (let n = 1; n <= count; n++) write(momento, n, `m${n}`, false);
    const room = setup(options, momento);
    await room.room.join();
    return room;
  }

  it('refuses before joining (NOT_JOINED)', async () => {
    const { room } = setup();
    const error = await rejection(room.loadOlder());
    expect(error.code).toBe('NOT_JOINED');
    expect(error.message).toBe('unable to load older messages; the room is initialized, join it first');
  });

  it('pages back to the oldest message kept, each once, then reports no more', async () => {
    const { room } = await roomWith(5, { pageSize: 2 });
    expect(texts(room)).toEqual(['m4', 'm5']);
    expect(room.hasMoreHistory).toBe(true);
    expect(await room.loadOlder()).toMatchObject({ messages: [{ text: 'm2' }, { text: 'm3' }], hasMore: true });
    const last = await room.loadOlder();
    expect(last.messages.map((m) => m.text)).toEqual(['m1']);
    expect(last.hasMore).toBe(false);
    expect(room.hasMoreHistory).toBe(false);
    expect(await room.loadOlder()).toEqual({ messages: [], hasMore: false });
    expect(texts(room)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('loses nothing and repeats nothing while others write and the front is trimmed', async () => {
    const { room, momento } = await roomWith(10, { pageSize: 3, historyLength: 10 });
    let n = 10;
    while (room.hasMoreHistory) {
      // Written with the same cap; two published and delivered, one not yet.
      for (const publish of [true, true, false]) {
        const raw = envelope(idOf(++n), `m${n}`);
        momento.push(ROOM, raw, 10);
        if (publish) momento.publish(ROOM, raw);
      }
      momento.deliverAll();
      await room.loadOlder();
    }
    const ids = room.messages.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const history = texts(room).filter((t) => Number(t.slice(1)) <= 10);
    const first = Number(history[0]!.slice(1));
    expect(history).toEqual(Array.from({ length: 11 - first }, (_, i) => `m${first + i}`));
  });

  it('reports a failed read with its code, and stays joined', async () => {
    const { room, momento } = await roomWith(5, { pageSize: 2 });
    momento.fail('listFetch', momentoError('LIMIT_EXCEEDED_ERROR', 'too many requests'));
    const error = await rejection(room.loadOlder());
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(room.status).toBe('joined');
    expect((await room.loadOlder()).messages.map((m) => m.text)).toEqual(['m2', 'm3']);
  });

  it('ends with no more history when the list expired meanwhile', async () => {
    const { room, momento } = await roomWith(5, { pageSize: 2 });
    momento.lists.delete(ROOM);
    expect(await room.loadOlder()).toEqual({ messages: [], hasMore: false });
    expect(texts(room)).toEqual(['m4', 'm5']);
  });

  it('reports the malformed entries of an older page and returns the rest', async () => {
    const momento = new FakeMomento();
    write(momento, 1, 'm1', false);
    momento.push(ROOM, '{"v":1,"id":"bad"}');
    write(momento, 3, 'm3', false);
    const { room, events } = setup({ pageSize: 1 }, momento);
    await room.join();
    const page = await room.loadOlder();
    expect(page.messages).toEqual([]);
    expect(events.errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE']);
    expect((await room.loadOlder()).messages.map((m) => m.text)).toEqual(['m1']);
    expect(texts(room)).toEqual(['m1', 'm3']);
  });

  it('rejects with NOT_JOINED, leaving nothing behind, when left while reading', async () => {
    const { room, momento } = await roomWith(5, { pageSize: 2 });
    momento.manual = true;
    const paging = rejection(room.loadOlder());
    await room.leave();
    await momento.completeAll();
    expect((await paging).code).toBe('NOT_JOINED');
    expect(room.messages).toEqual([]);
  });
});

describe('ChatRoom with a client that throws instead of answering', () => {
  it.each(['listPushBack', 'publish', 'listFetch'] as const)('surfaces a throwing %s as a MOMENTO_ERROR ChatError, never a raw exception', async (op) => {
    const { momento, room } = setup();
    // More than a page of history, so loadOlder has something to read.
    for (let n = 1; n <= 60; n++) momento.push(ROOM, envelope(idOf(n), `m${n}`));
    await room.join();
    // Every publish attempt throws, so the retries cannot hide it.
    momento.fail(op, new Error('client closed'), new Error('client closed'), new Error('client closed'));
    const call = op === 'listFetch' ? room.loadOlder() : room.send('hi');
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isChatError(error)).toBe(true);
    const chatError = error as ChatError;
    // A publish failure happens after the write, so it is reported as an undelivered message.
    expect(chatError.code).toBe(op === 'publish' ? 'DELIVERY_FAILED' : 'MOMENTO_ERROR');
    expect(String((op === 'publish' ? (chatError.cause as Error).message : chatError.message))).toContain('client closed');
  });
});

describe('ChatRoom memory', () => {
  it('keeps at most about maxMessages as live messages arrive, the newest, and loads the forgotten ones again on request', async () => {
    const { room, momento } = setup({ maxMessages: 10, historyLength: 100, pageSize: 5 });
    await room.join();
    for (let n = 1; n <= 40; n++) {
      write(momento, n);
      momento.deliverAll();
      expect(room.messages.length).toBeLessThanOrEqual(11);
    }
    expect(texts(room).at(-1)).toBe('m40');
    expect(room.hasMoreHistory).toBe(true);
    const kept = texts(room);
    const { messages } = await room.loadOlder();
    const oldestKept = Number(kept[0]!.slice(1));
    expect(messages.map((m) => m.text)).toEqual([1, 2, 3, 4, 5].map((i) => `m${oldestKept - 6 + i}`));
    expect(texts(room)).toEqual([...messages.map((m) => m.text), ...kept]);
  });
});
