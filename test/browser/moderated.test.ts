import type { ModerateFn } from 'momento-chat/moderator';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBrowserRooms } from './support/browser-rooms.js';
import { errorOf, valueOf } from './support/harness-server.js';
import { messageEvent, texts } from './support/momento.js';

// Moderated rooms in Chromium: the built package over the real @gomomento/sdk-web, with members' tokens from
// vendModeratedClientTokens, and a Node Moderator on the tokens of vendModeratorTokens watching the rooms.

const MAX_LENGTH = 40;

/** Masks "darn", rejects what is longer than MAX_LENGTH characters. */
const moderate: ModerateFn = (input) => {
  if (input.text.length > MAX_LENGTH) return { action: 'reject', reason: `too long: the limit is ${MAX_LENGTH} characters` };
  const masked = input.text.replace(/\bdarn\b/gi, '****');
  return masked === input.text ? { action: 'accept' } : { action: 'accept', text: masked };
};

describe('moderated rooms in Chromium, with a Node moderator', () => {
  const { side, browser, browserUser } = useBrowserRooms('moderated');
  beforeAll(async () => {
    await side.moderator(['m-mixed', 'm-pages', 'm-paging', 'm-rejoin'], moderate);
  });

  it('joins with the stamped history and talks both ways with a Node member through the moderator', async () => {
    const nora = await side.nodeUser({ mode: 'moderated', roomId: 'm-mixed', userId: 'nora' });
    await nora.join();
    await nora.send('first');
    await nora.send('second');

    const wes = await browserUser('m-mixed', 'wes');
    const history = valueOf(await wes.join());
    // In moderated mode the history carries the verified sender and the moderator's order.
    expect(history.map((m) => [m.text, m.sequence, m.sender.tokenId])).toEqual([
      ['first', 1, 'nora'],
      ['second', 2, 'nora'],
    ]);

    const heardByNora = messageEvent(nora, 'hello from Chromium');
    const stored = valueOf(await wes.send('hello from Chromium'));
    expect(stored).toMatchObject({ text: 'hello from Chromium', sequence: 3, sender: { tokenId: 'wes' } });
    expect(stored.serverTimestamp).toEqual(expect.any(Number));
    expect(await heardByNora).toMatchObject({ id: stored.id, sequence: 3, sender: { tokenId: 'wes', claims: { displayName: 'wes' } } });

    await nora.send('hello from Node');
    expect(await wes.messageEvent('hello from Node')).toMatchObject({ sequence: 4, sender: { tokenId: 'nora' } });
    expect(texts(await wes.messages())).toEqual(['first', 'second', 'hello from Chromium', 'hello from Node']);
    expect(await wes.errors()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });

  it("two pages chat: the moderator's change reaches both, and a rejection only fails the sender's send", async () => {
    const ann = await browserUser('m-pages', 'ann');
    const bob = await browserUser('m-pages', 'bob');
    valueOf(await ann.join());
    valueOf(await bob.join());

    const masked = valueOf(await ann.send('this darn printer'));
    expect(masked.text).toBe('this **** printer');
    expect(await bob.messageEvent('this **** printer')).toMatchObject({ id: masked.id, sender: { tokenId: 'ann' } });

    const rejected = errorOf(await ann.send('a story far too long for this room, from the start'));
    expect(rejected).toMatchObject({ isChatError: true, code: 'MESSAGE_REJECTED', reason: `too long: the limit is ${MAX_LENGTH} characters` });

    // The moderator handles a room's inputs in order: once Bob has the next message, the rejected one is long decided.
    valueOf(await bob.send('short and sweet'));
    await ann.messageEvent('short and sweet');
    expect(texts(await bob.messages())).toEqual(['this **** printer', 'short and sweet']);
    expect(texts(await ann.messages())).toEqual(['this **** printer', 'short and sweet']);
    expect(await bob.errors()).toEqual([]);
  });

  it('pages back with loadOlder to the first message, in the moderator’s order', async () => {
    const nora = await side.nodeUser({ mode: 'moderated', roomId: 'm-paging', userId: 'nora' });
    await nora.join();
    const written = Array.from({ length: 7 }, (_, i) => `message ${i + 1}`);
    for (const text of written) await nora.send(text);

    const wes = await browserUser('m-paging', 'wes', { pageSize: 3 });
    expect(texts(valueOf(await wes.join()))).toEqual(written.slice(4));
    const pages = [valueOf(await wes.loadOlder()), valueOf(await wes.loadOlder())];
    expect(pages.map((page) => [texts(page.messages), page.hasMore])).toEqual([
      [written.slice(1, 4), true],
      [written.slice(0, 1), false],
    ]);
    expect((await wes.messages()).map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("a member's tokens allow reading and submitting only: raw writes get PERMISSION_ERROR, another room PERMISSION_DENIED", async () => {
    const mallory = await browserUser('m-locked', 'mallory');
    // Straight through the page's own sdk-web clients, around the ChatRoom, as a hostile member would.
    expect(await mallory.rawListPushBack('{"v":1,"text":"forged history"}')).toEqual({ type: 'Error', errorCode: 'PERMISSION_ERROR' });
    expect(await mallory.rawPublish('m-locked', '{"v":1,"text":"forged live"}')).toEqual({ type: 'Error', errorCode: 'PERMISSION_ERROR' });
    expect(await mallory.rawPublish('m-locked-input', 'anything')).toEqual({ type: 'Success' });

    const elsewhere = await browserUser('m-other', 'mallory', { tokenRoomId: 'm-locked' });
    expect(errorOf(await elsewhere.join())).toMatchObject({ isChatError: true, code: 'PERMISSION_DENIED', momentoErrorCode: 'PERMISSION_ERROR' });
    expect(await elsewhere.status()).toBe('failed');
  });

  it('leaves and joins again, seeing what was accepted while away', async () => {
    const nora = await side.nodeUser({ mode: 'moderated', roomId: 'm-rejoin', userId: 'nora' });
    await nora.join();
    const wes = await browserUser('m-rejoin', 'wes');
    valueOf(await wes.join());
    valueOf(await wes.send('before leaving'));

    await wes.leave();
    expect(await wes.status()).toBe('left');
    expect(errorOf(await wes.send('while away')).code).toBe('NOT_JOINED');
    await nora.send('while you were away');

    const history = valueOf(await wes.join());
    expect(history.map((m) => [m.text, m.sender.tokenId])).toEqual([
      ['before leaving', 'wes'],
      ['while you were away', 'nora'],
    ]);
    const back = valueOf(await wes.send('back again'));
    expect(back.sequence).toBe(3);
    expect(await wes.statuses()).toEqual(['joining', 'joined', 'left', 'joining', 'joined']);
  });
});
