import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom, type ChatMessage } from '../../src/index.js';
import { useLocalServer } from './support/local-server.js';
import { waitFor } from './support/time.js';
import { ChatUsers, duplicates, gatedListFetch, ids, listIds, loadAllOlder, receivedId, record, type ChatUser } from './support/chat.js';

const CACHE = 'chat';

describe('joining and paging while others send', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => users.closeAll());

  it('a user who joins while another sends without pause ends with exactly the history, once each, in order', async () => {
    const roomId = 'busy';
    const options = { cacheName: CACHE, roomId, historyLength: 1000, pageSize: 20 };
    const TOTAL = 200;
    const sender = await users.add({ ...options, userId: 'sender' });
    await sender.room.join();
    // Each joiner starts to join when the sender's n-th message goes out, so joins land mid-stream.
    const joinAt = new Map<number, ChatUser>();
    for (const n of [1, 25, 26, 90, 150, 198]) joinAt.set(n, await users.add({ ...options, userId: `joiner-${n}` }));
    const joins: Array<Promise<unknown>> = [];
    let sentCount = 0;
    sender.room.on('message', ({ message }) => {
      if (message.sender.claims.userId !== 'sender') return;
      const joiner = joinAt.get(++sentCount);
      if (joiner) joins.push(joiner.room.join());
    });

    const sent: ChatMessage[] = [];
    for (let i = 0; i < TOTAL - 1; i++) sent.push(await sender.room.send(`m${i}`));
    await Promise.all(joins);
    const last = await sender.room.send('last');
    sent.push(last);

    const stored = await listIds(env.clients.cache, CACHE, roomId);
    expect(stored).toEqual(ids(sent));
    expect(ids(sender.room.messages)).toEqual(stored);
    for (const [n, joiner] of joinAt) {
      await receivedId(joiner.events, last.id, `joiner ${n} to receive the last message`);
      const pages = await loadAllOlder(joiner.room);
      expect(ids(joiner.room.messages), `joiner at ${n}`).toEqual(stored);
      expect(joiner.room.hasMoreHistory).toBe(false);
      // History pages and live events never hand out the same message twice.
      expect(duplicates([...pages.flat(), ...joiner.events.messages].map((m) => m.id))).toEqual([]);
      expect(joiner.events.messages.every((m) => m.sender.tokenId === 'sender')).toBe(true);
      expect(joiner.events.errors).toEqual([]);
    }
  });

  it('a joiner whose first history read comes after more than a page was written still ends with exactly the history', async () => {
    const roomId = 'slow-read';
    const options = { cacheName: CACHE, roomId, historyLength: 1000, pageSize: 10 };
    const sender = await users.add({ ...options, userId: 'sender' });
    const joiner = await users.add({ ...options, userId: 'joiner' });
    await sender.room.join();
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 30; i++) sent.push(await sender.room.send(`before ${i}`));
    // The joiner is subscribed, and its history read waits while five pages' worth is sent (a slow network).
    const gate = gatedListFetch(joiner.cacheClient);
    const room = new ChatRoom({ ...options, cacheClient: gate.client, topicClient: joiner.topicClient });
    const events = record(room);
    const joining = room.join();
    await gate.reached;
    for (let i = 0; i < 50; i++) sent.push(await sender.room.send(`during ${i}`));
    gate.open();
    await joining;
    const last = await sender.room.send('last');
    sent.push(last);

    await receivedId(events, last.id);
    await loadAllOlder(room);
    expect(room.messages.map((m) => m.text)).toEqual(sent.map((m) => m.text));
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual(ids(sent));
    expect(duplicates(ids(room.messages))).toEqual([]);
    await room.leave();
  });

  it('pages back while two writers send and the front of the history is trimmed: unique, in order, and it ends', async () => {
    const roomId = 'trimmed';
    const options = { cacheName: CACHE, roomId, historyLength: 30, pageSize: 7 };
    const writers = [await users.add({ ...options, userId: 'w1' }), await users.add({ ...options, userId: 'w2' })];
    const reader = await users.add({ ...options, userId: 'reader' });
    for (const writer of writers) await writer.room.join();

    const sent = new Map<string, ChatMessage[]>(writers.map((w) => [w.userId, []]));
    let stop = false;
    const writing = writers.map(async (writer) => {
      for (let i = 0; !stop; i++) sent.get(writer.userId)!.push(await writer.room.send(`${writer.userId}-${i}`));
    });
    const sentTotal = () => [...sent.values()].reduce((sum, list) => sum + list.length, 0);
    // The list is full and trimming before the reader arrives.
    await waitFor(() => sentTotal() >= 45, 5000, 'the writers to fill the history');

    const joined = [...(await reader.room.join())];
    expect(joined.length).toBe(7);
    const pages: ChatMessage[][] = [];
    for (let hasMore = true; hasMore; ) {
      // A few more messages land (and as many are trimmed from the front) before each page.
      const seen = reader.events.messages.length;
      await waitFor(() => reader.events.messages.length >= seen + 4, 5000, 'more live messages');
      const page = await reader.room.loadOlder();
      pages.push(page.messages);
      hasMore = page.hasMore;
      expect(pages.length).toBeLessThan(20);
    }
    stop = true;
    await Promise.all(writing);
    for (const writer of writers) await receivedId(reader.events, sent.get(writer.userId)!.at(-1)!.id, `the last message of ${writer.userId}`);

    expect(reader.room.hasMoreHistory).toBe(false);
    const view = reader.room.messages;
    expect(duplicates(ids(view))).toEqual([]);
    expect(duplicates([...joined, ...pages.flat(), ...reader.events.messages].map((m) => m.id))).toEqual([]);
    // What the reader holds is everything from its oldest message on, and each writer's messages in the order written.
    for (const writer of writers) {
      const own = ids(view.filter((m) => m.sender.claims.userId === writer.userId));
      const all = ids(sent.get(writer.userId)!);
      expect(own.length).toBeGreaterThan(0);
      expect(own, writer.userId).toEqual(all.slice(all.length - own.length));
    }
    // Paging ended at the front of the history (or past it, once trimmed): the reader holds all it keeps now.
    const stored = await listIds(env.clients.cache, CACHE, roomId);
    expect(stored.length).toBe(30);
    expect(stored.filter((id) => !view.some((m) => m.id === id))).toEqual([]);
    expect(reader.events.errors).toEqual([]);
  });
});
