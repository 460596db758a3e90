import { ChatError, callMomento, fromMomentoError, isChatError } from '../errors.js';
import type { ChatTopicClient, TopicSubscribeResponse, TopicSubscriptionLike } from '../momento-ports.js';
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
  /** How many messages each room's history keeps, 1 to 100000. Default 100; use the rooms' own setting. */
  historyLength?: number;
  /** The history's TTL in seconds, refreshed by every message. Default and maximum 86400 (Momento's 24 h). */
  historyTtlSeconds?: number;
  /**
   * How long a message id is remembered, so a redelivery or a replay is not handled twice, in seconds,
   * 60 to 86400. Inputs whose id was made longer ago than this, less the clock skew allowed (an hour, or a
   * quarter of this when shorter), are refused. Default: `historyTtlSeconds`, and at least 60.
   */
  seenTtlSeconds?: number;
  /** How many messages `context.recentHistory()` returns, at least 1. Default 20. */
  recentHistorySize?: number;
  /** The clock of server timestamps and of the check of message ids against replays, in epoch milliseconds. Default `Date.now`. */
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
const MAX_TTL_SECONDS = 86_400;

/** A watched room's subscription to its input topic. */
interface WatchedRoom {
  /** What `watch` returns, to every caller: settles once the first subscription is open, or has failed. */
  ready?: Promise<void>;
  subscription?: TopicSubscriptionLike;
  /** The pause before the next subscription. */
  timer?: ReturnType<typeof setTimeout>;
  /** Subscriptions lost since the last one opened, for the length of the pause. */
  failures: number;
  /** The subscription being opened or open. What any other one reports is stale: it was ended already. */
  attempt?: object;
}

/** @throws ChatError INVALID_ARGUMENT for a value that is not an integer within bounds. */
function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ChatError('INVALID_ARGUMENT', `unable to create the moderator; ${name} must be an integer from ${min} to ${max}, not ${value}`);
  }
  return value;
}

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
  // A throwing `outcome` listener is reported as an `error` event; a throwing `error` listener cannot be, without end.
  private readonly events: TypedEvents<ModeratorEvents> = new TypedEvents<ModeratorEvents>((events, error, event, payload) => {
    if (event === 'error') return;
    const roomId = (payload as OutcomeEvent).roomId;
    events.emit('error', { type: 'error', roomId, error: new ChatError('LISTENER_FAILED', 'unable to deliver an event; a listener threw', { cause: error }) });
  });
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly watched = new Map<string, WatchedRoom>();

  /**
   * @param options clients, cache, hook and tuning.
   * @throws ChatError INVALID_ARGUMENT for a missing client, cache or hook, or a number out of range.
   */
  constructor(options: ModeratorOptions) {
    if (!options.cacheClient || !options.topicClient) throw new ChatError('INVALID_ARGUMENT', 'unable to create the moderator; cacheClient and topicClient are required');
    if (typeof options.cacheName !== 'string' || options.cacheName === '') throw new ChatError('INVALID_ARGUMENT', 'unable to create the moderator; cacheName is empty');
    if (typeof options.moderate !== 'function') throw new ChatError('INVALID_ARGUMENT', 'unable to create the moderator; moderate must be a function');
    this.cacheName = options.cacheName;
    const historyTtlSeconds = integerIn('historyTtlSeconds', options.historyTtlSeconds ?? MAX_TTL_SECONDS, 1, MAX_TTL_SECONDS);
    this.settings = {
      cacheClient: options.cacheClient,
      topicClient: options.topicClient,
      cacheName: options.cacheName,
      moderate: options.moderate,
      historyLength: integerIn('historyLength', options.historyLength ?? 100, 1, 100_000),
      historyTtlSeconds,
      seenTtlSeconds: integerIn('seenTtlSeconds', options.seenTtlSeconds ?? Math.max(60, historyTtlSeconds), 60, MAX_TTL_SECONDS),
      recentHistorySize: integerIn('recentHistorySize', options.recentHistorySize ?? 20, 1, 100_000),
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
   * @param raw the value published to the room's input topic: the text of an envelope of this room. A binary
   * value, or an envelope of another room, is malformed (`outcome` says why; a sender whose id can be read is told).
   * @param tokenId the tokenId Momento stamped on it.
   * @returns what was done, or undefined when Momento failed (see the `error` event).
   */
  process(roomId: string, raw: string | Uint8Array, tokenId: string): Promise<ModerationOutcome | undefined> {
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
   * @throws ChatError when the first subscription fails (PERMISSION_DENIED…); the room is then not watched.
   */
  async watch(roomId: string): Promise<void> {
    checkRoomId(roomId, 'watch the room');
    const watching = this.watched.get(roomId);
    if (watching) return watching.ready;
    const state: WatchedRoom = { failures: 0 };
    this.watched.set(roomId, state);
    state.ready = this.open(roomId, state).catch((error: unknown) => {
      if (this.watched.get(roomId) === state) this.watched.delete(roomId);
      throw error;
    });
    return state.ready;
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

  /**
   * Opens a subscription to a watched room's input topic.
   * @throws ChatError when it fails while still wanted; a subscription no longer wanted is ended, or its failure ignored.
   */
  private async open(roomId: string, state: WatchedRoom): Promise<void> {
    const attempt = {};
    state.attempt = attempt;
    const wanted = (): boolean => this.watched.get(roomId) === state && state.attempt === attempt;
    const { topicClient, cacheName } = this.settings;
    let subscribed: TopicSubscribeResponse;
    try {
      subscribed = await callMomento('watch the room', () =>
        topicClient.subscribe(cacheName, inputTopicOf(roomId), {
          onItem: (item) => void this.process(roomId, item.value(), item.tokenId() ?? ''),
          onError: (error) => {
            if (wanted()) this.lost(roomId, state, fromMomentoError('stay subscribed to the input topic', error));
          },
        }),
      );
      if (subscribed.type === 'Error') throw fromMomentoError(`watch room ${roomId}`, subscribed);
    } catch (error) {
      if (wanted()) throw error;
      return;
    }
    if (!wanted()) return subscribed.unsubscribe();
    state.subscription = subscribed;
    state.failures = 0;
  }

  private lost(roomId: string, state: WatchedRoom, error: ChatError): void {
    if (this.watched.get(roomId) !== state) return;
    state.attempt = undefined;
    // The SDK also reports an unreadable item through onError, with the stream still open: end it, or it
    // would live on beside the next one, and past unwatch.
    state.subscription?.unsubscribe();
    state.subscription = undefined;
    clearTimeout(state.timer);
    const delay = RESUBSCRIBE_DELAYS_MS[Math.min(state.failures++, RESUBSCRIBE_DELAYS_MS.length - 1)]!;
    state.timer = setTimeout(() => this.open(roomId, state).catch((failure: ChatError) => this.lost(roomId, state, failure)), delay);
    // Last: a listener may unwatch the room, which clears the timer.
    this.events.emit('error', { type: 'error', roomId, error });
  }
}
