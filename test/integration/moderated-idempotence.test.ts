import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/index.js';
import { duplicates, ids, listIds, receivedId } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { ModeratedChat, outcomeId, outcomesReached, rawInput, statusesOf, storedEnvelopes, type RunningModerator } from './support/moderated.js';
import { waitFor } from './support/time.js';

const CACHE = 'chat';

describe('moderated mode: each input becomes at most one message', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let chat: ModeratedChat;
  beforeAll(() => {
    chat = new ModeratedChat(env.momento, env.clients.auth);
  });
  afterEach(() => chat.closeAll());

  it('the same input published twice to the input topic, or replayed by another member, yields one list entry and one live message', async () => {
    const roomId = 'twice';
    const moderator = await chat.moderator({ cacheName: CACHE, roomIds: [roomId] });
    const [ann, bob] = await chat.joined({ cacheName: CACHE, roomId }, ['ann', 'bob']);
    const input = rawInput(roomId, { text: 'once only', from: { name: 'ann' } });
    const { id } = JSON.parse(input) as { id: string };
    for (const publisher of [ann!, ann!, bob!]) expect((await publisher.topicClient.publish(CACHE, `${roomId}-input`, input)).type).toBe('Success');
    await outcomesReached([moderator], 'duplicate', 2);
    expect(moderator.outcomes.map((e) => [e.outcome.status, outcomeId(e.outcome)])).toEqual([
      ['accepted', id],
      ['duplicate', id],
      ['duplicate', id],
    ]);

    // A message sent after both: once it is live, anything the duplicate published would be too.
    const fence = await ann!.room.send('fence');
    await receivedId(bob!.events, fence.id);
    for (const member of [ann!, bob!]) expect(ids(member.events.messages)).toEqual([id, fence.id]);
    expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual([id, fence.id]);
    expect(bob!.events.messages[0]).toMatchObject({ id, text: 'once only', sender: { tokenId: 'ann' }, sequence: 1 });
  });

  it('process() called twice with the same input: the second is a duplicate, in turn or at once, by one moderator or two', async () => {
    const roomId = 'process';
    const one = await chat.moderator({ cacheName: CACHE, roomIds: [roomId], watch: false });
    const two = await chat.moderator({ cacheName: CACHE, roomIds: [roomId], watch: false });

    const first = rawInput(roomId, { text: 'in turn' });
    const inTurn = [await one.moderator.process(roomId, first, 'ann'), await one.moderator.process(roomId, first, 'ann')];
    expect(inTurn.map((o) => o?.status)).toEqual(['accepted', 'duplicate']);

    const second = rawInput(roomId, { text: 'at once' });
    const atOnce = await Promise.all([one.moderator.process(roomId, second, 'ann'), one.moderator.process(roomId, second, 'ann')]);
    expect(atOnce.map((o) => o?.status)).toEqual(['accepted', 'duplicate']);

    const third = rawInput(roomId, { text: 'two moderators' });
    const byTwo = await Promise.all([one.moderator.process(roomId, third, 'ann'), two.moderator.process(roomId, third, 'ann')]);
    expect(byTwo.map((o) => o?.status).sort()).toEqual(['accepted', 'duplicate']);

    expect((await storedEnvelopes(env.clients.cache, CACHE, roomId)).map((e) => [e.text, e.n])).toEqual([
      ['in turn', 1],
      ['at once', 2],
      ['two moderators', 3],
    ]);
    expect([...one.errors, ...two.errors]).toEqual([]);
  });

  it('a failed write releases the id, so the input handled again is stored once; a failed publish keeps it, so it is not stored twice', async () => {
    const roomId = 'failures';
    const running = await chat.moderator({ cacheName: CACHE, roomIds: [roomId], watch: false });
    const { moderator } = running;
    try {
      const unwritten = rawInput(roomId, { text: 'write failed' });
      env.momento.faults.failNext('list-push-back', { status: 'unavailable' });
      expect(await moderator.process(roomId, unwritten, 'ann')).toBeUndefined();
      expect((await moderator.process(roomId, unwritten, 'ann'))?.status).toBe('accepted');

      const unpublished = rawInput(roomId, { text: 'publish failed' });
      env.momento.faults.failNext('topic-publish', { status: 'unavailable', count: 10 });
      expect(await moderator.process(roomId, unpublished, 'ann')).toBeUndefined();
      env.momento.faults.clear();
      expect((await moderator.process(roomId, unpublished, 'ann'))?.status).toBe('duplicate');
    } finally {
      env.momento.faults.clear();
    }
    expect(running.errors.map((e) => e.error.code)).toEqual(['MOMENTO_ERROR', 'DELIVERY_FAILED']);
    expect((await storedEnvelopes(env.clients.cache, CACHE, roomId)).map((e) => e.text)).toEqual(['write failed', 'publish failed']);
  });

  it('two moderators watching the same rooms store a burst of 30 messages from 3 senders once each', async () => {
    const rooms = ['burst-a', 'burst-b'];
    const moderators: RunningModerator[] = [
      await chat.moderator({ cacheName: CACHE, roomIds: rooms }),
      await chat.moderator({ cacheName: CACHE, roomIds: rooms }),
    ];
    const senders = await chat.joined({ cacheName: CACHE, roomId: 'burst-a' }, ['ann', 'bob', 'cat']);
    const [listener] = await chat.joined({ cacheName: CACHE, roomId: 'burst-a' }, ['dan']);

    const sent: ChatMessage[] = (
      await Promise.all(senders.map((sender) => Promise.all(Array.from({ length: 10 }, (_, i) => sender.room.send(`${sender.userId} #${i}`)))))
    ).flat();
    // Every input reached both moderators: one accepted it, the other found it taken.
    await outcomesReached(moderators, 'duplicate', 30);
    expect(statusesOf(...moderators).sort()).toEqual([...Array<string>(30).fill('accepted'), ...Array<string>(30).fill('duplicate')]);
    expect(moderators.every((m) => m.outcomes.length === 30)).toBe(true);

    const stored = await listIds(env.clients.cache, CACHE, 'burst-a');
    expect(stored.length).toBe(30);
    expect(duplicates(stored)).toEqual([]);
    expect(new Set(stored)).toEqual(new Set(ids(sent)));
    expect(sent.map((m) => m.sequence).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(await storedEnvelopes(env.clients.cache, CACHE, 'burst-b')).toEqual([]);

    await waitFor(() => listener!.events.messages.length >= 30, 5000, 'the listener to get the burst');
    const fence = await senders[0]!.room.send('fence');
    await receivedId(listener!.events, fence.id);
    expect(listener!.events.messages.length).toBe(31);
    expect(duplicates(ids(listener!.events.messages))).toEqual([]);
    expect([...moderators[0]!.errors, ...moderators[1]!.errors]).toEqual([]);
  });
});
