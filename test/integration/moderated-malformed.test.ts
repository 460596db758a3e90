import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MalformedOutcome } from '../../src/moderator/index.js';
import { ids, listEntries, listIds, receivedId } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { waitFor } from './support/time.js';
import { ModeratedChat, failureOf, newMessageId, outcomesReached, rewritingPublish, statusesOf } from './support/moderated.js';

const CACHE = 'chat';
const bytes = (value: string): number => new TextEncoder().encode(value).length;

/** Inputs of a room from which no message id can be read: nobody can be told, so they are only reported. */
const UNADDRESSED: Array<[string, (roomId: string) => string | Uint8Array, string]> = [
  ['text that is not JSON', () => 'hello, not json', 'it is not JSON'],
  ['bytes that are not UTF-8', () => new Uint8Array([0xff, 0xfe, 0x7b]), 'it is binary; messages are text'],
  ['the bytes of a valid envelope', (roomId) => new TextEncoder().encode(JSON.stringify({ v: 1, room: roomId, id: newMessageId(), text: 'x', ts: Date.now() })), 'it is binary; messages are text'],
  ['a JSON array', () => '[1,2,3]', 'it is not a JSON object'],
  ['JSON null', () => 'null', 'it is not a JSON object'],
  ['an envelope whose id is no ULID', (roomId) => JSON.stringify({ v: 1, room: roomId, id: 'not-an-id', text: 'x', ts: 1 }), 'it has no valid id'],
];

/** What a client of another release (or a broken one) might publish instead of this release's envelope. */
const REWRITES: Array<[string, (raw: string) => string, string]> = [
  ['an envelope of a newer version', (raw) => raw.replace('"v":1', '"v":2'), 'its version is 2, not 1'],
  ['an envelope without text', (raw) => JSON.stringify({ ...JSON.parse(raw), text: undefined }), 'it has no text'],
  ['an envelope whose timestamp is a string', (raw) => JSON.stringify({ ...JSON.parse(raw), ts: 'yesterday' }), 'it has no timestamp'],
  ['an envelope whose metadata is an array', (raw) => JSON.stringify({ ...JSON.parse(raw), meta: [1] }), 'its metadata is not a JSON object'],
  ['an envelope of another room', (raw) => JSON.stringify({ ...JSON.parse(raw), room: 'elsewhere' }), 'it belongs to room "elsewhere"'],
  ['an envelope without a room', (raw) => JSON.stringify({ ...JSON.parse(raw), room: undefined }), 'it names no room'],
  ['an envelope with a __proto__ key', (raw) => raw.replace('{', '{"__proto__":{"admin":true},'), 'it has a key named __proto__'],
  ['an envelope whose metadata holds 1e999', (raw) => raw.replace('"ts":', '"meta":{"n":1e999},"ts":'), 'its metadata holds a number that is not finite'],
];

describe('moderated mode: malformed input', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let chat: ModeratedChat;
  beforeAll(() => {
    chat = new ModeratedChat(env.momento, env.clients.auth);
  });
  afterEach(() => chat.closeAll());

  let rooms = 0;

  /** Two fresh rooms, a moderator of both, a well-behaved member in each, and a watcher in the first. */
  async function twoRooms() {
    const [a, b] = [`mal-${++rooms}`, `mal-${++rooms}`];
    const moderator = await chat.moderator({ cacheName: CACHE, roomIds: [a, b] });
    const [ann, watcher] = await chat.joined({ cacheName: CACHE, roomId: a }, ['ann', 'watcher']);
    const [bob] = await chat.joined({ cacheName: CACHE, roomId: b }, ['bob']);
    return { a, b, moderator, ann: ann!, watcher: watcher!, bob: bob! };
  }

  it('reports an input with no readable id as malformed with its reason, publishes and stores nothing, and goes on', async () => {
    const { a, b, moderator, ann, watcher, bob } = await twoRooms();
    const onRoomTopic = await chat.topicValues(watcher.topicClient, CACHE, a);
    for (const [, value] of UNADDRESSED) expect((await ann.topicClient.publish(CACHE, `${a}-input`, value(a))).type).toBe('Success');
    await outcomesReached([moderator], 'malformed', UNADDRESSED.length);
    expect(moderator.outcomes.map((e) => [e.roomId, e.outcome])).toEqual(
      UNADDRESSED.map(([, , reason]): [string, MalformedOutcome] => [a, { status: 'malformed', reason: `unable to read a message; ${reason}` }]),
    );

    // Later messages, in another room and in the same one, are handled as usual.
    const elsewhere = await bob.room.send('other room');
    const same = await ann.room.send('same room');
    await receivedId(watcher.events, same.id);
    expect(ids(watcher.events.messages)).toEqual([same.id]);
    await waitFor(() => onRoomTopic.length > 0, 5000, 'the raw subscription to see the message');
    expect(onRoomTopic.map((value) => (JSON.parse(value) as { id: string }).id)).toEqual([same.id]);
    expect(await listIds(env.clients.cache, CACHE, a)).toEqual([same.id]);
    expect(await listIds(env.clients.cache, CACHE, b)).toEqual([elsewhere.id]);
    expect([...ann.events.errors, ...watcher.events.errors, ...bob.events.errors]).toEqual([]);
    expect(moderator.errors).toEqual([]);
    expect(moderator.moderator.rooms).toEqual([a, b]);
  });

  it.each(REWRITES)('rejects %s: the sender gets MESSAGE_REJECTED with the reason; others see nothing; the rooms go on', async (_case, rewrite, reason) => {
    const { a, b, moderator, ann, watcher, bob } = await twoRooms();
    const odd = await chat.user({ cacheName: CACHE, roomId: a, userId: 'odd', topicClient: (real) => rewritingPublish(real, rewrite) });
    await odd.room.join();

    const failure = await failureOf(odd.room.send('from another release'));
    expect([failure.code, failure.reason]).toEqual(['MESSAGE_REJECTED', `unable to read a message; ${reason}`]);
    await outcomesReached([moderator], 'malformed', 1);
    const [only] = moderator.outcomes;
    expect(only?.outcome).toEqual({ status: 'malformed', reason: `unable to read a message; ${reason}`, id: expect.stringMatching(/^\w{26}$/) });

    const elsewhere = await bob.room.send('other room');
    const same = await ann.room.send('same room');
    await receivedId(watcher.events, same.id);
    expect(ids(watcher.events.messages)).toEqual([same.id]);
    expect(ids(odd.room.messages)).toEqual([same.id]);
    expect(await listIds(env.clients.cache, CACHE, a)).toEqual([same.id]);
    expect(await listIds(env.clients.cache, CACHE, b)).toEqual([elsewhere.id]);
    expect([...ann.events.errors, ...watcher.events.errors, ...odd.events.errors]).toEqual([]);
    expect(moderator.errors).toEqual([]);
  });

  it('rejects an input too large to be stamped (4096 bytes, as only a raw client can publish) with a reason', async () => {
    const { a, moderator, ann, watcher } = await twoRooms();
    const padded = (raw: string): string => raw.replace('"text":"', `"text":"${'x'.repeat(4096 - bytes(raw))}`);
    const big = await chat.user({ cacheName: CACHE, roomId: a, userId: 'big', topicClient: (real) => rewritingPublish(real, padded) });
    await big.room.join();

    const failure = await failureOf(big.room.send('padded to the limit'));
    expect([failure.code, failure.reason]).toEqual(['MESSAGE_REJECTED', 'the moderated message is too large']);
    await outcomesReached([moderator], 'rejected', 1);
    expect(statusesOf(moderator)).toEqual(['rejected']);
    expect(await listEntries(env.clients.cache, CACHE, a)).toEqual([]);

    const same = await ann.room.send('same room');
    await receivedId(watcher.events, same.id);
    expect(ids(watcher.events.messages)).toEqual([same.id]);
    expect(moderator.errors).toEqual([]);
  });
});
