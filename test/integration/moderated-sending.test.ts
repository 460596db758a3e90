import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModerateFn } from '../../src/moderator/index.js';
import { ChatUsers, ids, listEntries, receivedId } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { ModeratedChat, failureOf, newMessageId, outcomesReached, rawInput, statusesOf, storedEnvelopes } from './support/moderated.js';

const CACHE = 'chat';
// A fixed moderator clock, near the senders' clocks: a moderator refuses ids made far from its own time.
const ACCEPTED_AT = Date.now();

/** Rejects `spam…`, throws on `crash`, masks `darn`, translates with metadata, grows `grow` past 4 KB. */
const moderate: ModerateFn = (input) => {
  if (input.text.startsWith('spam')) return { action: 'reject', reason: 'no spam here' };
  if (input.text === 'crash') throw new Error('the hook failed');
  if (input.text === 'grow') return { action: 'accept', text: 'x'.repeat(4096) };
  if (input.text === 'bonjour') return { action: 'accept', text: 'hello', metadata: { ...input.metadata, translatedFrom: 'fr' } };
  return { action: 'accept', text: input.text.replaceAll('darn', '****') };
};

describe('moderated mode: sending', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let chat: ModeratedChat;
  let plain: ChatUsers;
  beforeAll(() => {
    chat = new ModeratedChat(env.momento, env.clients.auth);
    plain = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(async () => {
    await chat.closeAll();
    await plain.closeAll();
  });

  /** A moderator with a fixed clock, and joined members of a fresh room. */
  async function room(roomId: string, userIds = ['ann', 'bob']) {
    const moderator = await chat.moderator({ cacheName: CACHE, roomIds: [roomId], moderate, now: () => ACCEPTED_AT });
    const users = await chat.joined({ cacheName: CACHE, roomId }, userIds);
    return { moderator, users };
  }

  it('accepts a message: the sender gets the stored copy, stamped; members get it live; a joiner reads it', async () => {
    const { users } = await room('accept');
    const [ann, bob] = users as [(typeof users)[0], (typeof users)[0]];
    const sent = await ann.room.send('hello', { metadata: { mood: 'fine' } });
    expect(sent).toMatchObject({ text: 'hello', metadata: { mood: 'fine' }, sender: { tokenId: 'ann', claims: { displayName: 'ann', userId: 'ann' } } });
    expect([sent.serverTimestamp, sent.sequence]).toEqual([ACCEPTED_AT, 1]);
    await receivedId(bob.events, sent.id);
    expect(bob.events.messages).toEqual([sent]);
    expect(ann.room.messages).toEqual([sent]);

    const carl = await chat.user({ cacheName: CACHE, roomId: 'accept', userId: 'carl' });
    expect(await carl.room.join()).toEqual([sent]);
  });

  it('stamps the real tokenId over a spoofed sender, in history and live, and ignores stamps a sender forges', async () => {
    const roomId = 'spoof';
    await chat.moderator({ cacheName: CACHE, roomIds: [roomId], moderate, now: () => ACCEPTED_AT });
    const mallory = await chat.user({ cacheName: CACHE, roomId, userId: 'mallory', sender: { displayName: 'Alice', userId: 'alice' } });
    const bob = (await chat.joined({ cacheName: CACHE, roomId }, ['bob']))[0]!;
    await mallory.room.join();

    const claimed = await mallory.room.send('I am Alice');
    expect(claimed.sender).toEqual({ claims: { displayName: 'Alice', userId: 'alice' }, tokenId: 'mallory' });
    // The same, published raw with the moderator's stamps written in by the sender.
    const forgedId = newMessageId();
    const forged = rawInput(roomId, { id: forgedId, text: 'stamped by me', from: { name: 'Alice', uid: 'alice' }, by: 'alice', sts: 1, n: 999 });
    expect((await mallory.topicClient.publish(CACHE, `${roomId}-input`, forged)).type).toBe('Success');
    await receivedId(bob.events, forgedId);

    for (const message of bob.events.messages) {
      expect(message.sender).toEqual({ claims: { displayName: 'Alice', userId: 'alice' }, tokenId: 'mallory' });
      expect(message.serverTimestamp).toBe(ACCEPTED_AT);
    }
    expect(bob.events.messages.map((m) => m.sequence)).toEqual([1, 2]);
    expect((await storedEnvelopes(env.clients.cache, CACHE, roomId)).map(({ by, sts, n }) => ({ by, sts, n }))).toEqual([
      { by: 'mallory', sts: ACCEPTED_AT, n: 1 },
      { by: 'mallory', sts: ACCEPTED_AT, n: 2 },
    ]);
    const carl = await chat.user({ cacheName: CACHE, roomId, userId: 'carl' });
    expect(await carl.room.join()).toEqual(bob.events.messages);
  });

  it('a client-only reader of a moderated room trusts no stamp from the history', async () => {
    const roomId = 'untrusted';
    const { users } = await room(roomId, ['ann']);
    const sent = await users[0]!.room.send('hello');
    const reader = await plain.add({ cacheName: CACHE, roomId, userId: 'reader' });
    const [read] = await reader.room.join();
    expect(read).toEqual({ id: sent.id, text: 'hello', timestamp: sent.timestamp, sender: { claims: { displayName: 'ann', userId: 'ann' } } });
  });

  it('transforms text and metadata: everyone sees only the moderated version', async () => {
    const { users } = await room('transform');
    const [ann, bob] = users as [(typeof users)[0], (typeof users)[0]];
    const masked = await ann.room.send('well darn it');
    const translated = await ann.room.send('bonjour', { metadata: { lang: 'fr' } });
    expect([masked.text, masked.metadata]).toEqual(['well **** it', undefined]);
    expect([translated.text, translated.metadata]).toEqual(['hello', { lang: 'fr', translatedFrom: 'fr' }]);
    await receivedId(bob.events, translated.id);
    expect(bob.events.messages).toEqual([masked, translated]);
    expect((await storedEnvelopes(env.clients.cache, CACHE, 'transform')).map((e) => [e.text, e.meta])).toEqual([
      ['well **** it', undefined],
      ['hello', { lang: 'fr', translatedFrom: 'fr' }],
    ]);
  });

  it.each([
    ['the hook rejects it', 'spam spam', 'no spam here'],
    ['the hook throws', 'crash', 'the message could not be moderated'],
    ['the transform exceeds 4 KB', 'grow', 'the moderated message is too large'],
  ])('rejects a message when %s: MESSAGE_REJECTED with the reason, nothing stored, nothing shown', async (_case, text, reason) => {
    const roomId = `reject-${text.replace(/\W/g, '')}`;
    const { moderator, users } = await room(roomId);
    const [ann, bob] = users as [(typeof users)[0], (typeof users)[0]];
    const failure = await failureOf(ann.room.send(text));
    expect([failure.code, failure.reason]).toEqual(['MESSAGE_REJECTED', reason]);
    expect(failure.message).toMatch(new RegExp(`^unable to send message \\w{26}; the moderator rejected it: ${reason}$`));
    // The outcome event follows the answer to the sender.
    await outcomesReached([moderator], 'rejected', 1);
    expect(statusesOf(moderator)).toEqual(['rejected']);
    expect(await listEntries(env.clients.cache, CACHE, roomId)).toEqual([]);

    // The rejection went out on the room topic before this message: members saw it, and ignored it.
    const after = await ann.room.send('fine');
    await receivedId(bob.events, after.id);
    expect(ids(bob.events.messages)).toEqual([after.id]);
    expect(ids(ann.room.messages)).toEqual([after.id]);
    expect([...ann.events.errors, ...bob.events.errors]).toEqual([]);
  });

  it('refuses, before sending, a message too large to be stamped; the largest it lets out is stored, even for a 64-character tokenId', async () => {
    const roomId = 'largest';
    const moderator = await chat.moderator({ cacheName: CACHE, roomIds: [roomId], moderate: (input) => ({ action: 'accept', text: input.text }) });
    const [ann] = await chat.joined({ cacheName: CACHE, roomId }, ['u'.repeat(64)]);
    let length = 4096;
    let failure = await failureOf(ann!.room.send('x'.repeat(length)));
    while (failure.code === 'MESSAGE_TOO_LARGE') failure = await failureOf(ann!.room.send('x'.repeat(--length)));
    expect(failure.code).toBe('resolved');
    expect(length).toBeGreaterThan(3700);
    await outcomesReached([moderator], 'accepted', 1);
    expect(statusesOf(moderator)).toEqual(['accepted']);
    const [stored] = await listEntries(env.clients.cache, CACHE, roomId);
    expect(new TextEncoder().encode(stored).length).toBeLessThanOrEqual(4096);
  });

  it('times out when no moderator answers: MODERATION_TIMEOUT, and nothing is stored', async () => {
    const roomId = 'unmoderated';
    const [ann] = await chat.joined({ cacheName: CACHE, roomId, moderationTimeoutMs: 300 }, ['ann']);
    const failure = await failureOf(ann!.room.send('anyone?'));
    expect(failure.code).toBe('MODERATION_TIMEOUT');
    expect(failure.message).toMatch(/^unable to send message \w{26}; the moderator did not answer within 300 ms$/);
    expect(ann!.room.messages).toEqual([]);
    expect(await listEntries(env.clients.cache, CACHE, roomId)).toEqual([]);
  });
});
