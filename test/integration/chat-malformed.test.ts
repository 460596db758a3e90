import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom, ENVELOPE_VERSION } from '../../src/index.js';
import { useLocalServer } from './support/local-server.js';
import { ChatUsers, gatedListFetch, ids, listEntries, loadAllOlder, receivedId, record } from './support/chat.js';

const CACHE = 'chat';
const NOT_JSON = 'hello, not json';
/** A well-formed envelope of a version this release does not read. */
const FUTURE_VERSION = JSON.stringify({ v: ENVELOPE_VERSION + 1, id: '01JAAAAAAAAAAAAAAAAAAAAAAA', text: 'from the future', ts: 1 });
const NO_ID = JSON.stringify({ v: ENVELOPE_VERSION, text: 'no id', ts: 1 });

describe('malformed entries and items', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => users.closeAll());

  async function pushRaw(roomId: string, value: string): Promise<void> {
    const pushed = await env.clients.cache.listPushBack(CACHE, roomId, value);
    expect(pushed.type).toBe('Success');
  }

  it('skips malformed history entries, in the first page and older ones, with a MALFORMED_MESSAGE error each', async () => {
    const roomId = 'bad-history';
    const options = { cacheName: CACHE, roomId, pageSize: 3 };
    const ann = await users.add({ ...options, userId: 'ann' });
    const bob = await users.add({ ...options, userId: 'bob' });
    await ann.room.join();
    const m1 = await ann.room.send('one');
    await pushRaw(roomId, NOT_JSON);
    await pushRaw(roomId, NO_ID);
    const m2 = await ann.room.send('two');
    await pushRaw(roomId, FUTURE_VERSION);
    const m3 = await ann.room.send('three');
    expect((await listEntries(env.clients.cache, CACHE, roomId)).length).toBe(6);

    // The newest page is [two, future version, three].
    expect(ids(await bob.room.join())).toEqual([m2.id, m3.id]);
    expect(bob.room.status).toBe('joined');
    expect(bob.events.errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE']);
    expect(bob.events.errors[0]!.message).toMatch(/^unable to read a message; its version is 2, not 1/);

    await loadAllOlder(bob.room);
    expect(ids(bob.room.messages)).toEqual([m1.id, m2.id, m3.id]);
    expect(bob.events.errors.map((e) => e.code)).toEqual(['MALFORMED_MESSAGE', 'MALFORMED_MESSAGE', 'MALFORMED_MESSAGE']);
    expect(bob.events.errors.map((e) => e.message).slice(1).sort()).toEqual([
      'unable to read a message; it has no valid id',
      'unable to read a message; it is not JSON',
    ]);

    const m4 = await ann.room.send('four');
    await receivedId(bob.events, m4.id);
    expect(ids(bob.room.messages)).toEqual([m1.id, m2.id, m3.id, m4.id]);
    expect(bob.events.errors.length).toBe(3);
  });

  it('skips malformed items on the topic with a MALFORMED_MESSAGE error each, and keeps delivering', async () => {
    const roomId = 'bad-topic';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    await ann.room.join();
    await bob.room.join();
    const m1 = await ann.room.send('before');
    await receivedId(bob.events, m1.id);

    for (const value of [NOT_JSON, FUTURE_VERSION, NO_ID, '[1,2,3]']) {
      const published = await env.clients.topics.publish(CACHE, roomId, value);
      expect(published.type).toBe('Success');
    }
    const published = await env.clients.topics.publish(CACHE, roomId, new Uint8Array([0xff, 0xfe, 0x00]));
    expect(published.type).toBe('Success');
    const m2 = await ann.room.send('after');
    await receivedId(bob.events, m2.id);

    expect(bob.events.errors.map((e) => e.code)).toEqual(Array(5).fill('MALFORMED_MESSAGE'));
    expect(bob.events.errors.map((e) => e.message)).toEqual([
      'unable to read a message; it is not JSON',
      'unable to read a message; its version is 2, not 1',
      'unable to read a message; it has no valid id',
      'unable to read a message; it is not a JSON object',
      'unable to read a message; it is not JSON',
    ]);
    expect(ids(bob.events.messages)).toEqual([m1.id, m2.id]);
    expect(ids(bob.room.messages)).toEqual([m1.id, m2.id]);
    expect(bob.room.status).toBe('joined');
    // The sender's own subscription skipped them too.
    expect(ann.events.errors.length).toBe(5);
  });

  it('a malformed item that arrives while joining is reported once and does not stop the join', async () => {
    const roomId = 'bad-while-joining';
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    await ann.room.join();
    const m1 = await ann.room.send('before');
    // Bob is subscribed and his history read waits while a bad item and a message go out.
    const gate = gatedListFetch(bob.cacheClient);
    const room = new ChatRoom({ cacheName: CACHE, roomId, cacheClient: gate.client, topicClient: bob.topicClient });
    const events = record(room);
    const joining = room.join();
    await gate.reached;
    expect((await env.clients.topics.publish(CACHE, roomId, NOT_JSON)).type).toBe('Success');
    const m2 = await ann.room.send('while joining');
    gate.open();
    await joining;
    const m3 = await ann.room.send('after');
    await receivedId(events, m3.id);

    expect(ids(room.messages)).toEqual([m1.id, m2.id, m3.id]);
    expect(events.errors.map((e) => e.message)).toEqual(['unable to read a message; it is not JSON']);
    expect(room.status).toBe('joined');
    await room.leave();
  });
});
