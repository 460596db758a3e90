import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ChatRoom } from 'momento-chat';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../examples/demo/server.mjs';
import { cacheClientFor, topicClientFor } from '../integration/support/clients.js';
import { useBrowser } from './support/browser.js';

// The demo chat (`npm run demo`), started in-process and used as a person would: a name, a room, the
// keyboard. Assertions read the page's content; the screenshot is for people, not for comparison.

const screenshot = fileURLToPath(new URL('./__screenshots__/demo.png', import.meta.url));

describe('the demo chat', () => {
  let demo: RunningDemo | undefined;
  const operatorLog: string[] = [];
  beforeAll(async () => {
    demo = await startDemo({ port: 0, log: (line) => operatorLog.push(line) });
  }, 30_000);
  afterAll(async () => demo?.stop());
  const browser = useBrowser();

  /** Opens the demo, picks a name and a room, and waits until the room is live. */
  async function joinAs(name: string, roomId: string): Promise<Page> {
    const page = await browser.open(demo!.url);
    await page.fill('#name-input', name);
    await page.check(`input[name="room"][value="${roomId}"]`);
    await page.click('#join-button');
    await page.locator('#status-text', { hasText: 'Live' }).waitFor();
    return page;
  }

  /** Types a message and presses Enter, in the window in front (a background tab's frames are throttled). */
  async function say(page: Page, text: string): Promise<void> {
    await page.bringToFront();
    await page.fill('#message-input', text);
    await page.press('#message-input', 'Enter');
  }

  /** The group header above a message of someone else: claimed name, verified badge and id. */
  const headerOf = (page: Page, text: string) => page.locator('.msg.other', { has: page.locator('.bubble', { hasText: text }) }).locator('.msg-meta');

  it('two people chat in the lobby: history on arrival, live messages with the verified sender, own messages on the right', async () => {
    const ann = await joinAs('Ann', 'lobby');
    await expect(ann.locator('.empty h2').textContent()).resolves.toBe('No messages in #lobby yet');
    await say(ann, 'Hi, is anyone here?');
    await ann.locator('.msg.own .bubble', { hasText: 'Hi, is anyone here?' }).waitFor();
    expect(await ann.inputValue('#message-input')).toBe('');

    const bob = await joinAs('Bob', 'lobby');
    // History on arrival. An open room's history keeps only what the sender claimed.
    await bob.locator('.msg.other .bubble', { hasText: 'Hi, is anyone here?' }).waitFor();
    expect(await headerOf(bob, 'Hi, is anyone here?').locator('.msg-name').textContent()).toBe('Ann');
    expect(await headerOf(bob, 'Hi, is anyone here?').locator('.badge').textContent()).toBe('unverified');

    await say(bob, 'Hello Ann! 👋');
    await bob.locator('.msg.own .bubble', { hasText: 'Hello Ann! 👋' }).waitFor();
    await ann.locator('.msg.other .bubble', { hasText: 'Hello Ann! 👋' }).waitFor();
    const header = headerOf(ann, 'Hello Ann! 👋');
    expect(await header.locator('.msg-name').textContent()).toBe('Bob');
    expect(await header.locator('.badge.verified').textContent()).toBe('✓ verified');
    expect(await header.locator('.msg-uid').textContent()).toMatch(/^bob-[0-9a-f]{4}$/);
    expect(await bob.locator('#me-id').textContent()).toBe(await header.locator('.msg-uid').textContent());
    // The verified id comes from the backend's session, which a page cannot forge to take Bob's.
    const forged = await fetch(`${demo!.url}api/tokens?room=lobby&name=Mallory&session=${await bob.locator('#me-id').textContent()}.forged`);
    expect(((await forged.json()) as { userId: string }).userId).toMatch(/^mallory-[0-9a-f]{4}$/);

    // Own messages on the right, others' on the left.
    const side = (page: Page, text: string) =>
      page.locator('.msg', { has: page.locator('.bubble', { hasText: text }) }).evaluate((row) => getComputedStyle(row).flexDirection);
    expect(await side(ann, 'Hi, is anyone here?')).toBe('row-reverse');
    expect(await side(ann, 'Hello Ann! 👋')).toBe('row');
    expect(await ann.locator('.msg-time').first().textContent()).toMatch(/\d{1,2}:\d{2}/);
    expect(browser.pageErrors).toEqual([]);
  });

  it('the moderated room masks words and turns down a long message, which only its sender sees, with the reason', async () => {
    const ann = await joinAs('Ann', 'lobby');
    const bob = await joinAs('Bob', 'moderated');
    await ann.bringToFront();
    await ann.click('.room-link[data-room="moderated"]');
    await ann.locator('#room-title', { hasText: '# moderated' }).waitFor();
    await ann.locator('#status-text', { hasText: 'Live' }).waitFor();

    await say(bob, 'Welcome to the moderated room, Ann.');
    await ann.locator('.msg.other .bubble', { hasText: 'Welcome to the moderated room, Ann.' }).waitFor();
    await say(ann, 'Thanks! This darn printer is jammed again.');
    await bob.locator('.msg.other .bubble', { hasText: 'Thanks! This **** printer is jammed again.' }).waitFor();
    await ann.locator('.msg.own .bubble', { hasText: 'Thanks! This **** printer is jammed again.' }).waitFor();
    expect(await headerOf(bob, 'This **** printer').locator('.badge.verified').textContent()).toBe('✓ verified');

    const story = `Let me tell you the whole story. ${'It jammed, I opened it, I closed it, it jammed again. '.repeat(4)}`;
    await say(ann, story);
    const rejected = ann.locator('.msg.rejected', { has: ann.locator('.bubble', { hasText: 'Let me tell you the whole story.' }) });
    await rejected.waitFor();
    expect(await rejected.locator('.note-text').textContent()).toMatch(/^Not posted: the moderator turned it down — too long: \d+ characters, the limit is 200\.$/);

    // The moderator handles a room's messages in order: once Bob's next message is back, the long one was decided.
    await say(bob, 'Ha, the moderator caught that one.');
    await bob.locator('.msg.own .bubble', { hasText: 'Ha, the moderator caught that one.' }).waitFor();
    await ann.locator('.msg.other .bubble', { hasText: 'Ha, the moderator caught that one.' }).waitFor();
    expect(await bob.locator('.bubble').allTextContents()).toEqual([
      'Welcome to the moderated room, Ann.',
      'Thanks! This **** printer is jammed again.',
      'Ha, the moderator caught that one.',
    ]);
    expect(operatorLog.filter((line) => !line.includes('rejected a message'))).toEqual([]);

    await mkdir(fileURLToPath(new URL('./__screenshots__/', import.meta.url)), { recursive: true });
    await ann.screenshot({ path: screenshot });
    expect(browser.pageErrors).toEqual([]);
  });

  it('loads older messages when scrolled to the top, until the beginning of the room', async () => {
    // Someone with the backend's key fills the lobby, well past one page (30) of history.
    const momento = demo!.momento;
    const cacheClient = await cacheClientFor(momento, momento.adminApiKey, 3600);
    const filler = new ChatRoom({ cacheClient, topicClient: topicClientFor(momento), cacheName: 'demo', roomId: 'lobby', sender: { displayName: 'Filler' } });
    const fillers = Array.from({ length: 70 }, (_, i) => `filler ${i + 1}`);
    let before: string[];
    try {
      before = (await filler.join()).map((message) => message.text); // what earlier tests left, fewer than a page
      for (const text of fillers) await filler.send(text);
      await filler.leave();
    } finally {
      cacheClient.close();
    }

    const carol = await joinAs('Carol', 'lobby');
    await carol.locator('.bubble', { hasText: 'filler 70' }).waitFor();
    const bubbles = carol.locator('.bubble');
    expect(await bubbles.count()).toBe(30);
    expect(await carol.locator('.history-edge').textContent()).toBe('Scroll up for older messages');
    while ((await carol.locator('.history-edge.start').count()) === 0) {
      const before = await bubbles.count();
      await carol.locator('#timeline').evaluate((timeline) => timeline.scrollTo({ top: 0 }));
      await carol.waitForFunction(
        (before) => document.querySelectorAll('.bubble').length > before || document.querySelector('.history-edge.start') !== null,
        before,
      );
    }
    expect(await carol.locator('.history-edge').textContent()).toBe('This is the beginning of #lobby.');
    expect(await bubbles.allTextContents()).toEqual([...before, ...fillers]);
  });
});
