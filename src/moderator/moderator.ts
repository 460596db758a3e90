import { ChatError, callMomento, fromMomentoError, isChatError } from '../errors.js';
import type { ChatTopicClient, TopicItemLike, TopicSubscriptionLike } from '../momento-ports.js';
import { checkRoomId, inputTopicOf } from '../room-names.js';
import { TypedEvents, type Subscription } from '../typed-events.js';
import { processInput, type ProcessorSettings } from './input-processor.js';
import type { ModerateFn, ModerationOutcome } from './moderation.js';
import type { ModeratorCacheClient } from './moderator-ports.js';

/** Options of a {@link Moderator}. */
export interface ModeratorOptions {
  /** A `CacheClient` of `@gomomento/sdk` with an API key, or with the tokens of `vendModeratorTokens`. */
  cacheClient: ModeratorCacheClient;
  /** A `TopicClient` of `@gomomento/sdk`, likewise. */
  topicClient: ChatTopicClient;
  /** The cache that holds the rooms. */
  cacheName: string;
  /** The hook that accepts (perhaps transforming) or rejects each message. */
  moderate: ModerateFn;
  /** How many messages each room's history keeps. Default 100; use the rooms' own setting. */
  historyLength?: number;
  /** The history's TTL in seconds, refreshed by every message. Default 86400. */
  historyTtlSeconds?: number;
  /**
   * How long a message id is remembered, so a redelivery or a replay is not handled twice, in seconds.
   * Inputs whose id was made longer ago than this (less an hour of allowed clock skew) are refused.
   * Default: `historyTtlSeconds`. At least 60.
   */
  seenTtlSeconds?: number;
  /** How many messages `context.recentHistory()` returns. Default 20. */
  recentHistorySize?: number;
  /** The clock of server timestamps, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** An input was handled. */
export interface OutcomeEvent {
  /** The discriminant. */
  type: 'outcome';
  /** The room. */
  roomId: string;
  /** What was done. */
  outcome: ModerationOutcome;
}

/** Something failed: Momento refused a call, or a watched room's subscription ended. */
export interface ModeratorErrorEvent {
  /** The discriminant. */
  type: 'error';
  /** The room. */
  roomId: string;
  /** What failed. */
  error: ChatError;
}

/** The events of a moderator. */
export interface ModeratorEvents {
  /** An input was handled; log rejections and malformed inputs from here. */
  outcome: OutcomeEvent;
  /** Something failed. */
  error: ModeratorErrorEvent;
}

const RESUBSCRIBE_DELAYS_MS = [500, 1000, 2000, 5000, 10000, 30000];

/**
 * The server side of moderated rooms: reads what members publish to `<room>-input`, asks a hook to accept
 * (perhaps transforming) or reject it, and for an accepted message stamps the verified sender, a server
 * timestamp and the room's sequence number, writes the room's history and publishes to `<room>`.
 *
 * It runs as a long-lived process that watches rooms ({@link watch}), or behind Momento's topic webhooks
 * ({@link createWebhookHandler}), or both: every message id is claimed once across all instances, so
 * several moderators never handle an input twice.
 *
 * @example
 * ```ts
 * const moderator = new Moderator({
 *   cacheClient, topicClient, cacheName: 'chat',
 *   moderate: (input) => (input.text.length > 500 ? { action: 'reject', reason: 'too long' } : { action: 'accept' }),
 * });
 * moderator.on('outcome', ({ roomId, outcome }) => console.log(roomId, outcome.status));
 * await moderator.watch('lobby');
 * ```
 */
export class Moderator {
  /** The cache that holds the rooms. */
  readonly cacheName: string;
  private readonly settings: ProcessorSettings;
  private readonly events = new TypedEvents<ModeratorEvents>(() => undefined);
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly watched = new Map<string, { subscription?: TopicSubscriptionLike; timer?: ReturnType<typeof setTimeout>; attempt: number }>();

  /**
   * @param options clients, cache, hook and tuning.
   * @throws ChatError INVALID_ARGUMENT for a missing client, cache or hook.
   */
  constructor(options: ModeratorOptions) {
    if (!options.cacheClient || !options.topicClient) throw new ChatError('INVALID_ARGUMENT', 'unable to create the moderator; cacheClient and topicClient are required');
    if (typeof options.cacheName !== 'string' || options.cacheName === '') throw new ChatError('INVALID_ARGUMENT', 'unable to create the moderator; cacheName is empty');
    if (typeof options.moderate !== 'function') throw new ChatError('INVALID_ARGUMENT', 'unable to create the moderator; moderate must be a function');
    this.cacheName = options.cacheName;
    this.settings = {
      cacheClient: options.cacheClient,
      topicClient: options.topicClient,
      cacheName: options.cacheName,
      moderate: options.moderate,
      historyLength: options.historyLength ?? 100,
      historyTtlSeconds: options.historyTtlSeconds ?? 86_400,
      seenTtlSeconds: Math.max(60, options.seenTtlSeconds ?? options.historyTtlSeconds ?? 86_400),
      recentHistorySize: options.recentHistorySize ?? 20,
      now: options.now ?? Date.now,
    };
  }

  /** The rooms it watches. */
  get rooms(): string[] {
    return [...this.watched.keys()];
  }

  /**
   * Listens to an event.
   * @param event `outcome` or `error`.
   * @param listener called with the payload.
   * @returns a handle whose `unsubscribe()` stops the listener.
   */
  on<K extends keyof ModeratorEvents>(event: K, listener: (payload: ModeratorEvents[K]) => void): Subscription {
    return this.events.on(event, listener);
  }

  /**
   * Handles one input. Inputs of one room are handled one at a time, in arrival order, so within one
   * moderator the room's order is the order of its inputs. Never throws: failures are `error` events.
   * @param roomId the room.
   * @param raw the text published to the room's input topic.
   * @param tokenId the tokenId Momento stamped on it.
   * @returns what was done, or undefined when Momento failed (see the `error` event).
   */
  process(roomId: string, raw: string, tokenId: string): Promise<ModerationOutcome | undefined> {
    const run = async (): Promise<ModerationOutcome | undefined> => {
      try {
        checkRoomId(roomId, 'moderate a message');
        const outcome = await processInput(this.settings, roomId, raw, tokenId);
        this.events.emit('outcome', { type: 'outcome', roomId, outcome });
        return outcome;
      } catch (error) {
        const chatError = isChatError(error) ? error : new ChatError('MOMENTO_ERROR', 'unable to moderate a message; an unexpected failure', { cause: error });
        this.events.emit('error', { type: 'error', roomId, error: chatError });
        return undefined;
      }
    };
    const previous = this.queues.get(roomId) ?? Promise.resolve();
    const next = previous.then(run);
    this.queues.set(roomId, next);
    void next.then(() => {
      if (this.queues.get(roomId) === next) this.queues.delete(roomId);
    });
    return next;
  }

  /**
   * Starts watching a room: subscribes to its input topic and handles what arrives. A subscription that
   * ends is opened again, with growing pauses, until {@link unwatch}.
   * @param roomId the room.
   * @throws ChatError when the first subscription fails (PERMISSION_DENIED…).
   */
  async watch(roomId: string): Promise<void> {
    checkRoomId(roomId, 'watch the room');
    if (this.watched.has(roomId)) return;
    const state = { attempt: 0 } as { subscription?: TopicSubscriptionLike; timer?: ReturnType<typeof setTimeout>; attempt: number };
    this.watched.set(roomId, state);
    try {
      await this.subscribe(roomId, state);
    } catch (error) {
      this.watched.delete(roomId);
      throw error;
    }
  }

  /** Stops watching a room. Inputs already received are still handled. */
  unwatch(roomId: string): void {
    const state = this.watched.get(roomId);
    if (!state) return;
    this.watched.delete(roomId);
    clearTimeout(state.timer);
    state.subscription?.unsubscribe();
  }

  /** Stops watching every room and waits for the inputs in hand. */
  async stop(): Promise<void> {
    for (const roomId of this.rooms) this.unwatch(roomId);
    await Promise.all(this.queues.values());
  }

  private async subscribe(roomId: string, state: { subscription?: TopicSubscriptionLike; timer?: ReturnType<typeof setTimeout>; attempt: number }): Promise<void> {
    const { topicClient, cacheName } = this.settings;
    const subscribed = await callMomento('watch the room', () =>
      topicClient.subscribe(cacheName, inputTopicOf(roomId), {
        onItem: (item: TopicItemLike) => {
          const value = item.value();
          void this.process(roomId, typeof value === 'string' ? value : new TextDecoder().decode(value), item.tokenId() ?? '');
        },
        onError: (error) => this.lost(roomId, state, fromMomentoError('stay subscribed to the input topic', error)),
      }),
    );
    if (subscribed.type === 'Error') throw fromMomentoError(`watch room ${roomId}`, subscribed);
    if (this.watched.get(roomId) !== state) return subscribed.unsubscribe();
    state.subscription = subscribed;
    state.attempt = 0;
  }

  private lost(roomId: string, state: { subscription?: TopicSubscriptionLike; timer?: ReturnType<typeof setTimeout>; attempt: number }, error: ChatError): void {
    if (this.watched.get(roomId) !== state) return;
    // The SDK also reports an unreadable item through onError, with the stream still open: end it, or it
    // would live on beside the next one, and past unwatch.
    state.subscription?.unsubscribe();
    state.subscription = undefined;
    clearTimeout(state.timer);
    const delay = RESUBSCRIBE_DELAYS_MS[Math.min(state.attempt++, RESUBSCRIBE_DELAYS_MS.length - 1)]!;
    state.timer = setTimeout(() => {
      if (this.watched.get(roomId) !== state) return;
      this.subscribe(roomId, state).catch((failure: ChatError) => this.lost(roomId, state, failure));
    }, delay);
    // Last: a listener may unwatch the room, which clears the timer.
    this.events.emit('error', { type: 'error', roomId, error });
  }
}
