import { pubsub } from '@gomomento/generated-types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Status, StatusError } from '../../src/local/status-error.js';
import { TopicHub, type Subscriber } from '../../src/local/topics/topic-hub.js';

const pb = pubsub.cache_client.pubsub;
type SubscriptionItem = InstanceType<typeof pb._SubscriptionItem>;

/** A subscriber that records what the hub sends, and closes its hub subscription when ended, as a stream sink does. */
class FakeSubscriber implements Subscriber {
  readonly messages: SubscriptionItem[] = [];
  readonly ended: Array<StatusError | undefined> = [];
  ticks = 0;
  close: () => void = () => undefined;

  constructor(
    readonly cacheName: string,
    readonly topic: string,
    readonly apiKey?: string,
  ) {}

  send(item: SubscriptionItem): void {
    this.messages.push(item);
  }
  end(error?: StatusError): void {
    this.ended.push(error);
    this.close();
  }
  tick(): void {
    this.ticks++;
  }

  /** The messages as short strings: `hb`, `item:<seq>:<text>`, `disc:<last>-><new>`. */
  log(): string[] {
    return this.messages.map((m) => {
      if (m.has_heartbeat) return 'hb';
      if (m.has_item) return `item:${m.item.topic_sequence_number}:${m.item.value.text}`;
      if (m.has_discontinuity) return `disc:${m.discontinuity.last_topic_sequence}->${m.discontinuity.new_topic_sequence}`;
      return 'unknown';
    });
  }

  /** The page stamped on the last item or discontinuity received. */
  lastPage(): number {
    for (const m of [...this.messages].reverse()) {
      if (m.has_item) return m.item.sequence_page;
      if (m.has_discontinuity) return m.discontinuity.new_sequence_page;
    }
    throw new Error('no item received');
  }
}

const text = (value: string) => new pb._TopicValue({ text: value });

describe('TopicHub', () => {
  const hubs: TopicHub[] = [];
  function hubOf(retained = 256, now: () => number = Date.now, heartbeatMs = 60_000): TopicHub {
    const hub = new TopicHub(retained, heartbeatMs, now);
    hubs.push(hub);
    return hub;
  }
  function open(hub: TopicHub, cache: string, topic: string, resumeAt = 0, page = 0, apiKey?: string): FakeSubscriber {
    const subscriber = new FakeSubscriber(cache, topic, apiKey);
    subscriber.close = hub.subscribe(subscriber, resumeAt, page);
    return subscriber;
  }
  function publish(hub: TopicHub, cache: string, topic: string, ...values: string[]): void {
    for (const value of values) hub.publish(cache, topic, text(value), '');
  }
  /** The page of a topic's current incarnation, as a subscriber sees it on items. */
  function pageOf(hub: TopicHub, cache: string, topic: string): number {
    const probe = open(hub, cache, topic);
    publish(hub, cache, topic, 'probe');
    probe.close();
    return probe.lastPage();
  }

  afterEach(() => {
    for (const hub of hubs.splice(0)) hub.close();
    vi.useRealTimers();
  });

  it('sends a heartbeat as soon as a subscription opens, and counts open subscriptions', () => {
    const hub = hubOf();
    const a = open(hub, 'c', 't');
    const b = open(hub, 'c', 'other');
    expect(a.log()).toEqual(['hb']);
    expect(hub.subscriptions).toBe(2);
    a.close();
    a.close();
    expect(hub.subscriptions).toBe(1);
    b.close();
    expect(hub.subscriptions).toBe(0);
  });

  it('numbers items per topic from 1 and fans them out to that topic only', () => {
    const hub = hubOf();
    const a1 = open(hub, 'c', 'a');
    const a2 = open(hub, 'c', 'a');
    const b = open(hub, 'c', 'b');
    const otherCache = open(hub, 'd', 'a');
    publish(hub, 'c', 'a', 'x', 'y');
    publish(hub, 'c', 'b', 'z');
    publish(hub, 'd', 'a', 'w');
    hub.publish('c', 'a', text('from-token'), 'token-7');

    expect(a1.log()).toEqual(['hb', 'item:1:x', 'item:2:y', 'item:3:from-token']);
    expect(a2.log()).toEqual(a1.log());
    expect(b.log()).toEqual(['hb', 'item:1:z']);
    expect(otherCache.log()).toEqual(['hb', 'item:1:w']);
    expect(a1.messages[3]!.item.publisher_id).toBe('token-7');
    expect(a1.messages[1]!.item.sequence_page).toBe(a1.messages[3]!.item.sequence_page);
    expect(a1.messages[1]!.item.sequence_page).toBeGreaterThan(0);
  });

  it('tells publish listeners of each item after its subscribers got it, with sequence number, publisher and time', () => {
    const hub = hubOf(256, () => 1_700_000_000_000);
    const subscriber = open(hub, 'c', 't');
    const seen: string[] = [];
    const subscriberLogs: string[][] = [];
    hub.onPublish((item) => {
      seen.push(`${item.cacheName}/${item.topic}#${item.sequenceNumber}:${item.value.text}:${item.publisherId}@${item.publishedAt}`);
      subscriberLogs.push(subscriber.log());
    });
    hub.publish('c', 't', text('one'), 'alice');
    hub.publish('c', 'u', text('two'), '');
    expect(seen).toEqual(['c/t#1:one:alice@1700000000000', 'c/u#1:two:@1700000000000']);
    expect(subscriberLogs[0]).toEqual(['hb', 'item:1:one']);
  });

  it('replays the retained items from the resume point, then carries on live', () => {
    const hub = hubOf();
    publish(hub, 'c', 't', 'm1', 'm2', 'm3', 'm4');
    const page = pageOf(hub, 'c', 't'); // m5 = probe
    const resumed = open(hub, 'c', 't', 3, page);
    expect(resumed.log()).toEqual(['hb', 'item:3:m3', 'item:4:m4', 'item:5:probe']);
    publish(hub, 'c', 't', 'm6');
    expect(resumed.log().at(-1)).toBe('item:6:m6');
  });

  it('replays nothing to a subscriber that is up to date', () => {
    const hub = hubOf();
    publish(hub, 'c', 't', 'm1');
    const page = pageOf(hub, 'c', 't');
    expect(open(hub, 'c', 't', 3, page).log()).toEqual(['hb']);
  });

  it('treats a resume without a page (0, as the web SDK sends it) as this incarnation', () => {
    const hub = hubOf();
    publish(hub, 'c', 't', 'm1', 'm2', 'm3');
    expect(open(hub, 'c', 't', 2, 0).log()).toEqual(['hb', 'item:2:m2', 'item:3:m3']);
  });

  it('gives a discontinuity to a resume beyond the last sequence number, then live items follow on from it', () => {
    const hub = hubOf();
    publish(hub, 'c', 't', 'm1', 'm2');
    const page = pageOf(hub, 'c', 't'); // 3 = probe
    const ahead = open(hub, 'c', 't', 10, page);
    expect(ahead.log()).toEqual(['hb', 'disc:9->3']);
    expect(ahead.lastPage()).toBe(page);
    publish(hub, 'c', 't', 'm4');
    // The SDK takes new_topic_sequence as its last: the next item is new + 1.
    expect(ahead.log()).toEqual(['hb', 'disc:9->3', 'item:4:m4']);
  });

  it('gives a discontinuity, and no replay, to a resume with the page of another incarnation', () => {
    const hub = hubOf();
    publish(hub, 'c', 't', 'old1', 'old2');
    const oldPage = pageOf(hub, 'c', 't'); // 3 = probe
    hub.forgetCache('c');
    publish(hub, 'c', 't', 'new1', 'new2');
    const newPage = pageOf(hub, 'c', 't'); // 3 = probe
    expect(newPage).not.toBe(oldPage);

    const stale = open(hub, 'c', 't', 4, oldPage);
    expect(stale.log()).toEqual(['hb', 'disc:3->3']);
    expect(stale.lastPage()).toBe(newPage);
    // Even a resume point that exists in the new incarnation is not replayed across pages.
    const staleLow = open(hub, 'c', 't', 2, oldPage);
    expect(staleLow.log()).toEqual(['hb', 'disc:1->3']);
    publish(hub, 'c', 't', 'new4');
    expect(stale.log().at(-1)).toBe('item:4:new4');
    expect(stale.lastPage()).toBe(newPage);
  });

  it('keeps only the last N items: an older resume point gets a discontinuity, then the retained items', () => {
    const hub = hubOf(3);
    publish(hub, 'c', 't', 'm1', 'm2', 'm3', 'm4', 'm5');
    const page = open(hub, 'c', 't', 5, 0).lastPage();
    expect(open(hub, 'c', 't', 2, page).log()).toEqual(['hb', 'disc:1->2', 'item:3:m3', 'item:4:m4', 'item:5:m5']);
    expect(open(hub, 'c', 't', 1, page).log()).toEqual(['hb', 'disc:0->2', 'item:3:m3', 'item:4:m4', 'item:5:m5']);
    expect(open(hub, 'c', 't', 3, page).log()).toEqual(['hb', 'item:3:m3', 'item:4:m4', 'item:5:m5']);
    expect(open(hub, 'c', 't', 5, page).log()).toEqual(['hb', 'item:5:m5']);
  });

  it('forgets idle topics without subscribers on sweep, so a later resume sees a new incarnation', () => {
    let now = 1_000_000;
    const hub = hubOf(256, () => now);
    publish(hub, 'c', 'idle', 'i1');
    publish(hub, 'c', 'watched', 'w1');
    const idlePage = open(hub, 'c', 'idle', 1, 0).lastPage();
    const watcher = open(hub, 'c', 'watched');
    // The replay probe above closed nothing: close every subscriber of 'idle'.
    hub.endWhere((s) => s.topic === 'idle');
    now += 10_000;
    hub.sweep(5_000);

    const afterSweep = open(hub, 'c', 'idle', 2, idlePage);
    expect(afterSweep.log()).toEqual(['hb', 'disc:1->0']);
    expect(afterSweep.lastPage()).not.toBe(idlePage);
    publish(hub, 'c', 'watched', 'w2');
    expect(watcher.log()).toEqual(['hb', 'item:2:w2']);
  });

  it('endWhere ends the chosen subscriptions with the given status and leaves the others', () => {
    const hub = hubOf();
    const alice = open(hub, 'c', 't', 0, 0, 'key-alice');
    const bob = open(hub, 'c', 't', 0, 0, 'key-bob');
    const error = new StatusError(Status.UNAUTHENTICATED, 'token expired');
    expect(hub.endWhere((s) => s.apiKey === 'key-alice', error)).toBe(1);
    expect(alice.ended).toEqual([error]);
    expect(hub.subscriptions).toBe(1);
    publish(hub, 'c', 't', 'm1');
    expect(alice.log()).toEqual(['hb']);
    expect(bob.log()).toEqual(['hb', 'item:1:m1']);
    expect(bob.ended).toEqual([]);
  });

  it('beats every open subscription on its interval and ticks it first; close() stops the timer', () => {
    vi.useFakeTimers();
    const hub = hubOf(256, Date.now, 1000);
    const a = open(hub, 'c', 'a');
    const b = open(hub, 'd', 'b');
    vi.advanceTimersByTime(3000);
    expect(a.log()).toEqual(['hb', 'hb', 'hb', 'hb']);
    expect(a.ticks).toBe(3);
    expect(b.log()).toHaveLength(4);
    a.close();
    vi.advanceTimersByTime(1000);
    expect(a.log()).toHaveLength(4);
    expect(b.log()).toHaveLength(5);
    hub.close();
    vi.advanceTimersByTime(5000);
    expect(b.log()).toHaveLength(5);
  });
});
