import { AllCaches, AllTopics, MomentoErrorCode, TopicRole, type TopicClient } from '@gomomento/sdk';
import { describe, expect, it } from 'vitest';
import { authClientFor, topicClientFor } from './support/clients.js';
import { useLocalServer } from './support/local-server.js';
import { subscription, useSubscriptions } from './support/subscriptions.js';
import { eventually, manualClock, waitFor } from './support/time.js';
import { vendToken } from './support/tokens.js';

const CACHE = 'topics';
const topicScope = { permissions: [{ role: TopicRole.PublishSubscribe, cache: AllCaches, topic: AllTopics }] };

async function publishAll(client: TopicClient, cacheName: string, topic: string, values: Array<string | Uint8Array>): Promise<void> {
  for (const value of values) {
    const response = await client.publish(cacheName, topic, value);
    expect(response.type, response.toString()).toBe('Success');
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('topics: delivery, sequence numbers and heartbeats', () => {
  const env = useLocalServer({ heartbeatIntervalMs: 50, caches: [CACHE, 'topics-other'] });
  const subs = useSubscriptions();

  it('delivers text and binary items, in order, with the publisher token id', async () => {
    const rec = await subs.subscribe(env.clients.topics, CACHE, 'text-binary');
    subscription(rec.response);
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    await publishAll(env.clients.topics, CACHE, 'text-binary', ['héllo wörld', bytes]);
    const token = await vendToken(env.clients.auth, topicScope, { tokenId: 'alice' });
    await publishAll(topicClientFor(env.momento, token), CACHE, 'text-binary', ['from alice']);

    await waitFor(() => rec.events.items.length === 3, 3000, 'three items');
    const [text, binary, fromAlice] = rec.events.items;
    expect(typeof text!.value()).toBe('string');
    expect(text!.valueString()).toBe('héllo wörld');
    expect(typeof binary!.value()).not.toBe('string');
    expect(Array.from(binary!.valueUint8Array())).toEqual(Array.from(bytes));
    expect(text!.tokenId()).toBe('');
    expect(fromAlice!.valueString()).toBe('from alice');
    expect(fromAlice!.tokenId()).toBe('alice');
    expect(rec.events.errors).toEqual([]);
  });

  it('numbers items per topic from 1; other topics and caches count on their own', async () => {
    const a = await subs.subscribe(env.clients.topics, CACHE, 'seq-a');
    const b = await subs.subscribe(env.clients.topics, CACHE, 'seq-b');
    const otherCache = await subs.subscribe(env.clients.topics, 'topics-other', 'seq-a');
    for (const rec of [a, b, otherCache]) subscription(rec.response);

    await publishAll(env.clients.topics, CACHE, 'seq-a', ['a1']);
    await publishAll(env.clients.topics, CACHE, 'seq-b', ['b1']);
    await publishAll(env.clients.topics, CACHE, 'seq-a', ['a2', 'a3']);
    await publishAll(env.clients.topics, 'topics-other', 'seq-a', ['x1']);
    await publishAll(env.clients.topics, CACHE, 'seq-b', ['b2']);

    await waitFor(() => a.events.items.length === 3 && b.events.items.length === 2 && otherCache.events.items.length === 1);
    expect(a.seqs()).toEqual([1, 2, 3]);
    expect(a.values()).toEqual(['a1', 'a2', 'a3']);
    expect(b.seqs()).toEqual([1, 2]);
    expect(b.values()).toEqual(['b1', 'b2']);
    expect(otherCache.seqs()).toEqual([1]);
    expect(otherCache.values()).toEqual(['x1']);
  });

  it('fans each item out to every subscriber of the topic', async () => {
    const first = await subs.subscribe(env.clients.topics, CACHE, 'fan-out');
    const second = await subs.subscribe(topicClientFor(env.momento), CACHE, 'fan-out');
    await publishAll(env.clients.topics, CACHE, 'fan-out', ['one', 'two']);
    await waitFor(() => first.events.items.length === 2 && second.events.items.length === 2);
    expect(first.values()).toEqual(['one', 'two']);
    expect(second.values()).toEqual(['one', 'two']);
    expect(second.seqs()).toEqual(first.seqs());
  });

  it('sends heartbeats periodically while the stream is open', async () => {
    const rec = await subs.subscribe(env.clients.topics, CACHE, 'heartbeats');
    subscription(rec.response);
    await waitFor(() => rec.events.heartbeats >= 6, 3000, 'six heartbeats');
    expect(rec.events.items).toEqual([]);
    expect(rec.events.errors).toEqual([]);
    expect(rec.events.connectionLost).toBe(0);
  });

  it('rejects a publish over 4 KB with LIMIT_EXCEEDED_ERROR and delivers one at exactly 4 KB', async () => {
    const rec = await subs.subscribe(env.clients.topics, CACHE, 'four-kb');
    subscription(rec.response);
    const tooBig = await env.clients.topics.publish(CACHE, 'four-kb', 'x'.repeat(4097));
    expect(tooBig.type).toBe('Error');
    if (tooBig.type === 'Error') expect(tooBig.errorCode()).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
    const tooBigBinary = await env.clients.topics.publish(CACHE, 'four-kb', new Uint8Array(4097));
    expect(tooBigBinary.type).toBe('Error');
    if (tooBigBinary.type === 'Error') expect(tooBigBinary.errorCode()).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);

    await publishAll(env.clients.topics, CACHE, 'four-kb', ['y'.repeat(4096)]);
    await waitFor(() => rec.events.items.length === 1);
    // The rejected publishes took no sequence number.
    expect(rec.seqs()).toEqual([1]);
    expect(rec.values()[0]).toHaveLength(4096);
  });

  it('answers NOT_FOUND_ERROR to a publish or a subscribe on a missing cache', async () => {
    const published = await env.clients.topics.publish('no-such-cache', 't', 'hello');
    expect(published.type).toBe('Error');
    if (published.type === 'Error') expect(published.errorCode()).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
    const rec = await subs.subscribe(env.clients.topics, 'no-such-cache', 't');
    expect(rec.response.type).toBe('Error');
    if (rec.response.type === 'Error') expect(rec.response.errorCode()).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
  });

  it('ends the subscriptions of a deleted cache with NOT_FOUND_ERROR and leaves other caches alone', async () => {
    expect((await env.clients.cache.createCache('doomed')).type).toBe('Success');
    const doomed = await subs.subscribe(topicClientFor(env.momento), 'doomed', 'room');
    const survivor = await subs.subscribe(env.clients.topics, CACHE, 'room');
    const doomedSub = subscription(doomed.response);

    expect((await env.clients.cache.deleteCache('doomed')).type).toBe('Success');
    await waitFor(() => doomed.events.errors.length === 1, 3000, 'the error of the deleted cache');
    expect(doomed.events.errors[0]!.errorCode()).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
    expect(doomedSub.isSubscribed).toBe(false);
    await waitFor(() => doomed.events.ends === 1, 3000, 'the end of the subscription');
    expect(doomed.events.log.filter((e) => e !== 'heartbeat')).toEqual(['lost', 'error:NOT_FOUND_ERROR', 'end']);

    await publishAll(env.clients.topics, CACHE, 'room', ['still here']);
    await waitFor(() => survivor.events.items.length === 1);
    expect(survivor.values()).toEqual(['still here']);
    expect(survivor.events.errors).toEqual([]);
    expect(doomed.events.items).toEqual([]);
  });
});

describe('topics: the first heartbeat', () => {
  // No periodic heartbeat within the test: only the immediate one can resolve subscribe().
  const env = useLocalServer({ heartbeatIntervalMs: 60_000, caches: [CACHE] });
  const subs = useSubscriptions();

  it('resolves subscribe() on the heartbeat the server sends at once', async () => {
    const rec = await subs.subscribe(env.clients.topics, CACHE, 'first-heartbeat');
    subscription(rec.response);
    expect(rec.events.log).toEqual(['heartbeat']);

    await publishAll(env.clients.topics, CACHE, 'first-heartbeat', ['live']);
    await waitFor(() => rec.events.items.length === 1);
    expect(rec.events.log).toEqual(['heartbeat', 'item:1']);
  });
});

describe('topics: resuming after a dropped stream', () => {
  const env = useLocalServer({ heartbeatIntervalMs: 100, retainedTopicItems: 3, caches: [CACHE] });
  const subs = useSubscriptions();

  it('delivers the items published while the SDK resubscribes, in order and exactly once', async () => {
    // A client of its own: the SDK's connection-lost flag is per client.
    const client = topicClientFor(env.momento);
    const rec = await subs.subscribe(client, CACHE, 'resume');
    const sub = subscription(rec.response);
    await publishAll(env.clients.topics, CACHE, 'resume', ['m1', 'm2']);
    await waitFor(() => rec.events.items.length === 2);

    expect(env.momento.faults.dropSubscriptions()).toBeGreaterThanOrEqual(1);
    await waitFor(() => rec.events.connectionLost === 1, 3000, 'connection lost');
    // The Node SDK waits 500 ms before it resubscribes with resume = 3.
    await publishAll(env.clients.topics, CACHE, 'resume', ['m3', 'm4']);
    await waitFor(() => rec.events.items.length === 4, 3000, 'the replayed items');
    await publishAll(env.clients.topics, CACHE, 'resume', ['m5']);
    await waitFor(() => rec.events.items.length >= 5, 3000, 'a live item after the resume');

    expect(rec.seqs()).toEqual(range(1, 5));
    expect(rec.values()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(rec.events.discontinuities).toEqual([]);
    expect(rec.events.errors).toEqual([]);
    expect(sub.isSubscribed).toBe(true);
  });

  it('reports a discontinuity, then the retained items, when more were published than the topic keeps', async () => {
    const client = topicClientFor(env.momento);
    const rec = await subs.subscribe(client, CACHE, 'gap');
    subscription(rec.response);
    await publishAll(env.clients.topics, CACHE, 'gap', ['d1']);
    await waitFor(() => rec.events.items.length === 1);

    expect(env.momento.faults.dropSubscriptions()).toBeGreaterThanOrEqual(1);
    await waitFor(() => rec.events.connectionLost === 1, 3000, 'connection lost');
    // Six items while the topic keeps three: 2, 3 and 4 are gone when the SDK resumes at 2.
    await publishAll(env.clients.topics, CACHE, 'gap', ['d2', 'd3', 'd4', 'd5', 'd6', 'd7']);
    await waitFor(() => rec.events.items.length === 4, 3000, 'the retained items');
    await publishAll(env.clients.topics, CACHE, 'gap', ['d8']);
    await waitFor(() => rec.events.items.length >= 5, 3000, 'a live item after the discontinuity');

    expect(rec.events.discontinuities).toHaveLength(1);
    const gap = rec.events.discontinuities[0]!;
    expect(gap.lastSequenceNumber()).toBe(1);
    expect(gap.newSequenceNumber()).toBe(4);
    expect(rec.seqs()).toEqual([1, 5, 6, 7, 8]);
    expect(rec.values()).toEqual(['d1', 'd5', 'd6', 'd7', 'd8']);
    const log = rec.events.log.filter((e) => e.startsWith('item') || e.startsWith('discontinuity'));
    expect(log).toEqual(['item:1', 'discontinuity:1->4', 'item:5', 'item:6', 'item:7', 'item:8']);
    expect(rec.events.errors).toEqual([]);
  });
});

describe('topics: limits', () => {
  const env = useLocalServer({ limits: { topicMessageBytes: 64, maxSubscriptions: 2 }, caches: [CACHE] });
  const subs = useSubscriptions();

  it('enforces a lowered message limit in UTF-8 bytes', async () => {
    await publishAll(env.clients.topics, CACHE, 'small', ['a'.repeat(64), new Uint8Array(64)]);
    for (const value of ['a'.repeat(65), 'é'.repeat(33), new Uint8Array(65)]) {
      const response = await env.clients.topics.publish(CACHE, 'small', value);
      expect(response.type).toBe('Error');
      if (response.type === 'Error') expect(response.errorCode()).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
    }
  });

  it('refuses a subscription beyond maxSubscriptions with LIMIT_EXCEEDED_ERROR, and takes one again after an unsubscribe', async () => {
    const client = topicClientFor(env.momento);
    const first = await subs.subscribe(client, CACHE, 'crowded');
    const second = await subs.subscribe(client, CACHE, 'other-topic');
    subscription(first.response);
    subscription(second.response);

    const third = await subs.subscribe(client, CACHE, 'crowded');
    expect(third.response.type).toBe('Error');
    if (third.response.type === 'Error') expect(third.response.errorCode()).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);

    subscription(first.response).unsubscribe();
    // The server frees the slot when it sees the cancellation.
    const again = await eventually(async () => {
      const rec = await subs.subscribe(client, CACHE, 'crowded');
      return rec.response.type === 'Subscription' ? rec : undefined;
    }, 3000, 'a free subscription slot');
    await publishAll(env.clients.topics, CACHE, 'crowded', ['made it']);
    await waitFor(() => again.events.items.length === 1);
    expect(again.values()).toEqual(['made it']);
  });
});

describe('topics: token expiry', () => {
  const clock = manualClock();
  const env = useLocalServer({ now: clock.now, heartbeatIntervalMs: 50, caches: [CACHE] });
  const subs = useSubscriptions();

  it('ends the subscription of a token that runs out with AUTHENTICATION_ERROR', async () => {
    const token = await vendToken(authClientFor(env.momento), topicScope, { seconds: 60, tokenId: 'short-lived' });
    const client = topicClientFor(env.momento, token);
    const rec = await subs.subscribe(client, CACHE, 'expiring');
    const sub = subscription(rec.response);
    const admin = await subs.subscribe(env.clients.topics, CACHE, 'expiring');
    await publishAll(client, CACHE, 'expiring', ['before']);
    await waitFor(() => rec.events.items.length === 1);

    clock.advance(60_001);
    await waitFor(() => rec.events.errors.length === 1, 3000, 'the authentication error');
    expect(rec.events.errors[0]!.errorCode()).toBe(MomentoErrorCode.AUTHENTICATION_ERROR);
    expect(sub.isSubscribed).toBe(false);
    await waitFor(() => rec.events.ends === 1, 3000, 'the end of the subscription');
    expect(rec.events.log.filter((e) => e !== 'heartbeat')).toEqual(['item:1', 'lost', 'error:AUTHENTICATION_ERROR', 'end']);

    const late = await client.publish(CACHE, 'expiring', 'after');
    expect(late.type).toBe('Error');
    if (late.type === 'Error') expect(late.errorCode()).toBe(MomentoErrorCode.AUTHENTICATION_ERROR);
    // The admin key does not expire: its subscription carries on.
    const heartbeats = admin.events.heartbeats;
    await waitFor(() => admin.events.heartbeats >= heartbeats + 3);
    expect(admin.events.errors).toEqual([]);
  });
});
