import type {
  ChatCacheClient,
  ChatTopicClient,
  ListFetchOptions,
  ListFetchResponse,
  ListPushBackOptions,
  ListPushBackResponse,
  MomentoErrorResponse,
  TopicItemLike,
  TopicPublishResponse,
  TopicSubscribeCallbacks,
  TopicSubscribeResponse,
} from '../../../src/momento-ports.js';
import type { ModeratorCacheClient } from '../../../src/moderator/moderator-ports.js';

/** The client calls a {@link FakeMomento} answers. */
export type Op = 'listFetch' | 'listPushBack' | 'publish' | 'subscribe' | 'setIfAbsent' | 'increment' | 'delete';

/** A call that has been made and not yet answered (manual mode). Its effect happens when it completes. */
export interface PendingCall {
  readonly op: Op;
  readonly args: readonly unknown[];
  complete(): void;
}

/** An error response shaped like the SDK's. */
export function momentoError(errorCode: string, message = `${errorCode.toLowerCase()} from the fake`): MomentoErrorResponse {
  const inner = new Error(message);
  return { type: 'Error', errorCode: () => errorCode, message: () => message, innerException: () => inner };
}

/** Python-style slice bounds, with Momento's reading of 0 and undefined as unbounded. */
export function momentoSlice<T>(values: readonly T[], startIndex?: number, endIndex?: number): T[] {
  const length = values.length;
  const clamp = (i: number): number => (i < 0 ? Math.max(length + i, 0) : Math.min(i, length));
  const start = startIndex ? clamp(startIndex) : 0;
  const end = endIndex ? clamp(endIndex) : length;
  return values.slice(start, Math.max(start, end));
}

/** One subscriber's view of a topic: items published while it is active wait in its queue until delivered. */
export class FakeSubscription {
  readonly queue: TopicItemLike[] = [];
  /** Every value ever queued for this subscriber. */
  readonly published: string[] = [];
  active = true;
  unsubscribeCalls = 0;

  constructor(
    readonly topic: string,
    readonly callbacks: TopicSubscribeCallbacks,
  ) {}

  /** Delivers the oldest queued item; false when none is queued. */
  deliverNext(): boolean {
    const item = this.queue.shift();
    if (!item) return false;
    this.callbacks.onItem(item);
    return true;
  }
}

/**
 * An in-memory Momento for one cache: lists, topics with per-subscriber queues, and scripted errors.
 * In auto mode a call takes effect and answers at once; in manual mode it waits in `pending` until the
 * test completes it, so a test decides exactly what happens between a call and its answer.
 */
export class FakeMomento {
  readonly lists = new Map<string, string[]>();
  /** Scalar items (a moderator's seen ids and sequence counters). */
  readonly items = new Map<string, string>();
  readonly subscriptions: FakeSubscription[] = [];
  /** Every call, in the order made: `op:name`. */
  readonly calls: string[] = [];
  readonly pending: PendingCall[] = [];
  manual = false;
  private sequence = 0;
  private readonly scripted = new Map<Op, Array<MomentoErrorResponse | Error>>();
  /** Called when a call completes, with what it returned (tests use it to record what a reader saw). */
  onComplete: (op: Op, args: readonly unknown[], result: unknown) => void = () => undefined;

  /** The next calls of `op` answer these errors, in order (an `Error` is thrown instead of answered). */
  fail(op: Op, ...responses: Array<MomentoErrorResponse | Error>): void {
    this.scripted.set(op, [...(this.scripted.get(op) ?? []), ...responses]);
  }

  list(name: string): string[] {
    return this.lists.get(name) ?? [];
  }

  /** Appends and trims the front, atomically, as listPushBack with truncateFrontToSize does. */
  push(listName: string, value: string, truncateFrontToSize?: number): number {
    const next = [...this.list(listName), value];
    if (truncateFrontToSize && next.length > truncateFrontToSize) next.splice(0, next.length - truncateFrontToSize);
    this.lists.set(listName, next);
    return next.length;
  }

  /** Publishes to every active subscriber of the topic; each gets it when the test delivers it. */
  publish(topic: string, value: string, tokenId?: string): void {
    const sequenceNumber = ++this.sequence;
    const item: TopicItemLike = { value: () => value, tokenId: () => tokenId, sequenceNumber: () => sequenceNumber };
    for (const sub of this.subscriptions) {
      if (!sub.active || sub.topic !== topic) continue;
      sub.queue.push(item);
      sub.published.push(value);
    }
  }

  /** Delivers every queued item to every active subscriber, until nothing is queued. */
  deliverAll(): void {
    for (let again = true; again; ) {
      again = false;
      for (const sub of this.subscriptions) while (sub.active && sub.deliverNext()) again = true;
    }
  }

  /** Completes pending calls, oldest first, until none is left (including those made while completing). */
  async completeAll(): Promise<void> {
    for (;;) {
      await flush();
      const call = this.pending.shift();
      if (!call) return;
      call.complete();
    }
  }

  /** A cache client over this fake. */
  cacheClient(): ChatCacheClient {
    return {
      listFetch: (_cache: string, listName: string, options?: ListFetchOptions) =>
        this.call<ListFetchResponse>('listFetch', [listName, options], () => {
          const list = this.lists.get(listName);
          if (!list) return { type: 'Miss' };
          const values = momentoSlice(list, options?.startIndex, options?.endIndex);
          return { type: 'Hit', valueListString: () => values };
        }),
      listPushBack: (_cache: string, listName: string, value: string, options?: ListPushBackOptions) =>
        this.call<ListPushBackResponse>('listPushBack', [listName, value, options], () => {
          const length = this.push(listName, value, options?.truncateFrontToSize);
          return { type: 'Success', listLength: () => length };
        }),
    };
  }

  /** A moderator's cache client over this fake: the list calls plus its scalar keys. */
  moderatorCacheClient(): ModeratorCacheClient {
    return {
      ...this.cacheClient(),
      setIfAbsent: (_cache: string, key: string, value: string, options?: { ttl?: number }) =>
        this.call('setIfAbsent', [key, value, options], () => {
          if (this.items.has(key)) return { type: 'NotStored' as const };
          this.items.set(key, value);
          return { type: 'Stored' as const };
        }),
      increment: (_cache: string, key: string, amount: number, options?: { ttl?: number }) =>
        this.call('increment', [key, amount, options], () => {
          const value = Number(this.items.get(key) ?? '0') + amount;
          this.items.set(key, String(value));
          return { type: 'Success' as const, value: () => value };
        }),
      delete: (_cache: string, key: string) =>
        this.call('delete', [key], () => {
          this.items.delete(key);
          return { type: 'Success' as const };
        }),
    };
  }

  /** A topic client over this fake; items it publishes carry `tokenId`, as Momento stamps them. */
  topicClient(tokenId?: string): ChatTopicClient {
    return {
      publish: (_cache: string, topic: string, value: string) =>
        this.call<TopicPublishResponse>('publish', [topic, value], () => {
          this.publish(topic, value, tokenId);
          return { type: 'Success' };
        }),
      subscribe: (_cache: string, topic: string, callbacks: TopicSubscribeCallbacks) =>
        this.call<TopicSubscribeResponse>('subscribe', [topic], () => {
          const sub = new FakeSubscription(topic, callbacks);
          this.subscriptions.push(sub);
          return {
            type: 'Subscription',
            unsubscribe: () => {
              sub.unsubscribeCalls++;
              sub.active = false;
              this.calls.push(`unsubscribe:${topic}`);
            },
          };
        }),
    };
  }

  private call<R>(op: Op, args: unknown[], effect: () => R): Promise<R> {
    this.calls.push(`${op}:${String(args[0])}`);
    return new Promise<R>((resolve, reject) => {
      const complete = () => {
        const scripted = this.scripted.get(op)?.shift();
        if (scripted instanceof Error) return reject(scripted);
        const result = scripted ?? effect();
        this.onComplete(op, args, result);
        resolve(result as R);
      };
      if (this.manual) this.pending.push({ op, args, complete });
      else complete();
    });
  }
}

/** Lets every pending promise continuation run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A valid message id whose order is the order of `n`. */
export function idOf(n: number): string {
  // The time part is the tests' clock (ids carry the time they were made); `n` orders ids within it.
  let time = '';
  for (let i = 0, t = ID_TIME; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  let rest = '';
  for (let i = 0, t = n; i < 16; i++, t = Math.floor(t / 32)) rest = CROCKFORD[t % 32] + rest;
  return time + rest;
}

/** The time every test id carries, in epoch milliseconds. */
export const ID_TIME = 1_700_000_000_000;

/** The room the unit tests' envelopes are written for, unless `extra.room` says otherwise. */
export const ENVELOPE_ROOM = 'lobby';

/** The wire form of a message, as another client would write it, for room `lobby` unless `extra.room` names another. */
export function envelope(id: string, text: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ v: 1, room: ENVELOPE_ROOM, id, text, ts: 1_700_000_000_000, ...extra });
}
