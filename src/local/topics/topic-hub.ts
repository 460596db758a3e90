import { randomInt } from 'node:crypto';
import { pubsub } from '@gomomento/generated-types';
import type { StatusError } from '../status-error.js';

const pb = pubsub.cache_client.pubsub;
type TopicValue = InstanceType<typeof pb._TopicValue>;
type SubscriptionItem = InstanceType<typeof pb._SubscriptionItem>;

/** One open subscription stream, as the hub sees it. */
export interface Subscriber {
  readonly cacheName: string;
  readonly topic: string;
  /** The api key of the token it was opened with; undefined for an admin key. */
  readonly apiKey?: string;
  /** Sends a stream message; the hub never waits for it. */
  send(item: SubscriptionItem): void;
  /** Ends the stream, with a status when given. */
  end(error?: StatusError): void;
  /** Called on every heartbeat tick, so a subscription can notice that its token expired. */
  tick?(): void;
}

/** An item as it was published, for listeners beyond the subscription streams (webhooks). */
export interface PublishedItem {
  readonly cacheName: string;
  readonly topic: string;
  readonly sequenceNumber: number;
  readonly value: TopicValue;
  /** The publisher's tokenId; '' for an admin key or a token vended without one. */
  readonly publisherId: string;
  /** Epoch milliseconds, by the server's clock. */
  readonly publishedAt: number;
}

interface RetainedItem {
  seq: number;
  value: TopicValue;
  publisherId: string;
}

/**
 * One incarnation of a topic. Its page is random, so a subscriber resuming with the page of an
 * earlier incarnation (a forgotten topic, a restarted server) gets a discontinuity.
 */
class Topic {
  readonly page = randomInt(1, 2 ** 31);
  lastSeq = 0;
  readonly retained: RetainedItem[] = [];
  readonly subscribers = new Set<Subscriber>();
  lastActivity: number;

  constructor(now: number) {
    this.lastActivity = now;
  }
}

const heartbeat = (): SubscriptionItem => new pb._SubscriptionItem({ heartbeat: new pb._Heartbeat() });

function itemMessage(topic: Topic, item: RetainedItem): SubscriptionItem {
  return new pb._SubscriptionItem({
    item: new pb._TopicItem({
      topic_sequence_number: item.seq,
      sequence_page: topic.page,
      value: item.value,
      publisher_id: item.publisherId,
    }),
  });
}

function discontinuity(last: number, next: number, page: number): SubscriptionItem {
  return new pb._SubscriptionItem({
    discontinuity: new pb._Discontinuity({ last_topic_sequence: last, new_topic_sequence: next, new_sequence_page: page }),
  });
}

/**
 * Topics of every cache: per-topic sequence numbers, a bounded window of recent items for resuming,
 * fan-out to subscribers, and one heartbeat timer for all streams.
 */
export class TopicHub {
  private readonly topics = new Map<string, Topic>();
  private readonly timer: NodeJS.Timeout;
  private subscriberCount = 0;
  private readonly publishListeners = new Set<(item: PublishedItem) => void>();

  constructor(
    private readonly retainedItems: number,
    heartbeatIntervalMs: number,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => this.beat(), heartbeatIntervalMs);
    this.timer.unref();
  }

  /** Open subscriptions over every topic; kept as a count because every subscribe checks it against the limit. */
  get subscriptions(): number {
    return this.subscriberCount;
  }

  publish(cacheName: string, topicName: string, value: TopicValue, publisherId: string): void {
    const topic = this.topic(cacheName, topicName);
    const item = { seq: ++topic.lastSeq, value, publisherId };
    topic.retained.push(item);
    if (topic.retained.length > this.retainedItems) topic.retained.shift();
    topic.lastActivity = this.now();
    const message = itemMessage(topic, item);
    for (const subscriber of topic.subscribers) subscriber.send(message);
    if (this.publishListeners.size === 0) return;
    const published: PublishedItem = {
      cacheName,
      topic: topicName,
      sequenceNumber: item.seq,
      value,
      publisherId,
      publishedAt: topic.lastActivity,
    };
    for (const listener of this.publishListeners) listener(published);
  }

  /** Listens for every published item, after its subscribers got it. A listener must not block: publish waits for it. */
  onPublish(listener: (item: PublishedItem) => void): void {
    this.publishListeners.add(listener);
  }

  /**
   * Opens a subscription: a heartbeat at once (the SDKs resolve `subscribe()` on the first message), then
   * what a resume asks for, then live items. `resumeAt` 0 means "from now".
   * @returns a function that closes the subscription.
   */
  subscribe(subscriber: Subscriber, resumeAt: number, page: number): () => void {
    const topic = this.topic(subscriber.cacheName, subscriber.topic);
    subscriber.send(heartbeat());
    if (resumeAt > 0) this.replay(topic, subscriber, resumeAt, page);
    topic.subscribers.add(subscriber);
    this.subscriberCount++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      topic.subscribers.delete(subscriber);
      topic.lastActivity = this.now();
      this.subscriberCount--;
    };
  }

  private replay(topic: Topic, subscriber: Subscriber, resumeAt: number, page: number): void {
    const lastSeen = resumeAt - 1;
    // Another incarnation's page, or a point this one never reached: nothing to replay, only where it stands now.
    if ((page !== 0 && page !== topic.page) || lastSeen > topic.lastSeq) {
      subscriber.send(discontinuity(lastSeen, topic.lastSeq, topic.page));
      return;
    }
    const oldest = topic.retained[0]?.seq ?? topic.lastSeq + 1;
    if (resumeAt < oldest) subscriber.send(discontinuity(lastSeen, oldest - 1, topic.page));
    for (const item of topic.retained) if (item.seq >= resumeAt) subscriber.send(itemMessage(topic, item));
  }

  /** Ends the subscriptions that `which` picks, each with `error` or OK. @returns how many ended. */
  endWhere(which: (subscriber: Subscriber) => boolean, error?: StatusError): number {
    let ended = 0;
    for (const topic of this.topics.values()) {
      for (const subscriber of [...topic.subscribers]) {
        if (!which(subscriber)) continue;
        subscriber.end(error);
        ended++;
      }
    }
    return ended;
  }

  /** Forgets the topics of a deleted cache. */
  forgetCache(cacheName: string): void {
    for (const key of this.topics.keys()) if (key.startsWith(`${cacheName}\u0000`)) this.topics.delete(key);
  }

  /** Forgets idle topics with no subscriber, so memory stays bounded. */
  sweep(idleMs: number): void {
    const cutoff = this.now() - idleMs;
    for (const [key, topic] of this.topics) if (topic.subscribers.size === 0 && topic.lastActivity < cutoff) this.topics.delete(key);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    const message = heartbeat();
    for (const topic of this.topics.values()) {
      // A tick can end its subscription, which deletes it from the set: a Set's iterator allows that.
      for (const subscriber of topic.subscribers) {
        subscriber.tick?.();
        subscriber.send(message);
      }
    }
  }

  private topic(cacheName: string, topicName: string): Topic {
    const key = `${cacheName}\u0000${topicName}`;
    let topic = this.topics.get(key);
    if (!topic) {
      topic = new Topic(this.now());
      this.topics.set(key, topic);
    }
    return topic;
  }
}
