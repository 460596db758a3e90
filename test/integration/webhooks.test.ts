import { createHmac } from 'node:crypto';
import { AllDataReadWrite, MomentoErrorCode, type TopicClient } from '@gomomento/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { topicClientFor } from './support/clients.js';
import { useLocalServer } from './support/local-server.js';
import { errorCodeOf } from './support/outcomes.js';
import { vendToken } from './support/tokens.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const CACHE = 'hooks';
const OTHER = 'hooks-other';
const USER_AGENT = 'Momento/1.0 (Webhooks; +https://docs.momentohq.com/topics/webhooks)';

/** Puts a webhook through the SDK. @returns the signing secret. */
async function put(client: TopicClient, webhookName: string, topicName: string, url: string, cacheName = CACHE): Promise<string> {
  const response = await client.putWebhook(cacheName, webhookName, { topicName, destination: url });
  if (response.type !== 'Success') throw new Error(`unable to put webhook; ${response.toString()}`);
  return response.secretString();
}

/** What a receiver checks: the hex HMAC SHA3-256 of the raw body under the secret, as Momento's docs say. */
const sign = (body: string, secret: string): string => createHmac('sha3-256', secret).update(body).digest('hex');

async function listed(client: TopicClient, cacheName = CACHE): Promise<Array<{ name: string; cache: string; topic: string; url: string }>> {
  const response = await client.listWebhooks(cacheName);
  if (response.type !== 'Success') throw new Error(`unable to list webhooks; ${response.toString()}`);
  return response.getWebhooks().map((w) => ({ name: w.id.webhookName, cache: w.id.cacheName, topic: w.topicName, url: w.destination.url() }));
}

describe('webhooks: managing them through TopicClient', () => {
  const env = useLocalServer({ caches: [CACHE, OTHER] });
  let topics: TopicClient;
  beforeEach(async () => {
    topics = env.clients.topics;
    for (const w of await listed(topics)) await topics.deleteWebhook(CACHE, w.name);
  });

  it('put returns a signing secret; list and getWebhookSecret show what was put', async () => {
    const secret = await put(topics, 'audit', 'orders', 'http://127.0.0.1:9/hook');
    expect(secret).toMatch(/^[\w-]{16,}$/);
    expect(await listed(topics)).toEqual([{ name: 'audit', cache: CACHE, topic: 'orders', url: 'http://127.0.0.1:9/hook' }]);
    const got = await topics.getWebhookSecret(CACHE, 'audit');
    if (got.type !== 'Success') throw new Error(got.toString());
    expect([got.secret(), got.cacheName(), got.webhookName()]).toEqual([secret, CACHE, 'audit']);
  });

  it('put of an existing name updates its topic and URL and keeps its secret', async () => {
    const first = await put(topics, 'audit', 'orders', 'http://127.0.0.1:9/a');
    const second = await put(topics, 'audit', 'refunds', 'https://localhost:8443/b');
    expect(second).toBe(first);
    expect(await listed(topics)).toEqual([{ name: 'audit', cache: CACHE, topic: 'refunds', url: 'https://localhost:8443/b' }]);
  });

  it('lists the webhooks of one cache only, in the order they were created', async () => {
    await put(topics, 'b', 't1', 'http://127.0.0.1:9/');
    await put(topics, 'a', 't2', 'http://[::1]:9/');
    await put(topics, 'a', 't1', 'http://localhost:9/', OTHER);
    expect((await listed(topics)).map((w) => `${w.name}:${w.topic}`)).toEqual(['b:t1', 'a:t2']);
    expect((await listed(topics, OTHER)).map((w) => `${w.name}:${w.topic}`)).toEqual(['a:t1']);
    await topics.deleteWebhook(OTHER, 'a');
  });

  it('rotate returns a new secret, which getWebhookSecret then returns', async () => {
    const first = await put(topics, 'audit', 'orders', 'http://127.0.0.1:9/');
    const rotated = await topics.rotateWebhookSecret(CACHE, 'audit');
    if (rotated.type !== 'Success') throw new Error(rotated.toString());
    expect(rotated.secret()).not.toBe(first);
    expect([rotated.cacheName(), rotated.webhookName()]).toEqual([CACHE, 'audit']);
    const got = await topics.getWebhookSecret(CACHE, 'audit');
    expect(got.type === 'Success' && got.secret()).toBe(rotated.secret());
  });

  it('delete removes it; a missing webhook is NOT_FOUND_ERROR for delete, get secret and rotate', async () => {
    await put(topics, 'audit', 'orders', 'http://127.0.0.1:9/');
    expect((await topics.deleteWebhook(CACHE, 'audit')).type).toBe('Success');
    expect(await listed(topics)).toEqual([]);
    expect(errorCodeOf(await topics.deleteWebhook(CACHE, 'audit'))).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
    expect(errorCodeOf(await topics.getWebhookSecret(CACHE, 'audit'))).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
    expect(errorCodeOf(await topics.rotateWebhookSecret(CACHE, 'audit'))).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
    const missing = await topics.getWebhookSecret(CACHE, 'audit');
    expect(missing.toString()).toContain('webhook not found: audit in cache hooks');
  });

  it('a missing cache is NOT_FOUND_ERROR for every call', async () => {
    const calls = [
      topics.putWebhook('no-such-cache', 'w', { topicName: 't', destination: 'http://127.0.0.1:9/' }),
      topics.listWebhooks('no-such-cache'),
      topics.deleteWebhook('no-such-cache', 'w'),
      topics.getWebhookSecret('no-such-cache', 'w'),
      topics.rotateWebhookSecret('no-such-cache', 'w'),
    ];
    for (const response of await Promise.all(calls)) expect(errorCodeOf(response)).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
  });

  it('a disposable token, even one for all data, is PERMISSION_ERROR for every call', async () => {
    await put(topics, 'audit', 'orders', 'http://127.0.0.1:9/');
    const token = topicClientFor(env.momento, await vendToken(env.clients.auth, AllDataReadWrite));
    const calls = [
      token.putWebhook(CACHE, 'w', { topicName: 't', destination: 'http://127.0.0.1:9/' }),
      token.listWebhooks(CACHE),
      token.deleteWebhook(CACHE, 'audit'),
      token.getWebhookSecret(CACHE, 'audit'),
      token.rotateWebhookSecret(CACHE, 'audit'),
    ];
    for (const response of await Promise.all(calls)) expect(errorCodeOf(response)).toBe(MomentoErrorCode.PERMISSION_ERROR);
    expect((await listed(topics)).map((w) => w.name)).toEqual(['audit']);
  });

  it.each([
    ['a public host', 'https://example.com/hook', 'not example.com'],
    ['a private address', 'http://10.0.0.7:8080/hook', 'not 10.0.0.7'],
    ['another loopback address', 'http://127.0.0.2/hook', 'not 127.0.0.2'],
    ['the any address', 'http://0.0.0.0:8080/', 'not 0.0.0.0'],
    ['another scheme', 'ftp://127.0.0.1/hook', 'must use http or https, not ftp'],
    ['a file URL', 'file:///tmp/hook', 'must use http or https, not file'],
    ['no scheme', 'localhost:8080/hook', 'must use http or https'],
    ['not a URL', 'someurl.com', 'not an absolute URL'],
  ])('refuses %s as post_url with INVALID_ARGUMENT_ERROR', async (_what, url, reason) => {
    const response = await topics.putWebhook(CACHE, 'refused', { topicName: 't', destination: url });
    expect(errorCodeOf(response)).toBe(MomentoErrorCode.INVALID_ARGUMENT_ERROR);
    expect(response.toString()).toContain(reason);
    expect(await listed(topics)).toEqual([]);
  });

  it('an empty webhook name, which the SDK lets through on delete, is INVALID_ARGUMENT_ERROR', async () => {
    expect(errorCodeOf(await topics.deleteWebhook(CACHE, ''))).toBe(MomentoErrorCode.INVALID_ARGUMENT_ERROR);
  });

  it('deleting a cache deletes its webhooks: the cache created again has none', async () => {
    await env.clients.cache.createCache('hooks-doomed');
    await put(topics, 'audit', 'orders', 'http://127.0.0.1:9/', 'hooks-doomed');
    await env.clients.cache.deleteCache('hooks-doomed');
    await env.clients.cache.createCache('hooks-doomed');
    expect(await listed(topics, 'hooks-doomed')).toEqual([]);
  });
});

describe('webhooks: delivery of published messages', () => {
  const env = useLocalServer({ caches: [CACHE, OTHER] });
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    for (const cacheName of [CACHE, OTHER]) {
      for (const w of await listed(env.clients.topics, cacheName)) await env.clients.topics.deleteWebhook(cacheName, w.name);
    }
    await receiver.stop();
  });

  it("POSTs Momento's body, user agent and a signature that verifies with the secret from putWebhook", async () => {
    const secret = await put(env.clients.topics, 'audit', 'orders', receiver.url('/momento'));
    const before = Date.now();
    expect((await env.clients.topics.publish(CACHE, 'orders', 'héllo {"json"} 🎉')).type).toBe('Success');
    const [request] = await receiver.received(1);
    expect([request!.method, request!.path]).toEqual(['POST', '/momento']);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toBe(USER_AGENT);
    expect(request!.headers['momento-signature']).toBe(sign(request!.body, secret));
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['cache', 'topic', 'event_timestamp', 'publish_timestamp', 'topic_sequence_number', 'token_id', 'text']);
    expect(body).toMatchObject({ cache: CACHE, topic: 'orders', topic_sequence_number: 1, token_id: '', text: 'héllo {"json"} 🎉' });
    const [published, posted] = [body.event_timestamp as number, body.publish_timestamp as number];
    expect(published).toBeGreaterThanOrEqual(before);
    expect(posted).toBeGreaterThanOrEqual(published);
    expect(posted).toBeLessThanOrEqual(Date.now());
  });

  it("carries the publisher's tokenId as token_id", async () => {
    await put(env.clients.topics, 'audit', 'orders', receiver.url());
    const alice = topicClientFor(env.momento, await vendToken(env.clients.auth, AllDataReadWrite, { tokenId: 'alice' }));
    await alice.publish(CACHE, 'orders', 'from alice');
    await env.clients.topics.publish(CACHE, 'orders', 'from the backend');
    await receiver.received(2);
    expect(receiver.bodies().map((b) => [b.text, b.token_id])).toEqual([
      ['from alice', 'alice'],
      ['from the backend', ''],
    ]);
  });

  it('puts a binary message base64-encoded in `binary`, with no `text`', async () => {
    const secret = await put(env.clients.topics, 'audit', 'orders', receiver.url());
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    await env.clients.topics.publish(CACHE, 'orders', bytes);
    const [request] = await receiver.received(1);
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(body.text).toBeUndefined();
    expect(Array.from(Buffer.from(body.binary as string, 'base64'))).toEqual(Array.from(bytes));
    expect(request!.headers['momento-signature']).toBe(sign(request!.body, secret));
  });

  it('signs with the new secret after a rotation, and the old one no longer verifies', async () => {
    const first = await put(env.clients.topics, 'audit', 'orders', receiver.url());
    await env.clients.topics.publish(CACHE, 'orders', 'before');
    await receiver.received(1);
    const rotated = await env.clients.topics.rotateWebhookSecret(CACHE, 'audit');
    if (rotated.type !== 'Success') throw new Error(rotated.toString());
    await env.clients.topics.publish(CACHE, 'orders', 'after');
    const [before, after] = await receiver.received(2);
    expect(before!.headers['momento-signature']).toBe(sign(before!.body, first));
    expect(after!.headers['momento-signature']).toBe(sign(after!.body, rotated.secret()));
    expect(after!.headers['momento-signature']).not.toBe(sign(after!.body, first));
  });

  it('delivers several publishes in publish order, with their sequence numbers', async () => {
    await put(env.clients.topics, 'audit', 'ordered', receiver.url());
    const texts = Array.from({ length: 25 }, (_, i) => `m${i + 1}`);
    for (const text of texts) await env.clients.topics.publish(CACHE, 'ordered', text);
    await receiver.received(texts.length);
    expect(receiver.bodies().map((b) => b.text)).toEqual(texts);
    expect(receiver.bodies().map((b) => b.topic_sequence_number)).toEqual(texts.map((_, i) => i + 1));
  });

  it("POSTs to every webhook of the topic and to none of another topic's or cache's", async () => {
    const other = await WebhookReceiver.start();
    try {
      await put(env.clients.topics, 'first', 'orders', receiver.url('/first'));
      await put(env.clients.topics, 'second', 'orders', receiver.url('/second'));
      await put(env.clients.topics, 'elsewhere', 'orders', other.url('/other-cache'), OTHER);
      // A message to an unhooked topic, then one to the hooked topic: per-webhook order means the first
      // would arrive before the second if it were delivered at all.
      await env.clients.topics.publish(CACHE, 'unhooked', 'not for webhooks');
      await env.clients.topics.publish(CACHE, 'orders', 'for both');
      await receiver.received(2);
      expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/first', '/second']);
      expect(receiver.bodies().map((b) => b.text)).toEqual(['for both', 'for both']);
      await env.clients.topics.publish(OTHER, 'orders', 'other cache');
      const [fromOther] = await other.received(1);
      expect(JSON.parse(fromOther!.body)).toMatchObject({ cache: OTHER, text: 'other cache' });
      expect(receiver.requests).toHaveLength(2);
    } finally {
      await other.stop();
    }
  });
});
