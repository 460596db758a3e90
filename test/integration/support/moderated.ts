import { createHmac } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AuthClient, CacheClient, TopicClient } from '@gomomento/sdk';
import { ChatRoom, ENVELOPE_VERSION, createMessageIdGenerator, isChatError, vendModeratedClientTokens, vendModeratorTokens } from '../../../src/index.js';
import type { ChatTopicClient, RoomTokens } from '../../../src/index.js';
import { Moderator } from '../../../src/moderator/index.js';
import type { ModerateFn, ModerationOutcome, ModeratorErrorEvent, ModeratorOptions, OutcomeEvent } from '../../../src/moderator/index.js';
import type { LocalMomento } from '../../../src/local/index.js';
import { record, type ChatUser, type ChatUserOptions } from './chat.js';
import { cacheClientFor, topicClientFor } from './clients.js';
import { waitFor } from './time.js';

/** Accepts every message as sent. */
export const acceptAll: ModerateFn = () => ({ action: 'accept' });

/** A moderator over clients built only from the tokens `vendModeratorTokens` vends, and what it emitted. */
export interface RunningModerator {
  moderator: Moderator;
  tokens: RoomTokens;
  cacheClient: CacheClient;
  topicClient: TopicClient;
  /** Every `outcome` event, in order. */
  outcomes: OutcomeEvent[];
  /** Every `error` event, in order. */
  errors: ModeratorErrorEvent[];
}

export type ModeratorSetup = { cacheName: string; roomIds: string[]; moderate?: ModerateFn; watch?: boolean } & Partial<
  Omit<ModeratorOptions, 'cacheClient' | 'topicClient' | 'cacheName' | 'moderate'>
>;

/** Which user of a moderated room, and how its room is tuned; `sender` defaults to the user's own id. */
export type ModeratedUserOptions = ChatUserOptions & { topicClient?: (real: TopicClient) => ChatTopicClient };

/**
 * Makes the users and moderators of one test file, each over real SDK clients that hold only vended
 * tokens, and ends them all afterwards: moderators stopped, rooms left, cache clients closed.
 */
export class ModeratedChat {
  private readonly users: ChatUser[] = [];
  private readonly moderators: RunningModerator[] = [];
  private readonly subscriptions: Array<{ unsubscribe(): void }> = [];

  constructor(
    private readonly momento: LocalMomento,
    private readonly auth: AuthClient,
  ) {}

  /** A member of a moderated room (not joined yet), its clients built from `vendModeratedClientTokens`. */
  async user(options: ModeratedUserOptions): Promise<ChatUser> {
    const { userId, topicClient: wrap, ...roomOptions } = options;
    const tokens = await vendModeratedClientTokens(this.auth, { cacheName: options.cacheName, roomId: options.roomId, userId });
    const cacheClient = await cacheClientFor(this.momento, tokens.cacheToken);
    const topicClient = topicClientFor(this.momento, tokens.topicToken);
    const room = new ChatRoom({
      sender: { displayName: userId, userId },
      moderationTimeoutMs: 8000,
      ...roomOptions,
      mode: 'moderated',
      cacheClient,
      topicClient: wrap ? wrap(topicClient) : topicClient,
    });
    const user = { userId, tokens, cacheClient, topicClient, room, events: record(room) };
    this.users.push(user);
    return user;
  }

  /** Joined members of one room, in the order given. */
  async joined(base: Omit<ModeratedUserOptions, 'userId'>, userIds: string[]): Promise<ChatUser[]> {
    const users: ChatUser[] = [];
    for (const userId of userIds) {
      const user = await this.user({ ...base, userId });
      await user.room.join();
      users.push(user);
    }
    return users;
  }

  /** A moderator for `roomIds`, watching them unless `watch` is false. */
  async moderator(setup: ModeratorSetup): Promise<RunningModerator> {
    const { cacheName, roomIds, moderate = acceptAll, watch = true, ...options } = setup;
    const tokens = await vendModeratorTokens(this.auth, { cacheName, roomIds });
    const cacheClient = await cacheClientFor(this.momento, tokens.cacheToken);
    const topicClient = topicClientFor(this.momento, tokens.topicToken);
    const moderator = new Moderator({ ...options, cacheClient, topicClient, cacheName, moderate });
    const running: RunningModerator = { moderator, tokens, cacheClient, topicClient, outcomes: [], errors: [] };
    moderator.on('outcome', (event) => running.outcomes.push(event));
    moderator.on('error', (event) => running.errors.push(event));
    this.moderators.push(running);
    if (watch) for (const roomId of roomIds) await moderator.watch(roomId);
    return running;
  }

  /** The raw values published on a topic from now on, through an SDK subscription of `topicClient`. */
  async topicValues(topicClient: TopicClient, cacheName: string, topic: string): Promise<string[]> {
    const values: string[] = [];
    const subscribed = await topicClient.subscribe(cacheName, topic, { onItem: (item) => values.push(item.valueString()), onError: () => undefined });
    if (subscribed.type !== 'Subscription') throw new Error(`unable to subscribe to ${topic}; ${subscribed.toString()}`);
    this.subscriptions.push(subscribed);
    return values;
  }

  /** Stops every moderator, leaves every room and subscription, closes every cache client made here. */
  async closeAll(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    for (const running of this.moderators.splice(0)) {
      await running.moderator.stop();
      running.cacheClient.close();
    }
    for (const user of this.users.splice(0)) {
      await user.room.leave();
      user.cacheClient.close();
    }
  }
}

/** The statuses of what moderators did, all together, in event order per moderator. */
export const statusesOf = (...moderators: RunningModerator[]): string[] => moderators.flatMap((m) => m.outcomes.map((e) => e.outcome.status));

/** Resolves once the moderators emitted, between them, `count` outcomes of `status` (and rooms, when given). */
export function outcomesReached(moderators: RunningModerator[], status: ModerationOutcome['status'], count: number, roomId?: string): Promise<void> {
  const matching = () => moderators.flatMap((m) => m.outcomes).filter((e) => e.outcome.status === status && (roomId === undefined || e.roomId === roomId));
  return waitFor(() => matching().length >= count, 8000, `${count} '${status}' outcomes`);
}

/** What a send (or any call) threw, as a ChatError's code and reason, or what happened instead. */
export async function failureOf(promise: Promise<unknown>): Promise<{ code: string; reason?: string; message: string }> {
  return promise.then(
    () => ({ code: 'resolved', message: '' }),
    (error: unknown) => (isChatError(error) ? { code: error.code, reason: error.reason, message: error.message } : { code: 'not a ChatError', message: String(error) }),
  );
}

const nextId = createMessageIdGenerator();

/** A message id as a ChatRoom makes it. */
export const newMessageId = (): string => nextId();

/** An input envelope of room `roomId` as a ChatRoom publishes it, with any extra fields a forger might add. */
export function rawInput(roomId: string, fields: { id?: string; text?: string; from?: { name?: string; uid?: string } } & Record<string, unknown> = {}): string {
  return JSON.stringify({ v: ENVELOPE_VERSION, room: roomId, id: newMessageId(), text: 'raw', ts: Date.now(), ...fields });
}

/** The stored envelopes of a room's list, parsed, read with an admin client; empty when there is no list. */
export async function storedEnvelopes(admin: CacheClient, cacheName: string, roomId: string): Promise<Array<Record<string, unknown>>> {
  const fetched = await admin.listFetch(cacheName, roomId);
  switch (fetched.type) {
    case 'Hit':
      return fetched.valueListString().map((raw) => JSON.parse(raw) as Record<string, unknown>);
    case 'Miss':
      return [];
    default:
      throw new Error(`unable to read list ${roomId}; ${fetched.toString()}`);
  }
}

/** A topic client that publishes what `rewrite` makes of each value, as a client of another release would. */
export function rewritingPublish(real: TopicClient, rewrite: (value: string) => string): ChatTopicClient {
  return {
    publish: (cacheName, topicName, value) => real.publish(cacheName, topicName, rewrite(value)),
    subscribe: (cacheName, topicName, options) => real.subscribe(cacheName, topicName, options),
  };
}

/** Whether sequences only grow. */
export const strictlyIncreasing = (values: readonly (number | undefined)[]): boolean =>
  values.every((value, i) => value !== undefined && (i === 0 || value > values[i - 1]!));

/** The message id an outcome is about, when it has one. */
export function outcomeId(outcome: ModerationOutcome): string | undefined {
  switch (outcome.status) {
    case 'accepted':
      return outcome.message.id;
    case 'malformed':
      return outcome.id;
    default:
      return outcome.id;
  }
}

/** An HTTP server on a free port of 127.0.0.1, for a webhook handler. */
export interface LocalHttpServer {
  /** `http://127.0.0.1:PORT/momento`. */
  url: string;
  /** POSTs a body with headers, as Momento would, and gives the status and the parsed answer. */
  post(body: string, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Stops listening and closes every connection. */
  stop(): Promise<void>;
}

/** Serves `listener` on 127.0.0.1, port 0. */
export async function serveLocally(listener: RequestListener): Promise<LocalHttpServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/momento`;
  return {
    url,
    async post(body, headers = {}) {
      const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `momento-signature` as Momento computes it: hex HMAC SHA3-256 of the exact body under the webhook's secret. */
export const signBody = (body: string, secret: string): string => createHmac('sha3-256', secret).update(body).digest('hex');
