import type { PublishedItem } from '../topics/topic-hub.js';
import { DeliveryQueue } from './delivery-queue.js';
import { webhookBody, webhookHeaders } from './webhook-event.js';
import { WebhookPoster } from './webhook-poster.js';
import type { WebhookRecord, WebhookRegistry } from './webhook-registry.js';

/** What became of the webhook deliveries since the server started. */
export interface WebhookDeliveryStats {
  /** Answered 2xx within the timeout. */
  delivered: number;
  /** Answered with another status, or the connection failed. Not retried. */
  failed: number;
  /** No complete answer within `webhookTimeoutMs`. Not retried. */
  timedOut: number;
  /** Refused because a webhook already had `queueLimit` deliveries waiting behind a slow receiver. */
  dropped: number;
}

/** What the server resolved for deliveries. */
export interface WebhookDeliveryOptions {
  /** How long one request may take. */
  timeoutMs: number;
  /** How many deliveries may wait per webhook. */
  queueLimit: number;
  /** The server's clock, for `publish_timestamp`. */
  now: () => number;
}

/** A delivery as it was when the message was published: a later put or rotation does not reach it. */
interface Job {
  item: PublishedItem;
  postUrl: string;
  secret: string;
}

/**
 * POSTs every published item to the webhooks of its topic, as Momento does: one attempt per webhook and
 * message, in publish order per webhook, never holding up the publisher or the subscribers.
 */
export class WebhookDeliveries {
  private readonly queues = new Map<WebhookRecord, DeliveryQueue<Job>>();
  private readonly counts: WebhookDeliveryStats = { delivered: 0, failed: 0, timedOut: 0, dropped: 0 };
  private readonly poster: WebhookPoster;
  private closed = false;

  constructor(
    private readonly registry: WebhookRegistry,
    private readonly options: WebhookDeliveryOptions,
  ) {
    this.poster = new WebhookPoster(options.timeoutMs);
    // A deleted webhook receives nothing more, not even what was queued before the delete.
    registry.onRemove((record) => {
      this.queues.get(record)?.close();
      this.queues.delete(record);
    });
  }

  /** Queues the item for each webhook of its topic; returns at once. */
  published(item: PublishedItem): void {
    if (this.closed) return;
    for (const record of this.registry.forTopic(item.cacheName, item.topic)) {
      this.queueOf(record).push({ item, postUrl: record.postUrl, secret: record.secret });
    }
  }

  /** @returns a copy of the counters. */
  stats(): WebhookDeliveryStats {
    return { ...this.counts };
  }

  /** Drops what is queued, aborts what is in flight and closes every connection. */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) queue.close();
    this.queues.clear();
    this.poster.close();
  }

  private queueOf(record: WebhookRecord): DeliveryQueue<Job> {
    let queue = this.queues.get(record);
    if (!queue) {
      queue = new DeliveryQueue((job, signal) => this.send(job, signal), this.options.queueLimit, () => this.counts.dropped++);
      this.queues.set(record, queue);
    }
    return queue;
  }

  private async send(job: Job, signal: AbortSignal): Promise<void> {
    const body = webhookBody(job.item, this.options.now());
    const outcome = await this.poster.post(job.postUrl, body, webhookHeaders(body, job.secret), signal);
    if (outcome === 'delivered') this.counts.delivered++;
    else if (outcome === 'failed') this.counts.failed++;
    else if (outcome === 'timed-out') this.counts.timedOut++;
  }
}
