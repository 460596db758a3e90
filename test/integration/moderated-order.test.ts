import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/index.js';
import { duplicates, ids, listIds, loadAllOlder } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { ModeratedChat, strictlyIncreasing, type RunningModerator } from './support/moderated.js';
import { waitFor } from './support/time.js';

const CACHE = 'chat';
const SENDERS = ['s1', 's2', 's3', 's4', 's5'];
const PER_SENDER = 20;
const TOTAL = SENDERS.length * PER_SENDER;

describe('moderated mode: one order for every member', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let chat: ModeratedChat;
  beforeAll(() => {
    chat = new ModeratedChat(env.momento, env.clients.auth);
  });
  afterEach(() => chat.closeAll());

  it.each([1, 2])(
    'a burst of 5 senders × 20 messages with %i moderator(s): every member’s live timeline is the history a late joiner loads, by sequence',
    async (moderatorCount) => {
      const roomId = `burst-${moderatorCount}`;
      const moderators: RunningModerator[] = [];
      for (let i = 0; i < moderatorCount; i++) moderators.push(await chat.moderator({ cacheName: CACHE, roomIds: [roomId] }));
      const senders = await chat.joined({ cacheName: CACHE, roomId }, SENDERS);
      const [watcher] = await chat.joined({ cacheName: CACHE, roomId }, ['watcher']);
      const members = [...senders, watcher!];

      const sent: ChatMessage[] = (
        await Promise.all(senders.map((sender) => Promise.all(Array.from({ length: PER_SENDER }, (_, i) => sender.room.send(`${sender.userId} #${i}`)))))
      ).flat();
      expect(sent.length).toBe(TOTAL);
      await waitFor(() => members.every((m) => m.room.messages.length === TOTAL), 8000, `every member to hold ${TOTAL} messages`);

      const late = await chat.user({ cacheName: CACHE, roomId, userId: 'late' });
      await late.room.join();
      await loadAllOlder(late.room);
      const history = late.room.messages;
      expect(history.length).toBe(TOTAL);
      expect(duplicates(ids(history))).toEqual([]);
      expect(new Set(ids(history))).toEqual(new Set(ids(sent)));
      // Numbered once each, with no gap, whichever moderator took the message.
      expect(history.map((m) => m.sequence)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));

      for (const member of members) {
        expect(strictlyIncreasing(member.room.messages.map((m) => m.sequence))).toBe(true);
        expect(ids(member.room.messages)).toEqual(ids(history));
        expect(member.events.errors).toEqual([]);
      }
      // Each member got every message live, once.
      expect(watcher!.events.messages.length).toBe(TOTAL);
      expect(duplicates(ids(watcher!.events.messages))).toEqual([]);
      if (moderatorCount === 1) {
        // One moderator handles a room's inputs one at a time: list order, publish order and sequence agree.
        expect(await listIds(env.clients.cache, CACHE, roomId)).toEqual(ids(history));
        expect(ids(watcher!.events.messages)).toEqual(ids(history));
      }
      for (const { errors } of moderators) expect(errors).toEqual([]);
    },
  );
});
