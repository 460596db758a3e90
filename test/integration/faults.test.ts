import { randomUUID } from 'node:crypto';
import {
  AllCaches,
  AllTopics,
  CacheClient,
  CacheRole,
  Configurations,
  FixedCountRetryStrategy,
  MomentoErrorCode,
  TopicClient,
  TopicConfigurations,
  TopicRole,
  type Middleware,
  type MiddlewareRequestHandler,
} from '@gomomento/sdk';
// 1.118.1 does not re-export the middleware (nor the RPC names it takes) from the package root.
import { ExperimentalMomentoLocalTestConfigMiddleware } from '@gomomento/sdk/dist/src/config/middleware/experimental-momento-local-test-config-middleware.js';
import { MomentoRPCMethod } from '@gomomento/sdk/dist/src/config/retry/momento-rpc-method.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultStatus } from '../../src/local/index.js';
import { cacheClientFor, topicClientFor } from './support/clients.js';
import { useLocalServer } from './support/local-server.js';
import { subscription, useSubscriptions } from './support/subscriptions.js';
import { waitFor } from './support/time.js';
import { decodedKey, vendToken } from './support/tokens.js';

type LocalMetadata = ConstructorParameters<typeof ExperimentalMomentoLocalTestConfigMiddleware>[0];

const CACHE = 'faults';

/** Counts the attempts of each call: loaded late, it sits after the SDK's retry interceptor. */
class AttemptCounter implements Middleware {
  readonly shouldLoadLate = true;
  attempts = 0;
  onNewRequest(): MiddlewareRequestHandler {
    this.attempts++;
    return {
      onRequestMetadata: (m) => Promise.resolve(m),
      onRequestBody: (b) => Promise.resolve(b),
      onResponseMetadata: (m) => Promise.resolve(m),
      onResponseBody: (b) => Promise.resolve(b),
      onResponseStatus: (s) => Promise.resolve(s),
    };
  }
}

describe('faults', () => {
  const env = useLocalServer({ heartbeatIntervalMs: 100, caches: [CACHE] });
  const subs = useSubscriptions();
  const cacheClients: CacheClient[] = [];

  /** A cache client of the real SDK with the given middlewares, client timeout and FixedCount retries. */
  async function cacheClient(options: { middlewares?: Middleware[]; timeoutMs?: number; maxAttempts?: number } = {}): Promise<CacheClient> {
    const base = Configurations.Laptop.v1();
    let configuration = base
      .withMiddlewares(options.middlewares ?? [])
      .withRetryStrategy(new FixedCountRetryStrategy({ loggerFactory: base.getLoggerFactory(), maxAttempts: options.maxAttempts ?? 3 }));
    if (options.timeoutMs !== undefined) configuration = configuration.withClientTimeoutMillis(options.timeoutMs);
    const client = await CacheClient.create({ configuration, credentialProvider: env.momento.credentialProvider, defaultTtlSeconds: 60 });
    cacheClients.push(client);
    return client;
  }

  function topicClient(options: { middlewares?: Middleware[]; timeoutMs?: number } = {}): TopicClient {
    let configuration = TopicConfigurations.Default.latest().withMiddlewares(options.middlewares ?? []);
    if (options.timeoutMs !== undefined) configuration = configuration.withClientTimeoutMillis(options.timeoutMs);
    return new TopicClient({ configuration, credentialProvider: env.momento.credentialProvider });
  }

  /** The SDK's own momento-local middleware, with a fresh request id unless one is given. */
  const localFaults = (metadata: Partial<LocalMetadata>): ExperimentalMomentoLocalTestConfigMiddleware =>
    new ExperimentalMomentoLocalTestConfigMiddleware({ requestId: randomUUID(), ...metadata });

  beforeAll(async () => {
    expect((await env.clients.cache.set(CACHE, 'k', 'v')).type).toBe('Success');
  });
  afterEach(() => {
    for (const client of cacheClients.splice(0)) client.close();
    env.momento.faults.clear();
  });

  describe('programmatic faults', () => {
    it('failNext on an eligible RPC: the SDK retries and the call succeeds', async () => {
      const counter = new AttemptCounter();
      const client = await cacheClient({ middlewares: [counter] });
      env.momento.faults.failNext('get', { count: 2, status: 'unavailable' });
      const got = await client.get(CACHE, 'k');
      expect(got.type, got.toString()).toBe('Hit');
      expect(got.value()).toBe('v');
      expect(counter.attempts).toBe(3);
    });

    it('failNext beyond the retry budget: the call fails after 1 + maxAttempts attempts', async () => {
      const counter = new AttemptCounter();
      const client = await cacheClient({ middlewares: [counter], maxAttempts: 3 });
      env.momento.faults.failNext('get', { count: 100, status: 'internal' });
      const got = await client.get(CACHE, 'k');
      expect(got.type).toBe('Error');
      if (got.type === 'Error') expect(got.errorCode()).toBe(MomentoErrorCode.INTERNAL_SERVER_ERROR);
      // FixedCount's maxAttempts counts retries: the first attempt and 3 more.
      expect(counter.attempts).toBe(4);
    });

    it('failNext on a non-idempotent RPC: one failure, no retry, and the write did not happen', async () => {
      const counter = new AttemptCounter();
      const client = await cacheClient({ middlewares: [counter] });
      env.momento.faults.failNext('increment', { status: 'unavailable' });
      const failed = await client.increment(CACHE, 'counter-1', 1);
      expect(failed.type).toBe('Error');
      if (failed.type === 'Error') expect(failed.errorCode()).toBe(MomentoErrorCode.SERVER_UNAVAILABLE);
      expect(counter.attempts).toBe(1);
      const next = await client.increment(CACHE, 'counter-1', 1);
      expect(next.type).toBe('Success');
      if (next.type === 'Success') expect(next.value()).toBe(1);
    });

    const statuses: Array<[FaultStatus, MomentoErrorCode]> = [
      ['not-found', MomentoErrorCode.CACHE_NOT_FOUND_ERROR],
      ['permission-denied', MomentoErrorCode.PERMISSION_ERROR],
      ['unauthenticated', MomentoErrorCode.AUTHENTICATION_ERROR],
      ['resource-exhausted', MomentoErrorCode.LIMIT_EXCEEDED_ERROR],
      ['invalid-argument', MomentoErrorCode.INVALID_ARGUMENT_ERROR],
      ['failed-precondition', MomentoErrorCode.FAILED_PRECONDITION_ERROR],
      ['deadline-exceeded', MomentoErrorCode.TIMEOUT_ERROR],
      ['cancelled', MomentoErrorCode.CANCELLED_ERROR],
      ['internal', MomentoErrorCode.INTERNAL_SERVER_ERROR],
      ['unavailable', MomentoErrorCode.SERVER_UNAVAILABLE],
      ['unknown', MomentoErrorCode.UNKNOWN_SERVICE_ERROR],
    ];
    it.each(statuses)('failNext with status %s reaches the SDK as %s', async (status, code) => {
      env.momento.faults.failNext('list-push-back', { status });
      const failed = await env.clients.cache.listPushBack(CACHE, `list-${status}`, 'x');
      expect(failed.type).toBe('Error');
      if (failed.type === 'Error') expect(failed.errorCode()).toBe(code);
      expect((await env.clients.cache.listPushBack(CACHE, `list-${status}`, 'x')).type).toBe('Success');
    });

    it('failNext with several RPCs fails only the next matching call, and leaves other RPCs alone', async () => {
      env.momento.faults.failNext(['set', 'increment'], { status: 'permission-denied' });
      expect((await env.clients.cache.get(CACHE, 'k')).type).toBe('Hit');
      const failed = await env.clients.cache.increment(CACHE, 'counter-2', 5);
      expect(failed.type).toBe('Error');
      if (failed.type === 'Error') expect(failed.errorCode()).toBe(MomentoErrorCode.PERMISSION_ERROR);
      expect((await env.clients.cache.set(CACHE, 'k2', 'v2')).type).toBe('Success');
      expect((await env.clients.cache.increment(CACHE, 'counter-2', 5)).type).toBe('Success');
    });

    it('failNext carries its message to the SDK', async () => {
      env.momento.faults.failNext('get', { status: 'permission-denied', message: 'no reading today' });
      const got = await env.clients.cache.get(CACHE, 'k');
      expect(got.type).toBe('Error');
      if (got.type === 'Error') {
        expect(got.errorCode()).toBe(MomentoErrorCode.PERMISSION_ERROR);
        expect(got.message()).toContain('no reading today');
      }
    });

    it('failNext on topic-publish and topic-subscribe', async () => {
      env.momento.faults.failNext('topic-subscribe', { status: 'permission-denied' });
      const refused = await subs.subscribe(env.clients.topics, CACHE, 'failing');
      expect(refused.response.type).toBe('Error');
      if (refused.response.type === 'Error') expect(refused.response.errorCode()).toBe(MomentoErrorCode.PERMISSION_ERROR);

      const rec = await subs.subscribe(env.clients.topics, CACHE, 'failing');
      subscription(rec.response);
      env.momento.faults.failNext('topic-publish', { status: 'unavailable' });
      const lost = await env.clients.topics.publish(CACHE, 'failing', 'lost');
      expect(lost.type).toBe('Error');
      if (lost.type === 'Error') expect(lost.errorCode()).toBe(MomentoErrorCode.SERVER_UNAVAILABLE);
      expect((await env.clients.topics.publish(CACHE, 'failing', 'kept')).type).toBe('Success');
      await waitFor(() => rec.events.items.length === 1);
      expect(rec.values()).toEqual(['kept']);
      expect(rec.seqs()).toEqual([1]);
    });

    it('delay beyond the client timeout gives TIMEOUT_ERROR; count limits it; clear() removes the rest', async () => {
      const client = await cacheClient({ timeoutMs: 300 });
      env.momento.faults.delay('get', { ms: 2000, count: 1 });
      const slow = await client.get(CACHE, 'k');
      expect(slow.type).toBe('Error');
      if (slow.type === 'Error') expect(slow.errorCode()).toBe(MomentoErrorCode.TIMEOUT_ERROR);
      expect((await client.get(CACHE, 'k')).type).toBe('Hit');

      env.momento.faults.delay('get', { ms: 2000 });
      for (let i = 0; i < 2; i++) {
        const again = await client.get(CACHE, 'k');
        expect(again.type).toBe('Error');
        if (again.type === 'Error') expect(again.errorCode()).toBe(MomentoErrorCode.TIMEOUT_ERROR);
      }
      // Other RPCs are not held.
      expect((await client.set(CACHE, 'k3', 'v3')).type).toBe('Success');
      env.momento.faults.clear();
      expect((await client.get(CACHE, 'k')).type).toBe('Hit');
    });

    it('a delay shorter than the client timeout still answers', async () => {
      env.momento.faults.delay(['get', 'set'], { ms: 100 });
      expect((await env.clients.cache.set(CACHE, 'k4', 'v4')).type).toBe('Success');
      const got = await env.clients.cache.get(CACHE, 'k4');
      expect(got.type).toBe('Hit');
      expect(got.value()).toBe('v4');
    });

    it('delay on topic-subscribe beyond the topic client timeout: subscribe() gives TIMEOUT_ERROR', async () => {
      env.momento.faults.delay('topic-subscribe', { ms: 2000, count: 1 });
      const rec = await subs.subscribe(topicClient({ timeoutMs: 300 }), CACHE, 'slow-start');
      expect(rec.response.type).toBe('Error');
      if (rec.response.type === 'Error') expect(rec.response.errorCode()).toBe(MomentoErrorCode.TIMEOUT_ERROR);
      expect(rec.events.heartbeats).toBe(0);
    });

    it('clear() removes pending failures', async () => {
      env.momento.faults.failNext('get', { count: 10, status: 'permission-denied' });
      env.momento.faults.clear();
      expect((await env.clients.cache.get(CACHE, 'k')).type).toBe('Hit');
    });

    it("dropSubscriptions({status: 'ok'}): the SDK resubscribes at once, without connection loss, and nothing is lost", async () => {
      const rec = await subs.subscribe(topicClientFor(env.momento), CACHE, 'drop-ok');
      subscription(rec.response);
      expect((await env.clients.topics.publish(CACHE, 'drop-ok', 'one')).type).toBe('Success');
      await waitFor(() => rec.events.items.length === 1);
      const heartbeats = rec.events.heartbeats;

      expect(env.momento.faults.dropSubscriptions({ status: 'ok' })).toBeGreaterThanOrEqual(1);
      expect((await env.clients.topics.publish(CACHE, 'drop-ok', 'two')).type).toBe('Success');
      await waitFor(() => rec.events.items.length === 2);
      // The new stream announced itself and keeps beating.
      await waitFor(() => rec.events.heartbeats >= heartbeats + 3);
      expect(rec.seqs()).toEqual([1, 2]);
      expect(rec.events.connectionLost).toBe(0);
      expect(rec.events.errors).toEqual([]);
    });

    it('dropSubscriptions with a final status: onError, and the subscription ends', async () => {
      const rec = await subs.subscribe(topicClientFor(env.momento), CACHE, 'drop-final');
      const sub = subscription(rec.response);
      expect(env.momento.faults.dropSubscriptions({ status: 'permission-denied' })).toBeGreaterThanOrEqual(1);
      await waitFor(() => rec.events.errors.length === 1);
      expect(rec.events.errors[0]!.errorCode()).toBe(MomentoErrorCode.PERMISSION_ERROR);
      expect(sub.isSubscribed).toBe(false);
      await waitFor(() => rec.events.ends === 1, 3000, 'the end of the subscription');
      expect(rec.events.log.filter((e) => e !== 'heartbeat')).toEqual(['lost', 'error:PERMISSION_ERROR', 'end']);
    });

    it('disconnectAll: unary calls reconnect and subscriptions resume where they were', async () => {
      const rec = await subs.subscribe(topicClientFor(env.momento), CACHE, 'disconnect');
      const sub = subscription(rec.response);
      const publisher = topicClientFor(env.momento);
      expect((await publisher.publish(CACHE, 'disconnect', 'before')).type).toBe('Success');
      await waitFor(() => rec.events.items.length === 1);

      expect(env.momento.faults.disconnectAll()).toBeGreaterThanOrEqual(2);
      await waitFor(() => rec.events.connectionLost === 1, 3000, 'connection lost');
      expect((await publisher.publish(CACHE, 'disconnect', 'during')).type).toBe('Success');
      await waitFor(() => rec.events.items.length === 2, 3000, 'the item published during the gap');
      expect((await publisher.publish(CACHE, 'disconnect', 'after')).type).toBe('Success');
      await waitFor(() => rec.events.items.length >= 3);
      expect(rec.values()).toEqual(['before', 'during', 'after']);
      expect(rec.seqs()).toEqual([1, 2, 3]);
      expect(rec.events.errors).toEqual([]);
      expect(sub.isSubscribed).toBe(true);
      expect((await env.clients.cache.get(CACHE, 'k')).type).toBe('Hit');
    });

    it('expireToken: calls with the token fail with AUTHENTICATION_ERROR and its subscriptions end', async () => {
      const scope = {
        permissions: [
          { role: CacheRole.ReadWrite, cache: AllCaches },
          { role: TopicRole.PublishSubscribe, cache: AllCaches, topic: AllTopics },
        ],
      };
      const token = await vendToken(env.clients.auth, scope, { tokenId: 'bob' });
      const twin = await vendToken(env.clients.auth, scope, { tokenId: 'bob' });
      const other = await vendToken(env.clients.auth, scope, { tokenId: 'carol' });
      const cache = await cacheClientFor(env.momento, token);
      cacheClients.push(cache);
      expect((await cache.get(CACHE, 'k')).type).toBe('Hit');
      const rec = await subs.subscribe(topicClientFor(env.momento, token), CACHE, 'expire');
      const sub = subscription(rec.response);
      const otherRec = await subs.subscribe(topicClientFor(env.momento, other), CACHE, 'expire');

      expect(env.momento.faults.expireToken('nobody')).toBe(0);
      expect(env.momento.faults.expireToken('bob')).toBe(2);
      await waitFor(() => rec.events.errors.length === 1);
      expect(rec.events.errors[0]!.errorCode()).toBe(MomentoErrorCode.AUTHENTICATION_ERROR);
      expect(sub.isSubscribed).toBe(false);
      const refused = await cache.get(CACHE, 'k');
      expect(refused.type).toBe('Error');
      if (refused.type === 'Error') expect(refused.errorCode()).toBe(MomentoErrorCode.AUTHENTICATION_ERROR);
      const twinPublish = await topicClientFor(env.momento, twin).publish(CACHE, 'expire', 'x');
      expect(twinPublish.type).toBe('Error');
      if (twinPublish.type === 'Error') expect(twinPublish.errorCode()).toBe(MomentoErrorCode.AUTHENTICATION_ERROR);

      // By api key, too; carol's subscription lived until then.
      expect(otherRec.events.errors).toEqual([]);
      expect(env.momento.faults.expireToken(String(decodedKey(other).api_key))).toBe(1);
      await waitFor(() => otherRec.events.errors.length === 1);
      expect(otherRec.events.errors[0]!.errorCode()).toBe(MomentoErrorCode.AUTHENTICATION_ERROR);
    });
  });

  describe("momento-local's metadata protocol, through ExperimentalMomentoLocalTestConfigMiddleware", () => {
    it('errorCount 2 on get: the SDK retries past both failures (3 attempts)', async () => {
      const counter = new AttemptCounter();
      const client = await cacheClient({
        middlewares: [localFaults({ returnError: MomentoErrorCode.SERVER_UNAVAILABLE, errorRpcs: [MomentoRPCMethod.Get], errorCount: 2 }), counter],
      });
      // Set is not listed: it is neither failed nor counted.
      expect((await client.set(CACHE, 'meta-k', 'meta-v')).type).toBe('Success');
      counter.attempts = 0;
      const got = await client.get(CACHE, 'meta-k');
      expect(got.type, got.toString()).toBe('Hit');
      expect(got.value()).toBe('meta-v');
      expect(counter.attempts).toBe(3);
      // The count is spent: the next get goes through at once.
      counter.attempts = 0;
      expect((await client.get(CACHE, 'meta-k')).type).toBe('Hit');
      expect(counter.attempts).toBe(1);
    });

    it('no errorCount: every get fails, and the SDK gives up with SERVER_UNAVAILABLE', async () => {
      const counter = new AttemptCounter();
      const client = await cacheClient({
        middlewares: [localFaults({ returnError: MomentoErrorCode.SERVER_UNAVAILABLE, errorRpcs: [MomentoRPCMethod.Get] }), counter],
      });
      const got = await client.get(CACHE, 'k');
      expect(got.type).toBe('Error');
      if (got.type === 'Error') expect(got.errorCode()).toBe(MomentoErrorCode.SERVER_UNAVAILABLE);
      // The first attempt and maxAttempts (3) retries, as upstream's fixed-count test expects.
      expect(counter.attempts).toBe(4);
    });

    it('errorRpcs increment: Error, not retried', async () => {
      const counter = new AttemptCounter();
      const client = await cacheClient({
        middlewares: [localFaults({ returnError: MomentoErrorCode.SERVER_UNAVAILABLE, errorRpcs: [MomentoRPCMethod.Increment] }), counter],
      });
      const failed = await client.increment(CACHE, 'meta-counter', 1);
      expect(failed.type).toBe('Error');
      if (failed.type === 'Error') expect(failed.errorCode()).toBe(MomentoErrorCode.SERVER_UNAVAILABLE);
      expect(counter.attempts).toBe(1);
    });

    it('counters are scoped per request id', async () => {
      const metadata = { returnError: MomentoErrorCode.SERVER_UNAVAILABLE, errorRpcs: [MomentoRPCMethod.Increment], errorCount: 1 };
      const a = await cacheClient({ middlewares: [localFaults(metadata)] });
      const b = await cacheClient({ middlewares: [localFaults(metadata)] });
      const key = `scoped-${randomUUID()}`;
      const results = [];
      for (const client of [a, a, b, b]) {
        const r = await client.increment(CACHE, key, 1);
        results.push(r.type === 'Success' ? r.value() : r.errorCode());
      }
      expect(results).toEqual([MomentoErrorCode.SERVER_UNAVAILABLE, 1, MomentoErrorCode.SERVER_UNAVAILABLE, 2]);
    });

    it('delayRpcs get beyond a short client timeout: TIMEOUT_ERROR; delayCount 1 lets the next one through', async () => {
      const client = await cacheClient({
        timeoutMs: 300,
        middlewares: [localFaults({ delayRpcs: [MomentoRPCMethod.Get], delayMs: 2000, delayCount: 1 })],
      });
      const slow = await client.get(CACHE, 'k');
      expect(slow.type).toBe('Error');
      if (slow.type === 'Error') expect(slow.errorCode()).toBe(MomentoErrorCode.TIMEOUT_ERROR);
      expect((await client.get(CACHE, 'k')).type).toBe('Hit');
    });

    it('a delay within the timeout, then an error: the delay does not stop the error', async () => {
      const counter = new AttemptCounter();
      const client = await cacheClient({
        middlewares: [
          localFaults({
            returnError: MomentoErrorCode.INTERNAL_SERVER_ERROR,
            errorRpcs: [MomentoRPCMethod.Get],
            errorCount: 1,
            delayRpcs: [MomentoRPCMethod.Get],
            delayMs: 50,
            delayCount: 1,
          }),
          counter,
        ],
      });
      expect((await client.get(CACHE, 'k')).type).toBe('Hit');
      expect(counter.attempts).toBe(2);
    });

    it('streamError unavailable after 3 messages: onConnectionLost, then the subscription carries on', async () => {
      const client = topicClient({
        middlewares: [
          localFaults({
            streamErrorRpcs: [MomentoRPCMethod.TopicSubscribe],
            streamError: MomentoErrorCode.SERVER_UNAVAILABLE,
            streamErrorMessageLimit: 3,
          }),
        ],
      });
      const rec = await subs.subscribe(client, CACHE, 'stream-unavailable');
      const sub = subscription(rec.response);
      expect((await env.clients.topics.publish(CACHE, 'stream-unavailable', 'one')).type).toBe('Success');
      await waitFor(() => rec.events.connectionLost === 1, 3000, 'the first stream error');
      expect(rec.events.errors).toEqual([]);
      // Published while the SDK waits to resubscribe: the resumed stream replays it.
      expect((await env.clients.topics.publish(CACHE, 'stream-unavailable', 'two')).type).toBe('Success');
      await waitFor(() => rec.events.items.length === 2, 3000, 'the item published during the gap');
      // Every new stream fails again after 3 messages, heartbeats included.
      await waitFor(() => rec.events.connectionLost === 2, 3000, 'the second stream error');
      expect(rec.values()).toEqual(['one', 'two']);
      expect(rec.seqs()).toEqual([1, 2]);
      expect(rec.events.errors).toEqual([]);
      expect(sub.isSubscribed).toBe(true);
    });

    it('stream errors that cut a replay short lose and repeat nothing', async () => {
      const client = topicClient({
        middlewares: [localFaults({ streamErrorRpcs: [MomentoRPCMethod.TopicSubscribe], streamError: 'unavailable', streamErrorMessageLimit: 3 })],
      });
      const rec = await subs.subscribe(client, CACHE, 'stream-replay');
      subscription(rec.response);
      expect((await env.clients.topics.publish(CACHE, 'stream-replay', 'r1')).type).toBe('Success');
      await waitFor(() => rec.events.connectionLost === 1, 3000, 'the first stream error');
      // Each resumed stream carries a heartbeat and at most two of these before it fails again.
      for (const value of ['r2', 'r3', 'r4', 'r5', 'r6']) {
        expect((await env.clients.topics.publish(CACHE, 'stream-replay', value)).type).toBe('Success');
      }
      await waitFor(() => rec.events.items.length >= 6, 4000, 'every item');
      expect(rec.values()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      expect(rec.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(rec.events.connectionLost).toBeGreaterThanOrEqual(3);
      expect(rec.events.discontinuities).toEqual([]);
      expect(rec.events.errors).toEqual([]);
    });

    it('streamError not-found after 3 messages: onError NOT_FOUND_ERROR and the subscription ends', async () => {
      const client = topicClient({
        middlewares: [localFaults({ streamErrorRpcs: [MomentoRPCMethod.TopicSubscribe], streamError: 'not-found', streamErrorMessageLimit: 3 })],
      });
      const rec = await subs.subscribe(client, CACHE, 'stream-not-found');
      const sub = subscription(rec.response);
      await waitFor(() => rec.events.errors.length === 1, 3000, 'the stream error');
      expect(rec.events.errors[0]!.errorCode()).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
      expect(sub.isSubscribed).toBe(false);
      await waitFor(() => rec.events.ends === 1, 3000, 'the end of the subscription');
      // Three messages (the heartbeats) before the error; one connection loss, one error, one end, as upstream's tests expect.
      expect(rec.events.log).toEqual(['heartbeat', 'heartbeat', 'heartbeat', 'lost', 'error:NOT_FOUND_ERROR', 'end']);
    });

    it('delayRpcs topic-subscribe beyond the topic client timeout: subscribe() gives TIMEOUT_ERROR', async () => {
      const client = topicClient({ timeoutMs: 300, middlewares: [localFaults({ delayRpcs: [MomentoRPCMethod.TopicSubscribe], delayMs: 2000 })] });
      const rec = await subs.subscribe(client, CACHE, 'stream-slow');
      expect(rec.response.type).toBe('Error');
      if (rec.response.type === 'Error') expect(rec.response.errorCode()).toBe(MomentoErrorCode.TIMEOUT_ERROR);
    });

    it('returnError on topic-subscribe: subscribe() returns the error', async () => {
      const client = topicClient({
        middlewares: [localFaults({ returnError: MomentoErrorCode.PERMISSION_ERROR, errorRpcs: [MomentoRPCMethod.TopicSubscribe] })],
      });
      const rec = await subs.subscribe(client, CACHE, 'stream-refused');
      expect(rec.response.type).toBe('Error');
      if (rec.response.type === 'Error') expect(rec.response.errorCode()).toBe(MomentoErrorCode.PERMISSION_ERROR);
    });

    it('topic-publish: errorCount 1 fails one publish, not retried; a delay beyond the timeout gives TIMEOUT_ERROR', async () => {
      const failing = topicClient({
        middlewares: [localFaults({ returnError: MomentoErrorCode.SERVER_UNAVAILABLE, errorRpcs: [MomentoRPCMethod.TopicPublish], errorCount: 1 })],
      });
      const first = await failing.publish(CACHE, 'meta-publish', 'one');
      expect(first.type).toBe('Error');
      if (first.type === 'Error') expect(first.errorCode()).toBe(MomentoErrorCode.SERVER_UNAVAILABLE);
      expect((await failing.publish(CACHE, 'meta-publish', 'two')).type).toBe('Success');

      const slow = topicClient({ timeoutMs: 300, middlewares: [localFaults({ delayRpcs: [MomentoRPCMethod.TopicPublish], delayMs: 2000 })] });
      const late = await slow.publish(CACHE, 'meta-publish', 'three');
      expect(late.type).toBe('Error');
      if (late.type === 'Error') expect(late.errorCode()).toBe(MomentoErrorCode.TIMEOUT_ERROR);
    });
  });
});
