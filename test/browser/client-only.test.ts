import { describe, expect, it } from 'vitest';
import { useBrowserRooms } from './support/browser-rooms.js';
import { errorOf, valueOf } from './support/harness-server.js';
import { messageEvent, texts } from './support/momento.js';

// A ChatRoom of the built package over the real @gomomento/sdk-web in Chromium, in client-only mode, against
// the local server over grpc-web from a page of another origin; its peers are browser pages and Node users.

describe('client-only rooms in Chromium', () => {
  const { side, browser, browserUser } = useBrowserRooms('client-only');

  it('joins with the history, oldest first, and talks both ways with a Node user, each side seeing the verified sender', async () => {
    const nora = await side.nodeUser({ mode: 'client-only', roomId: 'mixed', userId: 'nora' });
    await nora.join();
    await nora.send('first');
    await nora.send('second');

    const wes = await browserUser('mixed', 'wes');
    const history = valueOf(await wes.join());
    expect(texts(history)).toEqual(['first', 'second']);
    expect(history[0]!.sender.claims.displayName).toBe('nora');
    expect(await wes.status()).toBe('joined');

    const heardByNora = messageEvent(nora, 'hello from Chromium');
    const sent = valueOf(await wes.send('hello from Chromium', { replyTo: history[1]!.id }));
    const seen = await heardByNora;
    expect(seen).toMatchObject({ id: sent.id, sender: { tokenId: 'wes', claims: { displayName: 'wes' } }, metadata: { replyTo: history[1]!.id } });

    await nora.send('hello from Node');
    const heardByWes = await wes.messageEvent('hello from Node');
    expect(heardByWes.sender).toEqual({ tokenId: 'nora', claims: { displayName: 'nora' } });
    expect(texts(await wes.messages())).toEqual(['first', 'second', 'hello from Chromium', 'hello from Node']);
    expect(await wes.errors()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });

  it('two pages chat with each other, and a name a page claims stays apart from its verified id', async () => {
    const ann = await browserUser('pages', 'ann');
    const bob = await browserUser('pages', 'bob', { displayName: 'Ann' }); // Bob's page claims to be Ann
    valueOf(await ann.join());
    valueOf(await bob.join());

    valueOf(await ann.send('hi Bob'));
    expect((await bob.messageEvent('hi Bob')).sender).toEqual({ tokenId: 'ann', claims: { displayName: 'ann' } });
    valueOf(await bob.send('hi, it is me, Ann'));
    expect((await ann.messageEvent('hi, it is me, Ann')).sender).toEqual({ tokenId: 'bob', claims: { displayName: 'Ann' } });

    expect(texts(await ann.messages())).toEqual(['hi Bob', 'hi, it is me, Ann']);
    expect(texts(await bob.messages())).toEqual(['hi Bob', 'hi, it is me, Ann']);
  });

  it('pages back with loadOlder until hasMore is false, each message once, in order', async () => {
    const nora = await side.nodeUser({ mode: 'client-only', roomId: 'paging', userId: 'nora' });
    await nora.join();
    const written = Array.from({ length: 12 }, (_, i) => `message ${i + 1}`);
    for (const text of written) await nora.send(text);

    const wes = await browserUser('paging', 'wes', { pageSize: 5 });
    const newest = valueOf(await wes.join());
    expect(texts(newest)).toEqual(written.slice(7));
    const first = valueOf(await wes.loadOlder());
    expect(first).toMatchObject({ hasMore: true });
    expect(texts(first.messages)).toEqual(written.slice(2, 7));
    const last = valueOf(await wes.loadOlder());
    expect(last.hasMore).toBe(false);
    expect(texts(last.messages)).toEqual(written.slice(0, 2));
    expect(texts(await wes.messages())).toEqual(written);
  });

  it("a user's tokens reach only their room: joining another fails with PERMISSION_DENIED and the room is failed", async () => {
    const wes = await browserUser('elsewhere', 'wes', { tokenRoomId: 'mine' });
    const error = errorOf(await wes.join());
    expect(error).toMatchObject({ isChatError: true, code: 'PERMISSION_DENIED', momentoErrorCode: 'PERMISSION_ERROR' });
    expect(await wes.status()).toBe('failed');
    expect(await wes.statuses()).toEqual(['joining', 'failed']);
  });

  it('gets its live stream back after Momento drops it, and what was sent meanwhile arrives once, in order', async () => {
    const nora = await side.nodeUser({ mode: 'client-only', roomId: 'dropped', userId: 'nora' });
    await nora.join();
    const wes = await browserUser('dropped', 'wes');
    valueOf(await wes.join());
    await nora.send('before');
    await wes.messageEvent('before');

    // The web SDK gives up on a stream that ends UNAVAILABLE: the room subscribes again itself, and this
    // subscribe is held for a while, so what nora sends meanwhile can only come from history.
    side.momento.faults.delay('topic-subscribe', { ms: 1500, count: 1 });
    expect(side.momento.faults.dropSubscriptions()).toBeGreaterThan(0);
    await nora.send('while the stream was down 1');
    await nora.send('while the stream was down 2');
    const deadline = Date.now() + 8000;
    while ((await wes.status()) !== 'joined' || !(await wes.statuses()).includes('reconnecting')) {
      if (Date.now() > deadline) throw new Error(`the room did not come back: ${(await wes.statuses()).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await nora.send('after');
    await wes.messageEvent('after');
    expect(texts(await wes.messages())).toEqual(['before', 'while the stream was down 1', 'while the stream was down 2', 'after']);
    expect(await wes.statuses()).toEqual(['joining', 'joined', 'reconnecting', 'joined']);
    expect(await wes.errors()).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });

  it('leaves and joins again, and the new join holds what was sent while away', async () => {
    const nora = await side.nodeUser({ mode: 'client-only', roomId: 'rejoin', userId: 'nora' });
    await nora.join();
    const wes = await browserUser('rejoin', 'wes');
    valueOf(await wes.join());
    valueOf(await wes.send('before leaving'));

    await wes.leave();
    expect(await wes.status()).toBe('left');
    expect(await wes.messages()).toEqual([]);
    const sendWhileAway = errorOf(await wes.send('while away'));
    expect(sendWhileAway.code).toBe('NOT_JOINED');
    await nora.send('while you were away');

    expect(texts(valueOf(await wes.join()))).toEqual(['before leaving', 'while you were away']);
    await nora.send('welcome back');
    await wes.messageEvent('welcome back');
    expect(await wes.statuses()).toEqual(['joining', 'joined', 'left', 'joining', 'joined']);
  });
});
