import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isChatError } from '../../src/index.js';
import { ids, listIds, receivedId } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { ModeratedChat, failureOf } from './support/moderated.js';

const CACHE = 'chat';
const TIMEOUT_MS = 400;

describe('moderated mode: rooms watched and unwatched at run time', () => {
  const env = useLocalServer({ caches: [CACHE] });
  let chat: ModeratedChat;
  beforeAll(() => {
    chat = new ModeratedChat(env.momento, env.clients.auth);
  });
  afterEach(() => chat.closeAll());

  it('a room is moderated from watch() to unwatch(): sends time out outside, and work again once watched again', async () => {
    const running = await chat.moderator({ cacheName: CACHE, roomIds: ['north', 'south'], watch: false });
    const { moderator } = running;
    const [ann] = await chat.joined({ cacheName: CACHE, roomId: 'north', moderationTimeoutMs: TIMEOUT_MS }, ['ann']);
    const [bob] = await chat.joined({ cacheName: CACHE, roomId: 'south', moderationTimeoutMs: TIMEOUT_MS }, ['bob']);
    expect(moderator.rooms).toEqual([]);
    expect((await failureOf(ann!.room.send('before any watch'))).code).toBe('MODERATION_TIMEOUT');

    await moderator.watch('north');
    expect(moderator.rooms).toEqual(['north']);
    const first = await ann!.room.send('north, watched');
    expect((await failureOf(bob!.room.send('south, not yet'))).code).toBe('MODERATION_TIMEOUT');

    await moderator.watch('south');
    // Watching a watched room changes nothing.
    await moderator.watch('north');
    expect(moderator.rooms).toEqual(['north', 'south']);
    const south = await bob!.room.send('south, watched');

    moderator.unwatch('north');
    moderator.unwatch('north');
    expect(moderator.rooms).toEqual(['south']);
    expect((await failureOf(ann!.room.send('north, unwatched'))).code).toBe('MODERATION_TIMEOUT');
    const stillSouth = await bob!.room.send('south, still watched');

    await moderator.watch('north');
    expect(moderator.rooms).toEqual(['south', 'north']);
    const again = await ann!.room.send('north, watched again');

    // What was sent while a room was not watched was never handled, and never shows up later.
    const fence = await ann!.room.send('fence');
    expect(ids(ann!.room.messages)).toEqual([first.id, again.id, fence.id]);
    expect(await listIds(env.clients.cache, CACHE, 'north')).toEqual([first.id, again.id, fence.id]);
    expect(await listIds(env.clients.cache, CACHE, 'south')).toEqual([south.id, stillSouth.id]);
    expect([first, again, fence].map((m) => m.sequence)).toEqual([1, 2, 3]);
    expect(running.errors).toEqual([]);
  });

  it('stop() unwatches every room; a new watch() starts again', async () => {
    const running = await chat.moderator({ cacheName: CACHE, roomIds: ['east', 'west'] });
    const [ann, carl] = await chat.joined({ cacheName: CACHE, roomId: 'east', moderationTimeoutMs: TIMEOUT_MS }, ['ann', 'carl']);
    const before = await ann!.room.send('before stop');

    await running.moderator.stop();
    expect(running.moderator.rooms).toEqual([]);
    expect((await failureOf(ann!.room.send('while stopped'))).code).toBe('MODERATION_TIMEOUT');

    await running.moderator.watch('east');
    const after = await ann!.room.send('after restart');
    await receivedId(carl!.events, after.id);
    expect(ids(carl!.events.messages)).toEqual([before.id, after.id]);
  });

  it('refuses to watch a room id that is not allowed, before any call', async () => {
    const running = await chat.moderator({ cacheName: CACHE, roomIds: ['east'], watch: false });
    for (const roomId of ['east-input', 'a#b', '']) {
      const failure = await running.moderator.watch(roomId).catch((error: unknown) => error);
      expect(isChatError(failure) && failure.code).toBe('INVALID_ARGUMENT');
    }
    expect(running.moderator.rooms).toEqual([]);
  });
});
