import type { TopicClient } from '@gomomento/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMomento, type WebhookDeliveryStats } from '../../src/local/index.js';
import { topicClientFor } from './support/clients.js';
import { useLocalServer } from './support/local-server.js';
import { subscription, useSubscriptions } from './support/subscriptions.js';
import { waitFor } from './support/time.js';
import { closedPort, WebhookReceiver } from './support/webhook-receiver.js';

const CACHE = 'hooks';

async function put(client: TopicClient, webhookName: string, topicName: string, url: string): Promise<void> {
  const response = await client.putWebhook(CACHE, webhookName, { topicName, destination: url });
  if (response.type !== 'Success') throw new Error(`unable to put webhook; ${response.toString()}`);
}

/** Deletes every webhook of the cache, so each test starts with none. */
async function deleteAll(client: TopicClient): Promise<void> {
  const response = await client.listWebhooks(CACHE);
  if (response.type !== 'Success') throw new Error(`unable to list webhooks; ${response.toString()}`);
  for (const w of response.getWebhooks()) await client.deleteWebhook(CACHE, w.id.webhookName);
}

async function publishAll(client: TopicClient, topic: string, texts: string[]): Promise<void> {
  for (const text of texts) expect((await client.publish(CACHE, topic, text)).type).toBe('Success');
}

/** The change in the server's delivery counters since it was made. */
function counter(read: () => WebhookDeliveryStats): () => WebhookDeliveryStats {
  const start = read();
  return () => {
    const now = read();
    return {
      delivered: now.delivered - start.delivered,
      failed: now.failed - start.failed,
      timedOut: now.timedOut - start.timedOut,
      dropped: now.dropped - start.dropped,
    };
  };
}

describe('webhooks: one attempt per message, and a failure loses only that message', () => {
  const env = useLocalServer({ caches: [CACHE], webhookTimeoutMs: 300 });
  const subs = useSubscriptions();
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await deleteAll(env.clients.topics);
    await receiver.stop();
  });

  it('a receiver answering 500 gets that message once and the later ones in order', async () => {
    const delta = counter(() => env.momento.webhookDeliveries);
    receiver.answer = (index) => (index === 0 ? 500 : 200);
    await put(env.clients.topics, 'audit', 'failing', receiver.url());
    await publishAll(env.clients.topics, 'failing', ['m1', 'm2', 'm3']);
    await receiver.received(3);
    await waitFor(() => delta().delivered === 2, 3000, 'two deliveries counted');
    expect(receiver.bodies().map((b) => b.text)).toEqual(['m1', 'm2', 'm3']);
    expect(delta()).toEqual({ delivered: 2, failed: 1, timedOut: 0, dropped: 0 });
  });

  it('a connection error drops the message; after a put to a live receiver the next one arrives', async () => {
    const delta = counter(() => env.momento.webhookDeliveries);
    await put(env.clients.topics, 'audit', 'refused', `http://127.0.0.1:${await closedPort()}/hook`);
    await publishAll(env.clients.topics, 'refused', ['lost']);
    await waitFor(() => delta().failed === 1, 3000, 'a failed delivery');
    await put(env.clients.topics, 'audit', 'refused', receiver.url());
    await publishAll(env.clients.topics, 'refused', ['kept']);
    await receiver.received(1);
    expect(receiver.bodies().map((b) => b.text)).toEqual(['kept']);
  });

  it('a receiver hanging past webhookTimeoutMs is abandoned; the next message arrives and subscribers get both', async () => {
    const delta = counter(() => env.momento.webhookDeliveries);
    receiver.answer = (index) => (index === 0 ? 'hold' : 200);
    await put(env.clients.topics, 'audit', 'hanging', receiver.url());
    const rec = await subs.subscribe(env.clients.topics, CACHE, 'hanging');
    subscription(rec.response);
    await publishAll(env.clients.topics, 'hanging', ['m1', 'm2']);
    await waitFor(() => rec.events.items.length === 2, 3000, 'both items at the subscriber');
    const [first] = await receiver.received(1);
    await first!.abandoned;
    await receiver.received(2);
    expect(receiver.bodies().map((b) => b.text)).toEqual(['m1', 'm2']);
    await waitFor(() => delta().delivered === 1, 3000, 'the second delivery counted');
    expect(delta()).toEqual({ delivered: 1, failed: 0, timedOut: 1, dropped: 0 });
    expect(rec.values()).toEqual(['m1', 'm2']);
  });
});

describe('webhooks: a slow receiver holds up nothing but its own webhook', () => {
  const env = useLocalServer({ caches: [CACHE] }); // Momento's 5 s timeout: no request here times out
  const subs = useSubscriptions();
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start((index) => (index === 0 ? 'hold' : 200));
  });
  afterEach(async () => {
    await deleteAll(env.clients.topics);
    await receiver.stop();
  });

  it('publishers and subscribers go on while the first request is held; the rest follow it in order', async () => {
    await put(env.clients.topics, 'audit', 'slow', receiver.url());
    const rec = await subs.subscribe(env.clients.topics, CACHE, 'slow');
    await publishAll(env.clients.topics, 'slow', ['m1', 'm2', 'm3']);
    await waitFor(() => rec.events.items.length === 3, 3000, 'three items at the subscriber');
    await receiver.received(1);
    // One request at a time per webhook: m2 and m3 wait behind the held m1.
    expect(receiver.requests).toHaveLength(1);
    receiver.release(0);
    await receiver.received(3);
    expect(receiver.bodies().map((b) => b.text)).toEqual(['m1', 'm2', 'm3']);
  });

  it('another webhook of the same topic is not held up by the slow one', async () => {
    const fast = await WebhookReceiver.start();
    try {
      await put(env.clients.topics, 'audit', 'shared', receiver.url());
      await put(env.clients.topics, 'second', 'shared', fast.url());
      await publishAll(env.clients.topics, 'shared', ['m1', 'm2']);
      await fast.received(2);
      expect(receiver.requests).toHaveLength(1);
      receiver.release(0);
      await receiver.received(2);
    } finally {
      await fast.stop();
    }
  });

  it('deleting a webhook aborts its request in flight and drops what it had queued', async () => {
    await put(env.clients.topics, 'audit', 'deleted', receiver.url());
    await publishAll(env.clients.topics, 'deleted', ['m1', 'm2']);
    const [first] = await receiver.received(1);
    expect((await env.clients.topics.deleteWebhook(CACHE, 'audit')).type).toBe('Success');
    await first!.abandoned;
    await put(env.clients.topics, 'audit', 'deleted', receiver.url());
    await publishAll(env.clients.topics, 'deleted', ['m3']);
    await receiver.received(2);
    expect(receiver.bodies().map((b) => b.text)).toEqual(['m1', 'm3']);
  });
});

describe('webhooks: stop()', () => {
  it('aborts the requests in flight', async () => {
    const momento = await startLocalMomento({ caches: [CACHE] });
    const receiver = await WebhookReceiver.start(() => 'hold');
    try {
      const topics = topicClientFor(momento);
      await put(topics, 'audit', 'orders', receiver.url());
      await publishAll(topics, 'orders', ['in flight']);
      const [request] = await receiver.received(1);
      await momento.stop();
      await request!.abandoned;
    } finally {
      await momento.stop();
      await receiver.stop();
    }
  });
});
