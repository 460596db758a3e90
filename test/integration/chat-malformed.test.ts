import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom, ENVELOPE_VERSION, createMessageIdGenerator, type ChatError } from '../../src/index.js';
import { useLocalServer } from './support/local-server.js';
import { ChatUsers, gatedListFetch, ids, listEntries, loadAllOlder, receivedId, record } from './support/chat.js';

const CACHE = 'chat';
const NOT_JSON = 'hello, not json';
/** A well-formed envelope of a version this release does not read. */
const FUTURE_VERSION = JSON.stringify({ v: ENVELOPE_VERSION + 1, id: '01JAAAAAAAAAAAAAAAAAAAAAAA', text: 'from the future', ts: 1 });
const noId = (room: string): string => JSON.stringify({ v: ENVELOPE_VERSION, room, text: 'no id', ts: 1 });

const newId = createMessageIdGenerator();
/** A valid envelope of `room`, as another client writes it, with fields replaced or added. */
const envelope = (room: string, fields: Record<string, unknown> = {}): string =>
  JSON.stringify({ v: ENVELOPE_VERSION, room, id: newId(), text: 'written by hand', ts: Date.now(), ...fields });
/** What a hostile or broken writer may put in a room's list or topic, and why a reader refuses each. */
const hostile = (room: string): Array<[string, string]> => [
  [envelope('elsewhere'), 'it belongs to room "elsewhere"'],
  [envelope(room).replace('{', '{"__proto__":{"admin":true},'), 'it has a key named __proto__'],
  [envelope(room, { from: { name: 'Ann', constructor: { prototype: { admin: true } } } }), 'its sender has a key named constructor'],
  [envelope(room, { meta: JSON.parse(`${'{"d":'.repeat(20)}1${'}'.repeat(20)}`) as unknown }), 'its metadata is nested more than 16 deep'],
  [envelope(room, { meta: { n: 0 } }).replace('"n":0', '"n":1e999'), 'its metadata holds a number that is not finite'],
];
/** The code, reason and raw entry of each error. */
const reported = (errors: readonly ChatError[]) => errors.map((e) => [e.code, e.message.replace('unable to read a message; ', ''), e.raw]);

describe('malformed entries and items', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let users: ChatUsers;
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(() => users.closeAll());

  /** Ann and Bob, both joined to the room. */
  async function joinedPair(roomId: string) {
    const ann = await users.add({ cacheName: CACHE, roomId, userId: 'ann' });
    const bob = await users.add({ cacheName: CACHE, roomId, userId: 'bob' });
    await ann.room.join();
    await bob.room.join();
    return { ann, bob };
  }

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
    await pushRaw(roomId, noId(roomId));
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
    const { ann, bob } = await joinedPair(roomId);
    const m1 = await ann.room.send('before');
    await receivedId(bob.events, m1.id);

    for (const value of [NOT_JSON, FUTURE_VERSION, noId(roomId), '[1,2,3]']) {
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
      'unable to read a message; it is binary; messages are text',
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

  it('reports each binary, oversize, other-room or hostile history entry once, with `raw`, in the first page and older ones, and loses nothing', async () => {
    const roomId = 'bad-entries';
    const options = { cacheName: CACHE, roomId, pageSize: 3 };
    const ann = await users.add({ ...options, userId: 'ann' });
    const bob = await users.add({ ...options, userId: 'bob' });
    await ann.room.join();
    const m1 = await ann.room.send('one');
    // Momento lists hold bytes: these are not UTF-8, and the SDK reads them as text with replacement characters.
    const binary = new Uint8Array([0xff, 0xfe, 0x00, 0x7b]);
    expect((await env.clients.cache.listPushBack(CACHE, roomId, binary)).type).toBe('Success');
    // Over Momento's 4 KB topic limit, so no client sent it; a list element may hold 128 KB.
    const oversize = envelope(roomId, { text: 'x'.repeat(5000) });
    await pushRaw(roomId, oversize);
    const m2 = await ann.room.send('two');
    const bad = hostile(roomId);
    for (const [value] of bad) await pushRaw(roomId, value);
    const m3 = await ann.room.send('three');
    const stored = await listEntries(env.clients.cache, CACHE, roomId);
    expect(stored).toHaveLength(10);

    const joined = await bob.room.join();
    expect(ids(joined)).toEqual([m3.id]);
    await loadAllOlder(bob.room);
    expect(ids(bob.room.messages)).toEqual([m1.id, m2.id, m3.id]);
    expect(bob.room.status).toBe('joined');
    // Each once, read from the newest page back; the binary entry as the text the SDK made of it.
    const expected = [
      ['it is not JSON', stored[1]],
      [`it is larger than Momento's 4096-byte topic limit, which every message fits`, oversize],
      ...bad.map(([raw, reason], i) => (expect(stored[4 + i]).toBe(raw), [reason, raw])),
    ].map(([reason, raw]) => ['MALFORMED_MESSAGE', reason, raw]);
    expect(new Set(reported(bob.events.errors).map((e) => JSON.stringify(e)))).toEqual(new Set(expected.map((e) => JSON.stringify(e))));
    expect(bob.events.errors).toHaveLength(expected.length);
    expect(stored[1]).toBe(new TextDecoder().decode(binary));

    const m4 = await ann.room.send('four');
    await receivedId(bob.events, m4.id);
    expect(ids(bob.room.messages)).toEqual([m1.id, m2.id, m3.id, m4.id]);
    expect(bob.events.errors).toHaveLength(expected.length);
  });

  it('reports each binary, other-room or hostile item on the topic once, with `raw`, stays joined and keeps delivering', async () => {
    const roomId = 'bad-items';
    const { ann, bob } = await joinedPair(roomId);
    const m1 = await ann.room.send('before');
    await receivedId(bob.events, m1.id);

    // The bytes of a valid envelope: still not a message, since messages are published as text.
    const binary = new TextEncoder().encode(envelope(roomId));
    expect((await env.clients.topics.publish(CACHE, roomId, binary)).type).toBe('Success');
    const bad = hostile(roomId);
    for (const [value] of bad) expect((await env.clients.topics.publish(CACHE, roomId, value)).type).toBe('Success');
    // Nothing over 4 KB can be published, which is why a reader refuses anything longer.
    expect((await env.clients.topics.publish(CACHE, roomId, envelope(roomId, { text: 'x'.repeat(5000) }))).type).toBe('Error');
    const m2 = await ann.room.send('after');
    await receivedId(bob.events, m2.id);

    // Each reported once, in the order published; the bytes compared as bytes (the SDK may hand a Buffer).
    const asBytes = (rows: unknown[][]) => rows.map(([code, reason, raw]) => [code, reason, raw instanceof Uint8Array ? [...raw] : raw]);
    const expected = [['MALFORMED_MESSAGE', 'it is binary; messages are text', [...binary]], ...bad.map(([raw, reason]) => ['MALFORMED_MESSAGE', reason, raw])];
    expect(bob.events.errors[0]!.raw).toBeInstanceOf(Uint8Array);
    expect(asBytes(reported(bob.events.errors))).toEqual(expected);
    expect(asBytes(reported(ann.events.errors))).toEqual(expected);
    expect(ids(bob.events.messages)).toEqual([m1.id, m2.id]);
    expect(ids(bob.room.messages)).toEqual([m1.id, m2.id]);
    expect(bob.room.status).toBe('joined');
  });
});
