import { CacheRole, ExpiresIn, TopicRole, type CacheClient, type TopicClient, type TopicItem } from '@gomomento/sdk-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalServer } from './support/local-server.js';
import { waitFor } from './support/time.js';
import { encodedKey } from './support/tokens.js';
import { useBrowserGlobals, webAuthClient, webCacheClient, webTopicClient } from './support/web-clients.js';

/** The error code of an Error response, else its type. */
const codeOf = (response: { type: string; errorCode?: () => string }): string | undefined =>
  response.type === 'Error' ? response.errorCode?.() : response.type;

// The real @gomomento/sdk-web 1.118, over grpc-web text mode on the server's one port, in Node through an
// XMLHttpRequest shim. Its responses come from sdk-web's own copy of sdk-core: only `type` is compared.
describe('grpc-web: the real @gomomento/sdk-web against the local server', () => {
  const env = useLocalServer({ caches: ['web'], limits: { topicMessageBytes: 512 } });
  useBrowserGlobals();
  let cache: CacheClient;
  let topics: TopicClient;
  beforeAll(() => {
    cache = webCacheClient(env.momento);
    topics = webTopicClient(env.momento);
  });
  afterAll(() => cache.close());

  /** A token vended through the web AuthClient, so token generation itself goes over grpc-web. */
  async function vend(scope: Parameters<ReturnType<typeof webAuthClient>['generateDisposableToken']>[0], tokenId?: string): Promise<string> {
    const vended = await webAuthClient(env.momento).generateDisposableToken(scope, ExpiresIn.minutes(5), { tokenId });
    if (vended.type !== 'Success') throw new Error(`unable to vend a token; ${vended.toString()}`);
    return vended.authToken;
  }

  describe('CacheClient', () => {
    it('creates a cache, sets and gets a value', async () => {
      expect((await cache.createCache('web-created')).type).toBe('Success');
      expect((await cache.createCache('web-created')).type).toBe('AlreadyExists');
      expect((await cache.set('web-created', 'greeting', 'hello, 100% € ✓')).type).toBe('Success');
      const got = await cache.get('web-created', 'greeting');
      expect(got.type).toBe('Hit');
      expect(got.type === 'Hit' && got.valueString()).toBe('hello, 100% € ✓');
      expect((await cache.get('web-created', 'absent')).type).toBe('Miss');
    });

    it('pushes to a list and fetches it', async () => {
      for (const value of ['a', 'b', 'c']) expect((await cache.listPushBack('web', 'list', value)).type).toBe('Success');
      const fetched = await cache.listFetch('web', 'list');
      expect(fetched.type === 'Hit' && fetched.valueListString()).toEqual(['a', 'b', 'c']);
      const tail = await cache.listFetch('web', 'list', { startIndex: -2 });
      expect(tail.type === 'Hit' && tail.valueListString()).toEqual(['b', 'c']);
    });

    it('reads the values the Node SDK writes, and the other way round', async () => {
      await env.clients.cache.set('web', 'from-node', 'n');
      const got = await cache.get('web', 'from-node');
      expect(got.type === 'Hit' && got.valueString()).toBe('n');
      await cache.set('web', 'from-web', 'w');
      expect((await env.clients.cache.get('web', 'from-web')).value()).toBe('w');
    });
  });

  describe('TopicClient', () => {
    it('subscribes (resolved by the first heartbeat), receives a publish with its tokenId, and unsubscribes', async () => {
      const items: TopicItem[] = [];
      const subscription = await topics.subscribe('web', 'news', { onItem: (item) => items.push(item) });
      expect(subscription.type).toBe('Subscription');

      const ann = webTopicClient(env.momento, await vend({ permissions: [{ role: TopicRole.PublishSubscribe, cache: 'web', topic: 'news' }] }, 'ann'));
      expect((await ann.publish('web', 'news', 'first')).type).toBe('Success');
      await env.clients.topics.publish('web', 'news', 'second');
      await waitFor(() => items.length === 2, 5000, 'two items');
      expect(items.map((i) => [i.valueString(), i.tokenId(), i.sequenceNumber()])).toEqual([
        ['first', 'ann', 1],
        ['second', '', 2],
      ]);
      if (subscription.type === 'Subscription') subscription.unsubscribe();
      // A subscriber that stays shows when 'after' has gone out; the unsubscribed one must not get it.
      const witness: string[] = [];
      const staying = await topics.subscribe('web', 'news', { onItem: (item) => witness.push(item.valueString()) });
      await env.clients.topics.publish('web', 'news', 'after');
      await waitFor(() => witness.includes('after'), 5000, 'the witness item');
      expect(items).toHaveLength(2);
      if (staying.type === 'Subscription') staying.unsubscribe();
    });

    it('delivers what the web SDK publishes to a Node SDK subscriber', async () => {
      const values: string[] = [];
      const nodeSubscription = await env.clients.topics.subscribe('web', 'mixed', { onItem: (item) => values.push(item.valueString()) });
      expect((await topics.publish('web', 'mixed', 'from the browser')).type).toBe('Success');
      await waitFor(() => values.length === 1, 5000, 'the item');
      expect(values).toEqual(['from the browser']);
      if (nodeSubscription.type === 'Subscription') nodeSubscription.unsubscribe();
    });

    it('serves the webhook API to the web SDK', async () => {
      const put = await topics.putWebhook('web', 'archive', { topicName: 'news', destination: 'http://127.0.0.1:9/hook' });
      expect(put.type).toBe('Success');
      const listed = await topics.listWebhooks('web');
      expect(listed.type === 'Success' && listed.getWebhooks().map((w) => w.id.webhookName)).toEqual(['archive']);
      expect((await topics.deleteWebhook('web', 'archive')).type).toBe('Success');
    });
  });

  describe('AuthClient', () => {
    it('vends a disposable token through grpc-web that the web SDK then uses', async () => {
      const token = await vend({ permissions: [{ role: CacheRole.ReadWrite, cache: 'web' }] });
      const client = webCacheClient(env.momento, token);
      expect((await client.set('web', 'by-token', 'yes')).type).toBe('Success');
      const got = await client.get('web', 'by-token');
      expect(got.type === 'Hit' && got.valueString()).toBe('yes');
    });
  });

  describe('errors, mapped as the web SDK maps them', () => {
    it('PERMISSION_ERROR for a call outside the token scope', async () => {
      const token = await vend({ permissions: [{ role: CacheRole.ReadOnly, cache: 'web', item: { key: 'open' } }] });
      const client = webCacheClient(env.momento, token);
      expect((await client.get('web', 'open')).type).toBe('Miss');
      expect(codeOf(await client.set('web', 'open', 'x'))).toBe('PERMISSION_ERROR');
      expect(codeOf(await client.get('web', 'closed'))).toBe('PERMISSION_ERROR');
    });

    it('AUTHENTICATION_ERROR for a key the server never issued', async () => {
      const client = webCacheClient(env.momento, encodedKey(env.momento, 'not-a-key'));
      expect(codeOf(await client.get('web', 'k'))).toBe('AUTHENTICATION_ERROR');
    });

    it('NOT_FOUND_ERROR for a missing cache, from the err metadata in the trailer', async () => {
      const got = await cache.get('no-such-cache', 'k');
      expect(codeOf(got)).toBe('NOT_FOUND_ERROR');
      expect(got.toString()).toContain('cache not found: no-such-cache');
      const subscribed = await topics.subscribe('no-such-cache', 't', { onItem: () => undefined });
      expect(codeOf(subscribed)).toBe('NOT_FOUND_ERROR');
    });

    it('LIMIT_EXCEEDED_ERROR for a publish over the message limit', async () => {
      const published = await topics.publish('web', 'news', 'x'.repeat(513));
      expect(codeOf(published)).toBe('LIMIT_EXCEEDED_ERROR');
      expect(published.toString()).toMatch(/request limit/i);
    });
  });

  describe('faults', () => {
    it('fails the next calls of a method over grpc-web too', async () => {
      env.momento.faults.failNext('get', { count: 1, status: 'unavailable' });
      expect(codeOf(await cache.get('web', 'k'))).toBe('SERVER_UNAVAILABLE');
      expect((await cache.get('web', 'k')).type).toBe('Miss');
    });

    it('ends web subscriptions on dropSubscriptions; an OK end resubscribes and resumes', async () => {
      const seen: string[] = [];
      const subscription = await topics.subscribe('web', 'dropped', { onItem: (item) => seen.push(item.valueString()) });
      await env.clients.topics.publish('web', 'dropped', 'before');
      await waitFor(() => seen.length === 1, 5000, 'the first item');
      env.momento.faults.dropSubscriptions({ status: 'ok' });
      await env.clients.topics.publish('web', 'dropped', 'after');
      await waitFor(() => seen.length === 2, 5000, 'the item after the drop');
      expect(seen).toEqual(['before', 'after']);
      if (subscription.type === 'Subscription') subscription.unsubscribe();
    });
  });
});

