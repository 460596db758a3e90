import { catchUpRun, readBackToKnown } from './backfill.js';
import { backoffDelay } from './backoff.js';
import { CancellableWaits } from './cancellable-waits.js';
import { ClientsInUse } from './clients-in-use.js';
import { resolveRoomOptions, type ChatRoomOptions, type ResolvedRoomOptions } from './chat-room-options.js';
import { decodeMessage, encodeMessage } from './envelope.js';
import { ChatError, callMomento, fromMomentoError, isChatError } from './errors.js';
import { HistoryPager, type ListEntry, type OlderPage } from './history-pager.js';
import { isRejection, type LiveItem } from './live-feed.js';
import { LiveLink, type LinkSink } from './live-link.js';
import type { ChatMessage, JsonValue } from './message.js';
import { createMessageIdGenerator } from './message-id.js';
import { MessageTimeline, type Timeline } from './message-timeline.js';
import { PendingModeration } from './pending-moderation.js';
import type { RoomClients } from './room-clients.js';
import { SequenceTimeline } from './sequence-timeline.js';
import { publishWithRetry } from './publish-with-retry.js';
import { storeAndPublish, submitForModeration } from './room-sender.js';
import type { RoomStatus } from './room-status.js';
import type { ChatRoomEvents } from './room-events.js';
import { TypedEvents, type Subscription } from './typed-events.js';

/** Options of {@link ChatRoom.send}. */
export interface SendOptions {
  /** A plain JSON object sent with the message. */
  metadata?: { [key: string]: JsonValue };
  /**
   * The id of an earlier send that failed (its error's `messageId`), to send it again: readers keep one
   * copy of an id, so a message that was stored after all is not shown twice.
   */
  messageId?: string;
}

/** A page of older messages. */
export interface HistoryPage {
  /** The messages this page added, oldest first. */
  messages: ChatMessage[];
  /** False once the oldest message the history keeps has been loaded. */
  hasMore: boolean;
}

type Entry = ListEntry<ChatMessage | ChatError>;

// The SDKs restore a broken stream within about half a second: only a longer loss is `reconnecting`.
const RESTORE_GRACE_MS = 1000;
// How long a send refused for its token waits for the room's new clients before it gives up.
const RENEWAL_WAIT_MS = 10_000;
// A subscribe that Momento never answers (the web SDK sets no deadline) is abandoned after this.
const SUBSCRIBE_TIMEOUT_MS = 15_000;
// A clients function is the app's code, often a request to its backend: bounded too, more loosely.
const CLIENTS_TIMEOUT_MS = 30_000;
// Reading history again after a page was discarded (the room forgot messages meanwhile): at most this often.
const PAGE_ATTEMPTS = 3;

/**
 * A chat room over Momento: history in a cache list named after the room, live delivery on a topic of
 * the same name. In client-only mode (the default) clients write the list and publish to the topic
 * themselves; in moderated mode they publish to the room's input topic and a `Moderator` (from `momento-chat/moderator`) does both.
 *
 * Joined, the room keeps itself live: when Momento ends or breaks its subscription it subscribes again
 * (status `reconnecting`, pauses growing to `reconnect.maxDelayMs`), then reads history back until it
 * overlaps what it has, so each message still arrives once and in order; given a `clients` function it
 * renews its clients before their tokens expire, without a gap.
 *
 * @example
 * ```ts
 * const room = new ChatRoom({ cacheClient, topicClient, cacheName: 'chat', roomId: 'lobby', sender: { displayName: 'Ann' } });
 * room.on('message', ({ message }) => console.log(`${message.sender.claims.displayName}: ${message.text}`));
 * await room.join();
 * await room.send('hello');
 * ```
 */
export class ChatRoom {
  private readonly options: ResolvedRoomOptions;
  private readonly events: TypedEvents<ChatRoomEvents>;
  private readonly timeline: Timeline;
  // Moderated rooms only, made by the first send.
  private pendingSends: PendingModeration | undefined;
  private readonly sink: LinkSink;
  private readonly waits = new CancellableWaits();
  private readonly inUse: ClientsInUse;
  private pager: HistoryPager<ChatMessage | ChatError>;
  private currentStatus: RoomStatus = 'initialized';
  // Bumped by every join and teardown: async work of an earlier session sees it changed and stops.
  private session = 0;
  private clients: RoomClients | undefined;
  private link: LiveLink | undefined;
  // What the upkeep loop has to do, set by the link's events, failed calls and the renewal timer.
  private wantReconnect: ChatError | undefined;
  private wantRenew = false;
  private wantCatchUp = false;
  private upkeepRunning = false;
  // Links and clients a reconnect or renewal replaced, closed once the new link has caught up.
  private retiring: Array<{ link?: LiveLink; clients?: RoomClients }> | undefined;
  private joinFailure: ChatError | undefined;
  // Own messages stored but not yet seen on the stream or in history: a catch-up cannot anchor on them,
  // since messages of others may lie before them unseen.
  private unconfirmedIds: Set<string> | undefined;
  // The oldest message read from the list: what lies before it in the list is older history, for
  // loadOlder; what lies after it the room has, or missed. Undefined when no history was read.
  private floor: string | undefined;
  private renewalTimer: ReturnType<typeof setTimeout> | undefined;
  private lostTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param options clients, cache, room and tuning; see {@link ChatRoomOptions}.
   * @throws ChatError INVALID_ARGUMENT when an option is out of range.
   */
  constructor(options: ChatRoomOptions) {
    this.options = resolveRoomOptions(options);
    this.events = new TypedEvents<ChatRoomEvents>(reportListenerError);
    this.inUse = new ClientsInUse(this.events);
    this.pager = this.createPager();
    this.timeline = this.moderated ? new SequenceTimeline() : new MessageTimeline();
    // What the SDK says of a link before the room takes it is kept on the link, and read when it does.
    this.sink = ((news: string, link: LiveLink, value?: LiveItem | ChatError): void => {
      if (news === 'item') this.deliver(value as LiveItem);
      else if (news === 'unreadable') this.emitError(value as ChatError);
      else if (news === 'ended') this.linkEnded(link, value as ChatError);
      else if (news === 'gap') this.linkGapped(link);
      else if (news === 'lost') this.linkLost(link);
      else this.linkAlive(link);
    }) as LinkSink;
  }

  // Items of any open link are delivered: during a renewal the old link delivers until the new one caught up.

  private linkGapped(link: LiveLink): void {
    link.gapped = true;
    link.hold();
    if (link !== this.link) return;
    this.wantCatchUp = true;
    this.upkeep();
  }

  private linkLost(link: LiveLink): void {
    if (link.awaitingStream) return;
    link.awaitingStream = true;
    link.hold();
    if (link === this.link) this.awaitRestore(link);
  }

  private linkAlive(link: LiveLink): void {
    if (!link.awaitingStream) return;
    // The SDK restored the stream: what was published meanwhile is read from history.
    link.awaitingStream = false;
    link.gapped = true;
    if (link !== this.link) return;
    clearTimeout(this.lostTimer);
    this.wantCatchUp = true;
    this.upkeep();
  }

  private linkEnded(link: LiveLink, error: ChatError): void {
    if (link !== this.link) return;
    if (this.currentStatus === 'joining') this.joinFailure ??= error;
    else this.recover(error);
  }

  private get pending(): PendingModeration {
    return (this.pendingSends ??= new PendingModeration(this.options.moderationTimeoutMs));
  }

  private get unconfirmed(): Set<string> {
    return (this.unconfirmedIds ??= new Set());
  }

  /** The SDK is restoring the link's stream: `reconnecting` if that takes longer than a blip. */
  private awaitRestore(link: LiveLink): void {
    clearTimeout(this.lostTimer);
    this.lostTimer = setTimeout(() => {
      if (link === this.link && link.awaitingStream && this.currentStatus === 'joined') this.setStatus('reconnecting');
    }, RESTORE_GRACE_MS);
  }

  private get moderated(): boolean {
    return this.options.mode === 'moderated';
  }

  /** The room id. */
  get roomId(): string {
    return this.options.roomId;
  }

  /** Where the room is in its life. */
  get status(): RoomStatus {
    return this.currentStatus;
  }

  /**
   * The loaded messages, oldest first, each once: history in the list's order, then live messages; at most
   * about `maxMessages` as live ones arrive. A new array after each change (the same one until then), so
   * an array read earlier never changes.
   */
  get messages(): readonly ChatMessage[] {
    return this.timeline.messages;
  }

  /** False once the oldest message the history keeps has been loaded. */
  get hasMoreHistory(): boolean {
    return this.pager.hasMore;
  }

  /**
   * Listens to an event. A listener that throws does not stop the others; the throw is reported as an
   * `error` event (LISTENER_FAILED), except the throw of an `error` listener, which is dropped.
   * @param event `message`, `status`, `error` or `discontinuity`.
   * @param listener called with the event's payload.
   * @returns a handle whose `unsubscribe()` stops the listener.
   */
  on<K extends keyof ChatRoomEvents>(event: K, listener: (payload: ChatRoomEvents[K]) => void): Subscription {
    return this.events.on(event, listener);
  }

  /**
   * Joins: subscribes to the room's topic first, then loads the newest page of history (and further back
   * when more than a page was written meanwhile) and merges the two by message id, so a message sent at
   * any moment around the join is seen exactly once, in order. Malformed entries are reported as `error`
   * events once the room is joined.
   * @returns the loaded messages, oldest first.
   * @throws ChatError INVALID_ARGUMENT when the room is already joining or joined; the code of what failed
   * (PERMISSION_DENIED, CACHE_NOT_FOUND…), and the room is then `failed`; NOT_JOINED when `leave()` was
   * called meanwhile, and the room stays `left`.
   */
  async join(): Promise<readonly ChatMessage[]> {
    if (this.currentStatus === 'joining' || this.currentStatus === 'joined' || this.currentStatus === 'reconnecting') {
      throw new ChatError('INVALID_ARGUMENT', `unable to join; the room is already ${this.currentStatus}`);
    }
    const session = ++this.session;
    this.joinFailure = undefined;
    this.setStatus('joining');
    const { pager } = this;
    const malformed: ChatError[] = [];
    // A leave() (from a listener, or after any wait) owns the room now, and nothing read may reach it.
    const stillJoining = (): void => {
      if (this.session !== session) throw leftWhileJoining();
      if (this.joinFailure) throw this.joinFailure;
    };
    try {
      stillJoining();
      let clients = this.options.staticClients;
      if (!clients) {
        clients = await this.provideClients();
        if (this.session !== session) this.inUse.close(clients);
        stillJoining();
      }
      this.clients = clients;
      const link = await this.openLink(clients, session);
      this.link = link;
      this.joinFailure ??= link.endedWith;
      stillJoining();
      const newest = await pager.loadNewest();
      stillJoining();
      this.timeline.mergeHistory(readable(newest, malformed), 'back');
      // If more than a page was written between subscribing and reading, the first live message lies
      // before the page, at most as many entries back as there are live messages: read back to it.
      const held = link.heldItems;
      const firstLive = held.find((item): item is ChatMessage => !isChatError(item) && !isRejection(item));
      let readBack = 0;
      while (firstLive && !this.timeline.has(firstLive.id) && pager.hasMore && readBack < held.length) {
        const { older } = await pager.loadOlder();
        stillJoining();
        this.timeline.mergeHistory(readable(older, malformed), 'front');
        readBack += this.options.pageSize;
      }
      this.floor = this.timeline.oldestId;
      // A stream that broke or skipped items while joining holds on: the catch-up places what it holds.
      if (link.gapped || link.awaitingStream) this.wantCatchUp = true;
      else {
        for (const item of link.release()) {
          if (isChatError(item)) malformed.push(item);
          else if (!isRejection(item)) this.accept(item, false);
        }
      }
      const loaded = this.timeline.messages;
      this.setStatus('joined');
      this.scheduleRenewal();
      for (const error of malformed) this.emitError(error);
      if (this.session === session) {
        if (link.awaitingStream) this.awaitRestore(link);
        else if (this.wantCatchUp) this.upkeep();
      }
      return loaded;
    } catch (error) {
      const chatError = asChatError(error, 'join');
      if (this.session !== session) throw chatError;
      this.teardown();
      this.setStatus('failed', chatError);
      throw chatError;
    }
  }

  /**
   * Sends a message, checked and encoded before any network call. In client-only mode it is written to
   * the history (trimmed to `historyLength`, TTL refreshed), then published; a write or publish that
   * failed transiently is made again with the same id. In moderated mode it is published to the room's
   * input topic, and `send` resolves when the moderator's copy arrives. A room that is `reconnecting`
   * sends too; a send refused for an expired token goes on once a `clients` function gave new clients.
   * @param text the text; not empty.
   * @param options `metadata`, a plain JSON object; `messageId`, to send a failed message again.
   * @returns the message as stored: in moderated mode, with the moderator's changes and stamps.
   * @throws ChatError INVALID_ARGUMENT, MESSAGE_TOO_LARGE or NOT_JOINED before anything is sent; a Momento
   * error code (with the Momento error as `cause`) when the write fails, and then nothing was published;
   * LIMIT_EXCEEDED, not retried, when Momento's rate limit refused it; DELIVERY_FAILED when it was stored
   * but could not be published; MESSAGE_REJECTED or MODERATION_TIMEOUT in moderated mode.
   */
  async send(text: string, options: SendOptions = {}): Promise<ChatMessage> {
    const timestamp = this.options.now();
    const id = options.messageId ?? (this.options.generateId ??= createMessageIdGenerator(this.options.now))();
    const claims = this.options.sender;
    const { encoded, message } = encodeMessage({ id, roomId: this.options.roomId, text, timestamp, claims, metadata: options.metadata }, this.options.maxMessageBytes);
    this.requireJoined('send');
    const session = this.session;
    // The moderator handles an id once: a resend of a message it already stored gets no answer, but the room has the copy.
    const stored = this.moderated && options.messageId !== undefined ? this.timeline.messages.find((m) => m.id === id) : undefined;
    if (stored) return stored;
    let written = false;
    for (let renewed = false; ; renewed = true) {
      const clients = this.clients!;
      try {
        return await this.inUse.use(clients, async () => {
          if (this.moderated) return submitForModeration(this.options, () => this.clients ?? clients, this.pending, id, encoded);
          if (written) await publishWithRetry(clients.topicClient, this.options.cacheName, this.options.roomId, id, encoded);
          else {
            await storeAndPublish(this.options, clients, id, encoded, () => {
              written = true;
              if (this.session !== session) return;
              this.unconfirmed.add(id);
              this.accept(message, true);
            });
          }
          return message;
        });
      } catch (error) {
        // A token that expired under the send: once the room has new clients, the send goes on with them, same id.
        if (renewed || !this.renewIfRefused(error) || !(await this.clientsReplaced(clients, session))) throw error;
      }
    }
  }

  /**
   * Loads the page of history before the oldest loaded message. Each message comes once and in order,
   * even while others send and the history's front is trimmed.
   * @returns the messages added, oldest first, and whether older ones remain.
   * @throws ChatError NOT_JOINED, or the code of a failed read.
   */
  async loadOlder(): Promise<HistoryPage> {
    this.requireJoined('load older messages');
    const { pager } = this;
    let page: OlderPage<ChatMessage | ChatError> = { older: [], hasMore: pager.hasMore, stale: true };
    // A page read while the room forgot its oldest messages (maxMessages) is anchored on one that is gone: read again.
    for (let attempt = 0; page.stale && attempt < PAGE_ATTEMPTS; attempt++) {
      page = await pager.loadOlder().catch((error: unknown) => {
        this.renewIfRefused(error);
        throw error;
      });
      // Left (and perhaps joined again) while reading: the page belongs to a timeline that is gone.
      if (this.pager !== pager) throw new ChatError('NOT_JOINED', 'unable to load older messages; the room was left meanwhile');
    }
    const malformed: ChatError[] = [];
    // Merged before any error is reported: an `error` listener may leave the room.
    const added = this.timeline.mergeHistory(readable(page.older, malformed), 'front');
    if (added.length > 0) this.floor = this.timeline.oldestId;
    for (const error of malformed) this.emitError(error);
    return { messages: added, hasMore: page.hasMore };
  }

  /**
   * Leaves: unsubscribes, stops reconnecting and renewing, closes the clients a `clients` function made,
   * drops every listener and loaded message. The room can then be garbage collected, or joined again
   * (with new listeners).
   */
  async leave(): Promise<void> {
    if (this.currentStatus === 'left') return;
    this.teardown();
    this.setStatus('left');
    this.events.clear();
  }

  // Every state change first, the app's close() last: a close() that throws cannot leave the room half torn down.
  private teardown(): void {
    this.session++;
    clearTimeout(this.renewalTimer);
    clearTimeout(this.lostTimer);
    this.renewalTimer = undefined;
    const link = this.link;
    const clients = this.options.renewable ? this.clients : undefined;
    this.link = undefined;
    this.clients = undefined;
    this.wantReconnect = undefined;
    this.wantRenew = false;
    this.wantCatchUp = false;
    this.upkeepRunning = false;
    this.floor = undefined;
    this.unconfirmedIds = undefined;
    this.timeline.clear();
    // A new pager, so a read still in flight cannot write into the next join's.
    this.pager = this.createPager();
    this.waits.cancelAll();
    this.pendingSends?.failAll(new ChatError('NOT_JOINED', 'unable to send; the room was left before the moderator answered'));
    link?.close();
    this.retire();
    if (clients) this.inUse.close(clients);
  }

  private createPager(): HistoryPager<ChatMessage | ChatError> {
    return new HistoryPager((start, end) => this.readHistory(this.clients, start, end), this.options.pageSize);
  }

  private async provideClients(): Promise<RoomClients> {
    const provider = this.options.clients!;
    let clients: RoomClients;
    try {
      clients = await this.waits.bounded(
        Promise.resolve().then(provider),
        CLIENTS_TIMEOUT_MS,
        () => new ChatError('MOMENTO_ERROR', `unable to get clients; the clients function gave none within ${CLIENTS_TIMEOUT_MS / 1000} s`, { momentoErrorCode: 'TIMEOUT_ERROR' }),
        leftWhileJoining,
      );
    } catch (error) {
      throw isChatError(error) ? error : new ChatError('MOMENTO_ERROR', `unable to get clients; the clients function threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (!clients || !clients.cacheClient || !clients.topicClient) throw new ChatError('INVALID_ARGUMENT', 'unable to get clients; the clients function gave no cacheClient and topicClient');
    return clients;
  }

  /**
   * Subscribes a new link, which holds what it receives until the room has merged history. A subscribe
   * that does not answer in time, or that a leave overtakes, is abandoned; if it answers later, the closed
   * link ends that subscription at once.
   */
  private async openLink(clients: RoomClients, session: number): Promise<LiveLink> {
    const { cacheName, roomId } = this.options;
    const link = new LiveLink(this.sink, roomId, this.moderated);
    const subscribing = callMomento('join', () => clients.topicClient.subscribe(cacheName, roomId, link.callbacks())).then((subscribed) => {
      if (subscribed.type !== 'Error') link.attach(subscribed);
      return subscribed;
    });
    try {
      const subscribed = await this.waits.bounded(
        subscribing,
        SUBSCRIBE_TIMEOUT_MS,
        () => new ChatError('MOMENTO_ERROR', `unable to subscribe to room ${roomId}; Momento did not answer within ${SUBSCRIBE_TIMEOUT_MS / 1000} s`, { momentoErrorCode: 'TIMEOUT_ERROR' }),
        leftWhileJoining,
      );
      if (subscribed.type === 'Error') throw fromMomentoError(`subscribe to room ${roomId}`, subscribed);
      if (this.session !== session) throw leftWhileJoining();
    } catch (error) {
      link.close();
      throw error;
    }
    return link;
  }

  private async readHistory(clients: RoomClients | undefined, start: number, end: number | undefined): Promise<Entry[] | undefined> {
    if (!clients) throw new ChatError('NOT_JOINED', 'unable to read the history; the room was left');
    const { cacheName, roomId } = this.options;
    const fetched = await this.inUse.use(clients, () => callMomento('read the history', () => clients.cacheClient.listFetch(cacheName, roomId, { startIndex: start, endIndex: end })));
    if (fetched.type === 'Error') throw fromMomentoError(`read the history of room ${roomId}`, fetched);
    if (fetched.type === 'Miss') return undefined;
    return fetched.valueListString().map((raw) => {
      const value = decodeMessage(raw, { roomId, stamped: this.moderated });
      return { key: isChatError(value) ? `raw:${raw}` : value.id, value };
    });
  }

  /** The live subscription ended for good: subscribe again, or fail when Momento refuses the room for good. */
  private recover(error: ChatError): void {
    if (this.currentStatus !== 'joined' && this.currentStatus !== 'reconnecting') return;
    if (this.isFinal(error)) {
      this.fail(error);
      return;
    }
    this.link?.close();
    this.link = undefined;
    clearTimeout(this.lostTimer);
    this.wantReconnect = error;
    if (error.code === 'AUTHENTICATION_FAILED') this.wantRenew = true;
    if (this.currentStatus === 'joined') this.setStatus('reconnecting', error);
    this.upkeep();
  }

  /** A refusal no retry can fix: permission, a missing cache, a bad request, or a token that cannot be renewed. */
  private isFinal(error: ChatError): boolean {
    if (error.code === 'AUTHENTICATION_FAILED') return !this.options.renewable;
    return error.code === 'PERMISSION_DENIED' || error.code === 'CACHE_NOT_FOUND' || error.code === 'INVALID_ARGUMENT' || error.momentoErrorCode === 'INVALID_ARGUMENT_ERROR' || error.momentoErrorCode === 'BAD_REQUEST_ERROR';
  }

  /**
   * A call was refused for its token: get new clients (once a `clients` function can give them).
   * @returns whether new clients are on their way.
   */
  private renewIfRefused(error: unknown): boolean {
    if (!isChatError(error) || (error.code !== 'AUTHENTICATION_FAILED' && error.momentoErrorCode !== 'AUTHENTICATION_ERROR') || !this.options.renewable) return false;
    if (this.currentStatus !== 'joined' && this.currentStatus !== 'reconnecting') return false;
    this.wantRenew = true;
    this.upkeep();
    return true;
  }

  /** Resolves true once the room works through other clients than `clients`; false when it left, or after 10 s. */
  private async clientsReplaced(clients: RoomClients, session: number): Promise<boolean> {
    const deadline = Date.now() + RENEWAL_WAIT_MS;
    while (this.session === session && this.clients === clients && Date.now() < deadline) await this.waits.pause(20);
    return this.session === session && this.clients !== clients && this.clients !== undefined;
  }

  /**
   * Asks for new clients `renewBeforeSeconds` before they expire; tokens that live no longer than that
   * are renewed halfway through their life instead, and never more often than once a second.
   */
  private scheduleRenewal(): void {
    clearTimeout(this.renewalTimer);
    this.renewalTimer = undefined;
    const expiresAt = this.clients?.expiresAt;
    if (!this.options.renewable || expiresAt === undefined) return;
    const remaining = expiresAt * 1000 - Date.now();
    const delay = Math.max(remaining - this.options.renewBeforeSeconds * 1000, remaining / 2, 1000);
    // A timer holds at most about 24.8 days.
    this.renewalTimer = setTimeout(() => {
      this.wantRenew = true;
      this.upkeep();
    }, Math.min(delay, 2 ** 31 - 1));
  }

  /** Starts the upkeep loop unless it runs: one at a time, so reconnects, renewals and catch-ups never cross. */
  private upkeep(): void {
    if (this.upkeepRunning || (this.currentStatus !== 'joined' && this.currentStatus !== 'reconnecting')) return;
    this.upkeepRunning = true;
    void this.upkeepLoop(this.session);
  }

  private async upkeepLoop(session: number): Promise<void> {
    // Consecutive failures, of any step: each one waits longer before the next attempt.
    let failures = 0;
    try {
      while (this.session === session) {
        if (failures > 0) await this.waits.pause(backoffDelay(failures, this.options.reconnect));
        if (this.session !== session) return;
        if (this.wantReconnect || this.wantRenew) {
          try {
            await this.connect(session);
          } catch (error) {
            if (this.session !== session) return;
            const chatError = asChatError(error, 'reconnect');
            if (this.isFinal(chatError)) return this.fail(chatError);
            if (chatError.code === 'AUTHENTICATION_FAILED') this.wantRenew = true;
            // A renewal that failed while the old link still works is retried, and reported.
            if (!this.wantReconnect) this.emitError(chatError);
            failures++;
          }
          continue;
        }
        const link = this.link;
        // A stream the SDK is restoring is read for once it speaks again.
        if (!this.wantCatchUp || !link || link.awaitingStream) return;
        this.wantCatchUp = false;
        try {
          await this.catchUp(session);
        } catch (error) {
          if (this.session !== session) return;
          // The stream may be fine: only the read failed. Read again, after a pause.
          const chatError = asChatError(error, 'catch up');
          if (this.isFinal(chatError)) return this.fail(chatError);
          if (chatError.code === 'AUTHENTICATION_FAILED') this.wantRenew = true;
          this.wantCatchUp = true;
          failures++;
          continue;
        }
        failures = 0;
        if (this.session !== session || this.wantCatchUp || link !== this.link || link.awaitingStream) continue;
        for (const item of link.release()) this.deliver(item);
        this.retire();
        if (this.currentStatus === 'reconnecting') this.setStatus('joined');
      }
    } finally {
      if (this.session === session) this.upkeepRunning = false;
    }
  }

  /** Subscribes again (with new clients when wanted); the old link keeps delivering until the new one caught up. */
  private async connect(session: number): Promise<void> {
    const fresh = this.wantRenew ? await this.provideClients() : undefined;
    if (this.session !== session) {
      if (fresh) this.inUse.close(fresh);
      return;
    }
    let link: LiveLink;
    try {
      link = await this.openLink(fresh ?? this.clients!, session);
      // Ended between subscribe's answer and now: that subscription is no use.
      if (link.endedWith) {
        link.close();
        throw link.endedWith;
      }
    } catch (error) {
      if (fresh && fresh !== this.clients) this.inUse.close(fresh);
      throw error;
    }
    (this.retiring ??= []).push({ link: this.link, clients: fresh && fresh !== this.clients ? this.clients : undefined });
    this.link = link;
    this.wantReconnect = undefined;
    this.wantCatchUp = true;
    if (link.awaitingStream) this.awaitRestore(link);
    if (fresh) {
      this.clients = fresh;
      this.wantRenew = false;
      this.scheduleRenewal();
    }
  }

  /** Closes the links and clients a renewal or reconnect replaced. */
  private retire(): void {
    const retiring = this.retiring ?? [];
    this.retiring = undefined;
    for (const { link, clients } of retiring) {
      link?.close();
      if (clients) this.inUse.close(clients);
    }
  }

  /**
   * Reads history back until it overlaps what the room had before the gap, and adds what the room
   * missed, in order. When the history no longer reaches back that far, says so with `discontinuity`.
   */
  private async catchUp(session: number): Promise<void> {
    const { pageSize, historyLength } = this.options;
    const clients = this.clients;
    // Own messages not yet confirmed do not count: others' messages may lie before them unseen.
    const known = (key: string): boolean => this.timeline.has(key) && !this.unconfirmed.has(key);
    const hadMessages = this.timeline.messages.some((message) => known(message.id));
    // Held items may have been written well before they were published: read back far enough to place them.
    const held = new Set<string>();
    for (const item of this.link?.heldItems ?? []) if (!isChatError(item) && !isRejection(item) && !this.timeline.has(item.id)) held.add(item.id);
    const read = (start: number, end: number | undefined) => this.readHistory(clients, start, end);
    const { run, bridged } = await readBackToKnown(read, pageSize, known, hadMessages, held, Math.ceil(historyLength / pageSize) + 1);
    if (this.session !== session) return;
    for (const entry of run) this.unconfirmed.delete(entry.key);
    const { messages, malformed } = catchUpRun(run, (key) => this.timeline.has(key), this.floor);
    const added = this.timeline.mergeHistory(messages, 'back');
    if (this.floor === undefined && messages[0]) this.floor = messages[0].id;
    if (!bridged) {
      const reason = run.length === 0 ? 'the history is empty or expired' : `the history no longer reaches back to the last message this room had (it keeps ${historyLength})`;
      this.events.emit('discontinuity', { type: 'discontinuity', reason: `live delivery broke and messages may be missing; ${reason}` });
    }
    for (const message of added) this.pager.see(message.id);
    this.bound();
    for (const message of added) {
      this.pendingSends?.accept(message);
      this.events.emit('message', { type: 'message', message });
    }
    for (const error of malformed) this.emitError(error);
  }

  /** Forgets the oldest messages past `maxMessages` (a tenth more first, so it happens now and then, not per message). */
  private bound(): void {
    const { maxMessages } = this.options;
    if (this.timeline.size <= maxMessages + Math.ceil(maxMessages / 10)) return;
    const forgotten = this.timeline.keepNewest(maxMessages);
    this.floor = this.timeline.oldestId;
    this.pager.forget(forgotten, this.floor);
    for (const id of forgotten) this.unconfirmed.delete(id);
  }

  private deliver(item: LiveItem): void {
    if (this.currentStatus !== 'joined' && this.currentStatus !== 'reconnecting') return;
    if (isChatError(item)) this.emitError(item);
    else if (isRejection(item)) this.pendingSends?.refuse(item);
    else {
      this.unconfirmed.delete(item.id);
      this.accept(item, true);
    }
  }

  private accept(message: ChatMessage, announce: boolean): void {
    this.pager.see(message.id);
    const added = this.timeline.addLive(message);
    if (added) this.bound();
    // Answered before the event: a listener that leaves the room must not fail a send whose message is stored.
    this.pendingSends?.accept(message);
    if (added && announce) this.events.emit('message', { type: 'message', message });
  }

  private fail(error: ChatError): void {
    this.teardown();
    // Status first: an `error` listener already sees `failed`, and may join again.
    this.setStatus('failed', error);
    this.emitError(error);
  }

  private requireJoined(operation: string): void {
    if (this.currentStatus !== 'joined' && this.currentStatus !== 'reconnecting') {
      throw new ChatError('NOT_JOINED', `unable to ${operation}; the room is ${this.currentStatus}, join it first`);
    }
  }

  private emitError(error: ChatError): void {
    this.events.emit('error', { type: 'error', error });
  }

  private setStatus(status: RoomStatus, error?: ChatError): void {
    const previous = this.currentStatus;
    this.currentStatus = status;
    this.events.emit('status', error ? { type: 'status', status, previous, error } : { type: 'status', status, previous });
  }
}

// Reporting a throwing `error` listener through `error` would call it again, without end.
function reportListenerError(events: TypedEvents<ChatRoomEvents>, error: unknown, event: keyof ChatRoomEvents): void {
  if (event !== 'error') events.emit('error', { type: 'error', error: new ChatError('LISTENER_FAILED', 'unable to deliver an event; a listener threw', { cause: error }) });
}

const leftWhileJoining = (): ChatError => new ChatError('NOT_JOINED', 'unable to join; the room was left while joining');

function asChatError(error: unknown, operation: string): ChatError {
  return isChatError(error) ? error : new ChatError('MOMENTO_ERROR', `unable to ${operation}; the client threw`, { cause: error });
}

/** The messages of history entries; the errors of unreadable ones go to `malformed`. */
function readable(entries: Entry[], malformed: ChatError[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const { value } of entries) {
    if (isChatError(value)) malformed.push(value);
    else messages.push(value);
  }
  return messages;
}
