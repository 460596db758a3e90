import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom, type ChatMessage, type ChatRoomOptions } from '../../src/index.js';
import type { LocalMomentoOptions } from '../../src/local/index.js';
import { useLocalServer, type LocalServer } from './support/local-server.js';
import { ChatUsers, ids, record, type Recorder } from './support/chat.js';
import { vendingProvider, type CountingProvider } from './support/renewing.js';
import { waitFor } from './support/time.js';
import { useBrowserGlobals, webCacheClient, webTopicClient } from './support/web-clients.js';
import { vendClientOnlyTokens } from '../../src/index.js';

const CACHE = 'chat';

/** Each id once. */
const once = (messages: readonly ChatMessage[]): boolean => new Set(ids(messages)).size === messages.length;

/** A room over a vending provider, recording its events and discontinuities. */
async function renewingRoom(env: LocalServer, options: { roomId: string; userId: string; expiresInSeconds?: number } & Partial<ChatRoomOptions>) {
  const { roomId, userId, expiresInSeconds, ...rest } = options;
  const provider = vendingProvider(env.momento, env.clients.auth, { cacheName: CACHE, roomId, userId, expiresInSeconds });
  const room = new ChatRoom({ cacheName: CACHE, roomId, sender: { userId }, clients: provider.provide, reconnect: { initialDelayMs: 20, maxDelayMs: 200 }, ...rest });
  const events = record(room);
  const gaps: string[] = [];
  room.on('discontinuity', ({ reason }) => gaps.push(reason));
  return { room, events, provider, gaps };
}

function suite(name: string, serverOptions: LocalMomentoOptions, body: (env: LocalServer, rooms: ChatRoom[]) => void): void {
  describe(name, () => {
    const env = useLocalServer({ caches: [CACHE], ...serverOptions });
    const rooms: ChatRoom[] = [];
    afterEach(async () => {
      env.momento.faults.clear();
      for (const room of rooms.splice(0)) await room.leave();
    });
    body(env, rooms);
  });
}

suite('reconnecting with the Node SDK', { retainedTopicItems: 0 }, (env, rooms) => {
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => users.closeAll());

  it('reads what was published while the stream was down from history: each message once, in order', async () => {
    const roomId = 'node-drop';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    await ann.room.join();
    await bob.room.join();
    const before = await ann.room.send('before');
    await waitFor(() => bob.room.messages.length === 1, 3000, 'the first message');
    // The server keeps no items, so the SDK's resume cannot replay: what comes during the gap comes from history.
    env.momento.faults.delay('topic-subscribe', { ms: 1500, count: 2 });
    expect(env.momento.faults.dropSubscriptions()).toBeGreaterThan(0);
    await waitFor(() => bob.room.status === 'reconnecting', 3000, 'bob reconnecting');
    const during = [await ann.room.send('during 1'), await ann.room.send('during 2')];
    await waitFor(() => bob.room.status === 'joined' && bob.room.messages.length === 3, 5000, 'bob caught up');
    const after = await ann.room.send('after');
    await waitFor(() => bob.room.messages.length === 4, 3000, 'the message after');
    expect(ids(bob.room.messages)).toEqual(ids([before, ...during, after]));
    expect(ids(bob.events.messages)).toEqual(ids([before, ...during, after]));
    expect(bob.events.statuses).toEqual(['joining', 'joined', 'reconnecting', 'joined']);
    expect(bob.events.errors).toEqual([]);
  });

  it('gets back a stream the SDK gave up on (a cancelled stream), with the pauses it is given', async () => {
    const roomId = 'node-cancelled';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob', reconnect: { initialDelayMs: 20, maxDelayMs: 100 } });
    await ann.room.join();
    await bob.room.join();
    // CANCELLED is not retried by the SDK: onError, and the subscription is over.
    env.momento.faults.failNext('topic-subscribe', { status: 'unavailable', count: 2 });
    env.momento.faults.dropSubscriptions({ status: 'cancelled' });
    await waitFor(() => bob.room.status === 'reconnecting', 3000, 'bob reconnecting');
    const sent = await ann.room.send('while bob was away');
    await waitFor(() => bob.room.status === 'joined' && bob.room.messages.length === 1, 5000, 'bob back');
    expect(ids(bob.room.messages)).toEqual([sent.id]);
    const next = await ann.room.send('next');
    await waitFor(() => bob.room.messages.length === 2, 3000, 'the next message live');
    expect(ids(bob.events.messages)).toEqual([sent.id, next.id]);
  });

  it('says `discontinuity` when history was trimmed past the gap, and goes on with what follows, each once', async () => {
    const roomId = 'node-trimmed';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann', historyLength: 4, pageSize: 2 });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob', historyLength: 4, pageSize: 2 });
    const gaps: string[] = [];
    bob.room.on('discontinuity', ({ reason }) => gaps.push(reason));
    await ann.room.join();
    await bob.room.join();
    const first = await ann.room.send('first');
    await waitFor(() => bob.room.messages.length === 1, 3000, 'first');
    env.momento.faults.delay('topic-subscribe', { ms: 1500, count: 2 });
    env.momento.faults.dropSubscriptions();
    await waitFor(() => bob.room.status === 'reconnecting', 3000, 'bob reconnecting');
    const during: ChatMessage[] = [];
    for (let i = 0; i < 6; i++) during.push(await ann.room.send(`during ${i}`));
    await waitFor(() => bob.room.status === 'joined', 5000, 'bob back');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(/messages may be missing/);
    // The history keeps the last four: those arrive, after the message bob had.
    expect(ids(bob.room.messages)).toEqual(ids([first, ...during.slice(2)]));
    expect(once(bob.events.messages)).toBe(true);
  });

  it('fails with AUTHENTICATION_FAILED when its token expires and it has no clients function', async () => {
    const roomId = 'node-expired';
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob-expiring' });
    await bob.room.join();
    expect(env.momento.faults.expireToken('bob-expiring')).toBeGreaterThan(0);
    await waitFor(() => bob.room.status === 'failed', 5000, 'bob failed');
    expect(bob.events.errors.map((e) => e.code)).toEqual(['AUTHENTICATION_FAILED']);
  });

  it('renews its clients when Momento refuses the token, and loses nothing', async () => {
    const roomId = 'node-renew-on-expiry';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    await ann.room.join();
    const bob = await renewingRoom(env, { roomId, userId: 'bob-renewing' });
    rooms.push(bob.room);
    await bob.room.join();
    const first = await ann.room.send('one');
    await waitFor(() => bob.room.messages.length === 1, 3000, 'one');
    env.momento.faults.expireToken('bob-renewing');
    const second = await ann.room.send('two');
    await waitFor(() => bob.provider.calls === 2 && bob.room.status === 'joined' && bob.room.messages.length === 2, 5000, 'bob renewed');
    const third = await bob.room.send('three, on the new token');
    // Its echo on the new subscription carries the tokenId Momento stamped from the new token.
    await waitFor(() => bob.room.messages[2]?.sender.tokenId === 'bob-renewing', 3000, 'three, verified');
    expect(ids(bob.room.messages)).toEqual(ids([first, second, third]));
    await waitFor(() => bob.provider.closed === 1, 3000, 'the refused clients closed');
    expect(bob.events.statuses.filter((s) => s === 'failed')).toEqual([]);
  });

  it('renews make-before-break before its tokens expire, while messages flow: none lost, none doubled', async () => {
    const roomId = 'node-renew-ahead';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    await ann.room.join();
    // Tokens of 3 s renewed 2 s early: a renewal every second or so while ann sends.
    const bob = await renewingRoom(env, { roomId, userId: 'bob-ahead', expiresInSeconds: 3, renewBeforeSeconds: 2 });
    rooms.push(bob.room);
    await bob.room.join();
    const sent: ChatMessage[] = [];
    const until = Date.now() + 3500;
    while (Date.now() < until) {
      sent.push(await ann.room.send(`m${sent.length}`));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await waitFor(() => bob.room.messages.length >= sent.length, 5000, 'every message');
    expect(bob.provider.calls).toBeGreaterThanOrEqual(3);
    // A renewal may be under way at this moment: once it is done, every set of clients but one is closed.
    await waitFor(() => bob.provider.closed === bob.provider.calls - 1, 3000, 'the renewal under way to end');
    expect(ids(bob.room.messages)).toEqual(ids(sent));
    expect(ids(bob.events.messages)).toEqual(ids(sent));
    // Make-before-break: the room never looked disconnected.
    expect(bob.events.statuses).toEqual(['joining', 'joined']);
    expect(bob.gaps).toEqual([]);
  });
});

describe('reconnecting with the web SDK', () => {
  useBrowserGlobals();
  const env = useLocalServer({ caches: [CACHE], retainedTopicItems: 0 });
  const rooms: ChatRoom[] = [];
  afterEach(async () => {
    env.momento.faults.clear();
    for (const room of rooms.splice(0)) await room.leave();
  });

  async function webRoom(roomId: string, userId: string): Promise<{ room: ChatRoom; events: Recorder }> {
    const tokens = await vendClientOnlyTokens(env.clients.auth, { cacheName: CACHE, roomId, userId });
    const room = new ChatRoom({
      cacheClient: webCacheClient(env.momento, tokens.cacheToken),
      topicClient: webTopicClient(env.momento, tokens.topicToken),
      cacheName: CACHE,
      roomId,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    rooms.push(room);
    return { room, events: record(room) };
  }

  it('subscribes again after the web SDK gave up on a stream (SERVER_UNAVAILABLE), and reads the gap from history', async () => {
    const roomId = 'web-drop';
    const ann = await webRoom(roomId, 'ann');
    const bob = await webRoom(roomId, 'bob');
    await ann.room.join();
    await bob.room.join();
    const before = await ann.room.send('before');
    await waitFor(() => bob.room.messages.length === 1, 3000, 'before');
    env.momento.faults.delay('topic-subscribe', { ms: 400, count: 1 });
    env.momento.faults.dropSubscriptions();
    await waitFor(() => bob.room.status === 'reconnecting', 3000, 'bob reconnecting');
    const during = await ann.room.send('during');
    await waitFor(() => bob.room.status === 'joined' && bob.room.messages.length === 2, 5000, 'bob back');
    const after = await ann.room.send('after');
    await waitFor(() => bob.room.messages.length === 3, 3000, 'after');
    expect(ids(bob.room.messages)).toEqual(ids([before, during, after]));
    expect(ids(bob.events.messages)).toEqual(ids([before, during, after]));
    expect(bob.events.statuses).toContain('reconnecting');
    expect(bob.events.statuses.at(-1)).toBe('joined');
  });
});
