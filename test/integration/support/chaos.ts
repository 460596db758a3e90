import { CacheClient, Configurations, DefaultMomentoLoggerFactory, DefaultMomentoLoggerLevel, TopicClient, TopicConfigurations } from '@gomomento/sdk';
import type { AuthClient } from '@gomomento/sdk';
import { ChatRoom, isChatError, vendClientOnlyTokens, vendModeratedClientTokens, vendModeratorTokens } from '../../../src/index.js';
import type { ChatError, ChatMessage, ChatRoomOptions, RoomTokens } from '../../../src/index.js';
import type { LocalMomento } from '../../../src/local/index.js';
import { Moderator } from '../../../src/moderator/index.js';
import { FaultScheduler, type FaultPlan } from './fault-scheduler.js';
import { acceptAll } from './moderated.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';

export type RoomMode = 'client-only' | 'moderated';

/** What one chaos run does: the rooms, the members and their sends, the faults, and how long it may take. */
export interface ChaosSetup {
  cacheName: string;
  /** Prefix of the room ids, unique per run on one server. */
  label: string;
  rooms: { 'client-only': number; moderated: number };
  membersPerRoom: number;
  messagesPerMember: number;
  /** Each member's pause before each send, drawn from [min, max] ms. */
  pauseMs: readonly [number, number];
  /**
   * `static`: each member's room gets one `cacheClient` and `topicClient`, as rooms always could.
   * `provider`: a `clients` function that vends new tokens and builds new clients on each call.
   */
  clients: 'static' | 'provider';
  /** The life of vended tokens; given a provider, the room renews them `renewBeforeSeconds` (60) before they expire. */
  tokenLifeSeconds: number;
  /** The faults to inject while the members send; none when undefined. */
  faults?: Omit<FaultPlan, 'expirable'>;
  /** Rooms and moderators keep this many messages: more than a run sends, so history always reaches back over a gap. */
  historyLength: number;
  pageSize: number;
  moderationTimeoutMs: number;
  /** No member starts a send after this long. */
  sendingDeadlineMs: number;
  /** A send that has not settled after this long counts as hung, and its member moves on. */
  sendBoundMs: number;
  /** How long the rooms may take, once the faults stop, to be joined again and hold every resolved message. */
  settleTimeoutMs: number;
}

// The SDK logs a warning for every injected failure: hundreds per run, which would bury the summary line.
const quietLogs = new DefaultMomentoLoggerFactory(DefaultMomentoLoggerLevel.ERROR);

/** `cacheClientFor` of ./clients.ts, logging errors only. */
function cacheClientFor(momento: LocalMomento, apiKey: string): Promise<CacheClient> {
  return CacheClient.create({ configuration: Configurations.Laptop.v1(quietLogs), credentialProvider: momento.credentialProviderFor(apiKey), defaultTtlSeconds: 60 });
}

/** `topicClientFor` of ./clients.ts, logging errors only. */
function topicClientFor(momento: LocalMomento, apiKey: string): TopicClient {
  return new TopicClient({ configuration: TopicConfigurations.Default.latest(quietLogs), credentialProvider: momento.credentialProviderFor(apiKey) });
}

/** The clients the provider hands a room, as `RoomClients` describes them. */
export interface ProvidedClients {
  cacheClient: CacheClient;
  topicClient: TopicClient;
  expiresAt: number;
  close: () => void;
}

/**
 * A member's token backend: vends a fresh pair of tokens with the member's id as tokenId on each call
 * and builds real SDK clients from them, counting calls and the client sets not closed yet.
 */
export class MemberClients {
  /** Calls so far; each after the first is a renewal. */
  calls = 0;
  /** Calls not answered yet. */
  inFlight = 0;
  private readonly sets: Array<{ cacheClient: CacheClient; closed: boolean }> = [];

  constructor(
    private readonly vend: () => Promise<RoomTokens>,
    private readonly momento: LocalMomento,
  ) {}

  /** Sets handed out and not closed: the room should hold one once it is settled. */
  get open(): number {
    return this.sets.filter((set) => !set.closed).length;
  }

  readonly provide = async (): Promise<ProvidedClients> => {
    this.calls++;
    this.inFlight++;
    try {
      const tokens = await this.vend();
      const set = { cacheClient: await cacheClientFor(this.momento, tokens.cacheToken), closed: false };
      this.sets.push(set);
      return {
        cacheClient: set.cacheClient,
        topicClient: topicClientFor(this.momento, tokens.topicToken),
        expiresAt: tokens.expiresAt,
        close: () => close(set),
      };
    } finally {
      this.inFlight--;
    }
  };

  /** Closes every set still open (after the room is left). */
  closeAll(): void {
    for (const set of this.sets) close(set);
  }
}

function close(set: { cacheClient: CacheClient; closed: boolean }): void {
  if (set.closed) return;
  set.closed = true;
  set.cacheClient.close();
}

/** One user in one room, and everything its room and its sends did. */
export interface ChaosMember {
  userId: string;
  roomId: string;
  mode: RoomMode;
  room: ChatRoom;
  clients: MemberClients;
  /** Every status the room moved to, and the error of each `failed`. */
  statuses: string[];
  failures: ChatError[];
  /** `error` events. */
  errors: ChatError[];
  /** The reason of each `discontinuity` event. */
  discontinuities: string[];
  /** The messages whose `send` resolved, in send order. */
  sent: ChatMessage[];
  /** Sends that rejected, by code (`MOMENTO_ERROR:SERVER_UNAVAILABLE` when Momento's code says more). */
  sendFailures: string[];
  /** Sends that had not settled after `sendBoundMs`. */
  hungSends: number;
}

export interface ChaosRoom {
  roomId: string;
  mode: RoomMode;
  members: ChaosMember[];
}

/** A moderator of the run's moderated rooms, on its own tokens (never expired), and its `error` events. */
export interface ChaosModerator {
  moderator: Moderator;
  cacheClient: CacheClient;
  errors: ChatError[];
}

/** The rooms, members and moderators of one run, and the means to end them all. */
export class ChaosWorld {
  readonly rooms: ChaosRoom[] = [];
  readonly moderators: ChaosModerator[] = [];
  scheduler: FaultScheduler | undefined;
  /** Where every random choice of the run comes from: the seed, forked by the run's label. */
  readonly random: SeededRandom;
  private stopped = false;

  constructor(
    readonly setup: ChaosSetup,
    readonly seed: number,
    private readonly momento: LocalMomento,
    private readonly auth: AuthClient,
  ) {
    this.random = seededRandom(seed).fork(setup.label);
  }

  get members(): ChaosMember[] {
    return this.rooms.flatMap((room) => room.members);
  }

  /** Makes the rooms and their members (not joined) and starts the moderators of the moderated rooms. */
  async build(): Promise<void> {
    const { setup } = this;
    for (const mode of ['client-only', 'moderated'] as const) {
      for (let r = 0; r < setup.rooms[mode]; r++) {
        const roomId = `${setup.label}-${mode === 'moderated' ? 'm' : 'c'}${r}`;
        const members: ChaosMember[] = [];
        for (let u = 0; u < setup.membersPerRoom; u++) members.push(await this.member(roomId, mode, `${roomId}-u${u}`));
        this.rooms.push({ roomId, mode, members });
      }
    }
    const moderated = this.rooms.filter((room) => room.mode === 'moderated').map((room) => room.roomId);
    // Two moderators for the same rooms: each input reaches both and is handled once (claimed by id).
    if (moderated.length > 0) for (const moderatorId of [`${setup.label}-mod-a`, `${setup.label}-mod-b`]) await this.moderator(moderatorId, moderated);
  }

  /** A fault scheduler over the members' tokenIds, when the setup asks for faults. */
  faultScheduler(faults: LocalMomento['faults']): FaultScheduler | undefined {
    if (!this.setup.faults) return undefined;
    this.scheduler = new FaultScheduler(faults, this.random.fork('faults'), { ...this.setup.faults, expirable: this.members.map((m) => m.userId) });
    return this.scheduler;
  }

  /**
   * Sends each member's messages, one at a time with a seeded pause before each, until all are sent,
   * the deadline passes or the world stops. A send may reject; the member goes on after a short pause.
   */
  async sendAll(): Promise<void> {
    const deadline = Date.now() + this.setup.sendingDeadlineMs;
    await Promise.all(this.members.map((member) => this.sendFrom(member, this.random.fork(`send:${member.userId}`), deadline)));
  }

  /** Stops the faults and the sends, leaves every room, stops the moderators, closes every client. Safe to call twice. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.scheduler?.stop();
    await Promise.all(
      this.members.map(async (member) => {
        await bounded(member.room.leave().catch(() => undefined), 2000);
        member.clients.closeAll();
      }),
    );
    await Promise.all(
      this.moderators.splice(0).map(async ({ moderator, cacheClient }) => {
        await bounded(moderator.stop().catch(() => undefined), 5000);
        cacheClient.close();
      }),
    );
  }

  private async member(roomId: string, mode: RoomMode, userId: string): Promise<ChaosMember> {
    const { setup } = this;
    const vend = mode === 'moderated' ? vendModeratedClientTokens : vendClientOnlyTokens;
    const clients = new MemberClients(() => vend(this.auth, { cacheName: setup.cacheName, roomId, userId, expiresInSeconds: setup.tokenLifeSeconds }), this.momento);
    const options: Omit<ChatRoomOptions, 'cacheClient' | 'topicClient'> = {
      cacheName: setup.cacheName,
      roomId,
      mode,
      sender: { displayName: userId, userId },
      historyLength: setup.historyLength,
      pageSize: setup.pageSize,
      moderationTimeoutMs: setup.moderationTimeoutMs,
    };
    let room: ChatRoom;
    if (setup.clients === 'static') {
      const { cacheClient, topicClient } = await clients.provide();
      room = new ChatRoom({ ...options, cacheClient, topicClient });
    } else {
      // Short pauses between reconnect attempts, so a run settles within its bound once the faults stop.
      room = new ChatRoom({ ...options, clients: clients.provide, reconnect: { initialDelayMs: 50, maxDelayMs: 1000 } });
    }
    const member: ChaosMember = { userId, roomId, mode, room, clients, statuses: [], failures: [], errors: [], discontinuities: [], sent: [], sendFailures: [], hungSends: 0 };
    room.on('status', ({ status, error }) => {
      member.statuses.push(status);
      if (status === 'failed' && error) member.failures.push(error);
    });
    room.on('error', ({ error }) => member.errors.push(error));
    room.on('discontinuity', ({ reason }) => member.discontinuities.push(reason));
    return member;
  }

  private async moderator(moderatorId: string, roomIds: string[]): Promise<void> {
    const { setup } = this;
    const tokens = await vendModeratorTokens(this.auth, { cacheName: setup.cacheName, roomIds, moderatorId });
    const cacheClient = await cacheClientFor(this.momento, tokens.cacheToken);
    const moderator = new Moderator({
      cacheClient,
      topicClient: topicClientFor(this.momento, tokens.topicToken),
      cacheName: setup.cacheName,
      moderate: acceptAll,
      historyLength: setup.historyLength,
    });
    const running: ChaosModerator = { moderator, cacheClient, errors: [] };
    moderator.on('error', ({ error }) => running.errors.push(error));
    this.moderators.push(running);
    for (const roomId of roomIds) await moderator.watch(roomId);
  }

  private async sendFrom(member: ChaosMember, random: SeededRandom, deadline: number): Promise<void> {
    for (let i = 0; i < this.setup.messagesPerMember && !this.stopped && Date.now() < deadline; i++) {
      // Both drawn every time, so the member's sequence of pauses does not depend on which sends failed.
      const pause = random.int(...this.setup.pauseMs);
      const afterFailure = random.int(100, 400);
      await sleep(pause);
      if (this.stopped) return;
      const outcome = await bounded(
        member.room.send(`${member.userId} #${i}`).then(
          (message) => ({ message }),
          (error: unknown) => ({ error }),
        ),
        this.setup.sendBoundMs,
      );
      if (outcome === undefined) member.hungSends++;
      else if ('message' in outcome) member.sent.push(outcome.message);
      else {
        member.sendFailures.push(codeOf(outcome.error));
        await sleep(afterFailure);
      }
    }
  }
}

/** A ChatError's code, with Momento's own code when it has one, or what else was thrown. */
export function codeOf(error: unknown): string {
  if (!isChatError(error)) return `not a ChatError: ${String(error)}`;
  return error.momentoErrorCode ? `${error.code}:${error.momentoErrorCode}` : error.code;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What `promise` gives, or undefined when it has not settled after `ms` (it is then left to itself). */
export async function bounded<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
