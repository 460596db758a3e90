import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom, isChatError, type ChatMessage } from '../../src/index.js';
import { useLocalServer } from './support/local-server.js';
import { ChatUsers, gatedListFetch, ids, listIds, loadAllOlder, receivedId, record } from './support/chat.js';

const CACHE = 'chat';

/** The code of a ChatError a promise rejected with, or what happened instead. */
async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (isChatError(error) ? error.code : `not a ChatError: ${String(error)}`),
  );
}

/** Runs full GCs, yielding between them, until `ref` is empty or the rounds run out. @returns whether it was collected. */
async function collected(ref: WeakRef<object>, rounds = 10): Promise<boolean> {
  for (let i = 0; i < rounds && ref.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc!();
  }
  return ref.deref() === undefined;
}

describe('leaving a room', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => users.closeAll());

  it('stops events and drops messages; joining again with new listeners sees the history', async () => {
    const roomId = 'rejoin';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    const carl = await users.add({ cacheName: CACHE, roomId, userId: 'carl' });
    for (const user of [ann, bob, carl]) await user.room.join();
    const first = await ann.room.send('before bob leaves');
    await receivedId(bob.events, first.id);

    await bob.room.leave();
    expect(bob.room.status).toBe('left');
    expect(bob.events.statuses).toEqual(['joining', 'joined', 'left']);
    expect(bob.room.messages).toEqual([]);
    expect(await rejectionCode(bob.room.send('after leaving'))).toBe('NOT_JOINED');
    expect(await rejectionCode(bob.room.loadOlder())).toBe('NOT_JOINED');
    await bob.room.leave();

    // Listeners added now are for the next join: nothing may reach them from the old subscription.
    const afterLeave = record(bob.room);
    const away = await ann.room.send('while bob is away');
    await receivedId(carl.events, away.id);
    expect(afterLeave).toEqual({ messages: [], errors: [], statuses: [] });
    expect(ids(bob.events.messages)).toEqual([first.id]);
    expect(bob.room.messages).toEqual([]);

    const history = await bob.room.join();
    expect(ids(history)).toEqual([first.id, away.id]);
    expect(afterLeave.statuses).toEqual(['joining', 'joined']);
    const back = await ann.room.send('welcome back');
    await receivedId(afterLeave, back.id);
    expect(ids(afterLeave.messages)).toEqual([back.id]);
    expect(ids(bob.room.messages)).toEqual([first.id, away.id, back.id]);
  });

  it('leaving while the subscribe is in flight ends the join, and the room stays left', async () => {
    const roomId = 'leave-subscribing';
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    const joining = bob.room.join();
    await bob.room.leave();
    expect(await rejectionCode(joining)).toBe('NOT_JOINED');
    expect(bob.room.status).toBe('left');
    expect(bob.events.statuses).toEqual(['joining', 'left']);

    const again = record(bob.room);
    await bob.room.join();
    expect(again.statuses).toEqual(['joining', 'joined']);
  });

  it('leaving while the history loads ends the join; a later join pages the whole history once', async () => {
    const roomId = 'leave-loading';
    const options = { cacheName: CACHE, roomId, pageSize: 5 };
    const ann = await users.add({ ...options, userId: 'ann' });
    const bob = await users.add({ ...options, userId: 'bob' });
    await ann.room.join();
    for (let i = 0; i < 12; i++) await ann.room.send(`m${i}`);

    const gate = gatedListFetch(bob.cacheClient);
    const room = new ChatRoom({ ...options, cacheClient: gate.client, topicClient: bob.topicClient });
    const events = record(room);
    const joining = room.join();
    await gate.reached;
    await room.leave();
    gate.open();
    expect(await rejectionCode(joining)).toBe('NOT_JOINED');
    expect(room.status).toBe('left');
    expect(events.statuses).toEqual(['joining', 'left']);
    expect(room.messages).toEqual([]);

    for (let i = 12; i < 20; i++) await ann.room.send(`m${i}`);
    const again = record(room);
    await room.join();
    await loadAllOlder(room);
    expect(ids(room.messages)).toEqual(await listIds(env.clients.cache, CACHE, roomId));
    expect(room.messages.length).toBe(20);
    expect(again.errors).toEqual([]);
    await room.leave();
  });

  it('leaving while an older page loads drops it', async () => {
    const roomId = 'leave-paging';
    const options = { cacheName: CACHE, roomId, pageSize: 3 };
    const ann = await users.add({ ...options, userId: 'ann' });
    const bob = await users.add({ ...options, userId: 'bob' });
    await ann.room.join();
    for (let i = 0; i < 8; i++) await ann.room.send(`m${i}`);
    await bob.room.join();

    const older = bob.room.loadOlder();
    await bob.room.leave();
    expect(await rejectionCode(older)).toBe('NOT_JOINED');
    expect(bob.room.messages).toEqual([]);

    await bob.room.join();
    await loadAllOlder(bob.room);
    expect(bob.room.messages.map((m) => m.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });
});

describe('garbage collection', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => users.closeAll());

  /** Builds a room on a user's clients, joins, receives, sends and pages, then leaves unless told not to; keeps no reference to it. */
  async function usedRoom(options: { leave: boolean }): Promise<WeakRef<ChatRoom>> {
    const roomId = 'gc';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann', pageSize: 2 });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob', pageSize: 2 });
    await ann.room.join();
    for (let i = 0; i < 5; i++) await ann.room.send(`old ${i}`);
    const room = new ChatRoom({ cacheClient: bob.cacheClient, topicClient: bob.topicClient, cacheName: CACHE, roomId, pageSize: 2 });
    const got: ChatMessage[] = [];
    // Listeners that close over the room, as an app's often do.
    room.on('message', ({ message }) => {
      if (room.messages.includes(message)) got.push(message);
    });
    room.on('status', () => void room.status);
    await room.join();
    const hello = await ann.room.send('hello');
    await receivedId({ messages: got, errors: [], statuses: [] }, hello.id);
    await room.send('hi');
    await loadAllOlder(room);
    if (options.leave) await room.leave();
    return new WeakRef(room);
  }

  it('the test process exposes gc', () => {
    expect(typeof globalThis.gc).toBe('function');
  });

  it('a room that was left is collected, though its clients live on', async () => {
    const ref = await usedRoom({ leave: true });
    expect(await collected(ref)).toBe(true);
  });

  it('a room that was not left stays reachable through its subscription (the check above can fail)', async () => {
    const ref = await usedRoom({ leave: false });
    expect(await collected(ref)).toBe(false);
    await ref.deref()?.leave();
    expect(await collected(ref)).toBe(true);
  });
});
