import type { TopicClient, TopicDiscontinuity, TopicItem, TopicSubscribe } from '@gomomento/sdk';
import { afterEach } from 'vitest';

/** What one subscription saw, through the SDK's callbacks. */
export interface SubscriptionEvents {
  items: TopicItem[];
  heartbeats: number;
  discontinuities: TopicDiscontinuity[];
  errors: TopicSubscribe.Error[];
  connectionLost: number;
  ends: number;
  /** Every callback in arrival order: `item:<seq>`, `heartbeat`, `discontinuity:<last>-><new>`, `error:<code>`, `lost`, `end`. */
  log: string[];
}

export interface Recorded {
  response: TopicSubscribe.Response;
  events: SubscriptionEvents;
  /** Sequence numbers of the items, in arrival order. */
  seqs(): number[];
  /** Values of the items as strings, in arrival order. */
  values(): string[];
}

/**
 * Opens subscriptions that record every callback, and remembers them so a test can unsubscribe
 * them all in `afterEach`.
 */
export class Subscriptions {
  private readonly open: TopicSubscribe.Response[] = [];

  async subscribe(client: TopicClient, cacheName: string, topic: string): Promise<Recorded> {
    const events: SubscriptionEvents = { items: [], heartbeats: 0, discontinuities: [], errors: [], connectionLost: 0, ends: 0, log: [] };
    const response = await client.subscribe(cacheName, topic, {
      onItem: (item) => {
        events.items.push(item);
        events.log.push(`item:${item.sequenceNumber()}`);
      },
      onHeartbeat: () => {
        events.heartbeats++;
        events.log.push('heartbeat');
      },
      onDiscontinuity: (d) => {
        events.discontinuities.push(d);
        events.log.push(`discontinuity:${d.lastSequenceNumber()}->${d.newSequenceNumber()}`);
      },
      onError: (error) => {
        events.errors.push(error);
        events.log.push(`error:${error.errorCode()}`);
      },
      onConnectionLost: () => {
        events.connectionLost++;
        events.log.push('lost');
      },
      onSubscriptionEnd: () => {
        events.ends++;
        events.log.push('end');
      },
    });
    this.open.push(response);
    return {
      response,
      events,
      seqs: () => events.items.map((i) => i.sequenceNumber()),
      values: () => events.items.map((i) => i.valueString()),
    };
  }

  /** Unsubscribes every subscription opened through this object. */
  closeAll(): void {
    for (const response of this.open.splice(0)) if (response.type === 'Subscription') response.unsubscribe();
  }
}

/** Narrows a subscribe response to a subscription, failing the test with the error otherwise. */
export function subscription(response: TopicSubscribe.Response): TopicSubscribe.Subscription {
  if (response.type !== 'Subscription') throw new Error(`expected a subscription; got ${response.toString()}`);
  return response;
}

/** A Subscriptions whose subscriptions are all unsubscribed after each test of the enclosing `describe`. */
export function useSubscriptions(): Subscriptions {
  const subscriptions = new Subscriptions();
  afterEach(() => subscriptions.closeAll());
  return subscriptions;
}
