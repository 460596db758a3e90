import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookHandler, nodeWebhookListener, type ModerateFn } from '../../src/moderator/index.js';
import { listEntries, receivedId } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { waitFor } from './support/time.js';
import { ModeratedChat, failureOf, outcomesReached, rawInput, serveLocally, signBody, statusesOf, type LocalHttpServer } from './support/moderated.js';

const CACHE = 'chat';
const OTHER_CACHE = 'chat-other';
const moderate: ModerateFn = (input) => (input.text.startsWith('spam') ? { action: 'reject', reason: 'no spam here' } : { action: 'accept' });

describe('moderated mode: moderation behind a Momento webhook', () => {
  const env = useLocalServer({ caches: [CACHE, OTHER_CACHE] });
  let chat: ModeratedChat;
  let server: LocalHttpServer | undefined;
  beforeAll(() => {
    chat = new ModeratedChat(env.momento, env.clients.auth);
  });
  afterEach(async () => {
    const listed = await env.clients.topics.listWebhooks(CACHE);
    if (listed.type === 'Success') for (const webhook of listed.getWebhooks()) await env.clients.topics.deleteWebhook(CACHE, webhook.id.webhookName);
    await server?.stop();
    server = undefined;
    await chat.closeAll();
  });

  /**
   * A moderator that watches nothing, behind a handler on 127.0.0.1, and a webhook on the room's input topic
   * pointing at it, registered with the admin key.
   */
  async function webhookModerator(roomId: string) {
    const running = await chat.moderator({ cacheName: CACHE, roomIds: [roomId], moderate, watch: false });
    // The handler needs the secret, which the webhook gets once it points at the handler's URL.
    const handlerKnows = { secret: '' };
    server = await serveLocally(nodeWebhookListener(createWebhookHandler(running.moderator, { signingSecret: () => handlerKnows.secret })));
    const put = await env.clients.topics.putWebhook(CACHE, `moderate-${roomId}`, { topicName: `${roomId}-input`, destination: server.url });
    if (put.type !== 'Success') throw new Error(`unable to put the webhook; ${put.toString()}`);
    handlerKnows.secret = put.secretString();
    expect(running.moderator.rooms).toEqual([]);
    return { running, secret: handlerKnows.secret, handlerKnows, post: server.post };
  }

  /** A webhook event for the room's input topic, as Momento would send it, with fields replaced. */
  function event(roomId: string, fields: Record<string, unknown> = {}): string {
    const now = Date.now();
    return JSON.stringify({
      cache: CACHE,
      topic: `${roomId}-input`,
      event_timestamp: now,
      publish_timestamp: now,
      topic_sequence_number: 1,
      token_id: 'ann',
      text: rawInput(roomId, { text: 'forged', from: { name: 'ann' } }),
      ...fields,
    });
  }

  it('a moderated room sends and gets its answer through the webhook: accepted or rejected', async () => {
    const roomId = 'hooked';
    const { running } = await webhookModerator(roomId);
    const [ann, bob] = await chat.joined({ cacheName: CACHE, roomId }, ['ann', 'bob']);
    const before = { ...env.momento.webhookDeliveries };

    const sent = await ann!.room.send('hello through a webhook');
    expect(sent).toMatchObject({ text: 'hello through a webhook', sender: { tokenId: 'ann' }, sequence: 1 });
    await receivedId(bob!.events, sent.id);
    expect(bob!.events.messages).toEqual([sent]);

    const refused = await failureOf(ann!.room.send('spam now'));
    expect([refused.code, refused.reason]).toEqual(['MESSAGE_REJECTED', 'no spam here']);
    await outcomesReached([running], 'rejected', 1);
    expect(statusesOf(running)).toEqual(['accepted', 'rejected']);
    // Momento counts a delivery when the handler answers, which is after the sender got its answer.
    await waitFor(() => env.momento.webhookDeliveries.delivered === before.delivered + 2, 5000, 'two answered deliveries');
    expect(env.momento.webhookDeliveries).toEqual({ ...before, delivered: before.delivered + 2 });

    const carl = await chat.user({ cacheName: CACHE, roomId, userId: 'carl' });
    expect(await carl.room.join()).toEqual([sent]);
  });

  it('refuses Momento’s deliveries signed with a secret the handler does not hold: the sender times out', async () => {
    const roomId = 'rotated';
    const { running, handlerKnows } = await webhookModerator(roomId);
    const [ann] = await chat.joined({ cacheName: CACHE, roomId, moderationTimeoutMs: 500 }, ['ann']);
    const rotated = await env.clients.topics.rotateWebhookSecret(CACHE, `moderate-${roomId}`);
    if (rotated.type !== 'Success') throw new Error(rotated.toString());
    const failedBefore = env.momento.webhookDeliveries.failed;

    expect((await failureOf(ann!.room.send('signed with the new secret'))).code).toBe('MODERATION_TIMEOUT');
    // Unanswered, the sender published its input three times (at once, at a third and at two thirds of the timeout).
    await waitFor(() => env.momento.webhookDeliveries.failed === failedBefore + 3, 5000, 'the three refused deliveries');
    expect(await listEntries(env.clients.cache, CACHE, roomId)).toEqual([]);
    expect(running.outcomes).toEqual([]);

    handlerKnows.secret = rotated.secret();
    const sent = await ann!.room.send('the handler knows the new secret');
    expect(ann!.room.messages).toEqual([sent]);
  });

  it('refuses a delivery with a missing or bad signature with 401, and stores nothing', async () => {
    const roomId = 'forged';
    const { running, secret, post } = await webhookModerator(roomId);
    const body = event(roomId, { token_id: 'admin' });
    const refusals = [
      await post(body),
      await post(body, { 'momento-signature': '' }),
      await post(body, { 'momento-signature': '00'.repeat(32) }),
      await post(body, { 'momento-signature': 'not hex' }),
      await post(body, { 'momento-signature': signBody(body, 'another secret') }),
      await post(body, { 'momento-signature': signBody(event(roomId), secret) }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(refusals.map((r) => r.body.error)).toEqual([
      'missing momento-signature',
      'missing momento-signature',
      'the signature does not verify',
      'the signature does not verify',
      'the signature does not verify',
      'the signature does not verify',
    ]);
    expect(await listEntries(env.clients.cache, CACHE, roomId)).toEqual([]);
    expect(running.outcomes).toEqual([]);

    // The control: the same bytes, signed with the webhook's secret, are handled.
    const signed = await post(body, { 'momento-signature': signBody(body, secret) });
    expect([signed.status, signed.body.status]).toEqual([200, 'accepted']);
    expect((await listEntries(env.clients.cache, CACHE, roomId)).length).toBe(1);
  });

  it.each([
    ['a stale event', { publish_timestamp: Date.now() - 10 * 60_000 }, 'the event is too old'],
    ['an event of another cache', { cache: OTHER_CACHE }, `not an event of cache ${CACHE}`],
    ['an event of a topic that is no input topic', { topic: 'stale' }, 'topic stale is not a room\'s input topic'],
    ['an event without text', { text: undefined }, 'the event carries no text'],
  ])('refuses %s, correctly signed, with 400, and stores nothing', async (_case, fields, error) => {
    const roomId = 'stale';
    const { running, secret, post } = await webhookModerator(roomId);
    const body = event(roomId, fields);
    const refused = await post(body, { 'momento-signature': signBody(body, secret) });
    expect([refused.status, refused.body.error]).toEqual([400, error]);
    expect(await listEntries(env.clients.cache, CACHE, roomId)).toEqual([]);
    expect(running.outcomes).toEqual([]);
  });
});
