import { resolveRoomOptions, type ChatRoomOptions, type ResolvedRoomOptions } from './chat-room-options.js';
import { decodeMessage, encodeMessage } from './envelope.js';
import { ChatError, callMomento, fromMomentoError, isChatError } from './errors.js';
import { HistoryPager, type ListEntry } from './history-pager.js';
import type { ChatMessage, JsonValue } from './message.js';
import { MessageTimeline, type Timeline } from './message-timeline.js';
import { PendingModeration } from './pending-moderation.js';
import { SequenceTimeline } from './sequence-timeline.js';
import { storeAndPublish, submitForModeration } from './room-sender.js';
import { emptyBox, isRejection, joiningBox, liveCallbacks, type LiveBox, type LiveItem } from './live-feed.js';
import type { TopicSubscriptionLike } from './momento-ports.js';
import type { RoomStatus } from './room-status.js';
import type { ChatRoomEvents } from './room-events.js';
import { TypedEvents, type Subscription } from './typed-events.js';

/** Options of {@link ChatRoom.send}. */
export interface SendOptions {
  /** A plain JSON object sent with the message. */
  metadata?: { [key: string]: JsonValue };
}

/** A page of older messages. */
export interface HistoryPage {
  /** The messages this page added, oldest first. */
  messages: ChatMessage[];
  /** False once the oldest message the history keeps has been loaded. */
  hasMore: boolean;
}

type Entry = ListEntry<ChatMessage | ChatError>;

/**
 * A chat room over Momento: history in a cache list named after the room, live delivery on a topic of
 * the same name. In client-only mode (the default) clients write the list and publish to the topic
 * themselves; in moderated mode they publish to the room's input topic and a `Moderator` (from `momento-chat/moderator`) does both.
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
  private readonly pending: PendingModeration;
  private pager: HistoryPager<ChatMessage | ChatError>;
  private currentStatus: RoomStatus = 'initialized';
  private subscription: TopicSubscriptionLike | undefined;
  private live: LiveBox | undefined;

  /**
   * @param options clients, cache, room and tuning; see {@link ChatRoomOptions}.
   * @throws ChatError INVALID_ARGUMENT when an option is out of range.
   */
  constructor(options: ChatRoomOptions) {
    this.options = resolveRoomOptions(options);
    this.events = new TypedEvents<ChatRoomEvents>((error, event) => {
      // Reporting a throwing `error` listener through `error` would call it again, without end.
      if (event !== 'error') this.emitError(new ChatError('LISTENER_FAILED', 'unable to deliver an event; a listener threw', { cause: error }));
    });
    this.pager = this.createPager();
    this.timeline = this.moderated ? new SequenceTimeline() : new MessageTimeline();
    this.pending = new PendingModeration(this.options.moderationTimeoutMs);
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
   * Every loaded message, oldest first, each once: history in the list's order, then live messages.
   * A new array after each change (the same one until then), so an array read earlier never changes.
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
   * @param event `message`, `status` or `error`.
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
    if (this.currentStatus === 'joining' || this.currentStatus === 'joined') {
      throw new ChatError('INVALID_ARGUMENT', `unable to join; the room is already ${this.currentStatus}`);
    }
    const box = joiningBox();
    this.live = box;
    this.setStatus('joining');
    const { pager } = this;
    const malformed: ChatError[] = [];
    // A leave() (from a listener, or after any wait) owns the room now, and nothing read may reach it.
    const stillJoining = (): void => {
      if (this.live !== box) throw new ChatError('NOT_JOINED', 'unable to join; the room was left while joining');
      if (box.failure) throw box.failure;
    };
    try {
      stillJoining();
      const { topicClient, cacheName, roomId } = this.options;
      const subscribed = await callMomento('join', () => topicClient.subscribe(cacheName, roomId, liveCallbacks(box, this.moderated)));
      if (subscribed.type === 'Error') throw fromMomentoError(`subscribe to room ${roomId}`, subscribed);
      if (this.live !== box) subscribed.unsubscribe();
      stillJoining();
      this.subscription = subscribed;
      const newest = await pager.loadNewest();
      stillJoining();
      this.timeline.mergeHistory(readable(newest, malformed), 'back');
      // If more than a page was written between subscribing and reading, the first live message lies
      // before the page, at most as many entries back as there are live messages: read back to it.
      const firstLive = box.buffer.find((item): item is ChatMessage => !isChatError(item) && !isRejection(item));
      let readBack = 0;
      while (firstLive && !this.timeline.has(firstLive.id) && pager.hasMore && readBack < box.buffer.length) {
        const { older } = await pager.loadOlder();
        stillJoining();
        this.timeline.mergeHistory(readable(older, malformed), 'front');
        readBack += this.options.pageSize;
      }
      for (const item of box.buffer.splice(0)) {
        if (isChatError(item)) malformed.push(item);
        else if (!isRejection(item)) this.accept(item, false);
      }
      box.deliver = (item) => this.deliver(item);
      box.fail = (error) => this.failLive(error);
      const loaded = this.timeline.messages;
      this.setStatus('joined');
      for (const error of malformed) this.emitError(error);
      return loaded;
    } catch (error) {
      const chatError = isChatError(error) ? error : new ChatError('MOMENTO_ERROR', 'unable to join; the client threw', { cause: error });
      if (this.live !== box) throw chatError;
      this.teardown();
      this.setStatus('failed', chatError);
      throw chatError;
    }
  }

  /**
   * Sends a message, checked and encoded before any network call. In client-only mode it is written to
   * the history (trimmed to `historyLength`, TTL refreshed), then published. In moderated mode it is
   * published to the room's input topic, and `send` resolves when the moderator's copy arrives.
   * @param text the text; not empty.
   * @param options `metadata`, a plain JSON object.
   * @returns the message as stored: in moderated mode, with the moderator's changes and stamps.
   * @throws ChatError INVALID_ARGUMENT, MESSAGE_TOO_LARGE or NOT_JOINED before anything is sent; a Momento
   * error code when the write or publish fails; DELIVERY_FAILED when it was stored but could not be
   * published; MESSAGE_REJECTED or MODERATION_TIMEOUT in moderated mode.
   */
  async send(text: string, options: SendOptions = {}): Promise<ChatMessage> {
    const timestamp = this.options.now();
    const id = this.options.generateId();
    const claims = this.options.sender;
    const { encoded, message } = encodeMessage({ id, text, timestamp, claims, metadata: options.metadata }, this.options.maxMessageBytes);
    this.requireJoined('send');
    if (this.moderated) return submitForModeration(this.options, this.pending, id, encoded);
    await storeAndPublish(this.options, id, encoded, () => {
      if (this.currentStatus === 'joined') this.accept(message, true);
    });
    return message;
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
    const page = await pager.loadOlder();
    // Left (and perhaps joined again) while reading: the page belongs to a timeline that is gone.
    if (this.pager !== pager) throw new ChatError('NOT_JOINED', 'unable to load older messages; the room was left meanwhile');
    const malformed: ChatError[] = [];
    // Merged before any error is reported: an `error` listener may leave the room.
    const added = this.timeline.mergeHistory(readable(page.older, malformed), 'front');
    for (const error of malformed) this.emitError(error);
    return { messages: added, hasMore: page.hasMore };
  }

  /**
   * Leaves: unsubscribes, drops every listener and loaded message. The room can then be garbage
   * collected, or joined again (with new listeners).
   */
  async leave(): Promise<void> {
    if (this.currentStatus === 'left') return;
    this.teardown();
    this.setStatus('left');
    this.events.clear();
  }

  private teardown(): void {
    this.pending.failAll(new ChatError('NOT_JOINED', 'unable to send; the room was left before the moderator answered'));
    // The box first: nothing the subscription reports while it ends may reach the room.
    if (this.live) emptyBox(this.live);
    this.live = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.timeline.clear();
    // A new pager, so a read still in flight cannot write into the next join's.
    this.pager = this.createPager();
  }

  private createPager(): HistoryPager<ChatMessage | ChatError> {
    return new HistoryPager((start, end) => this.readHistory(start, end), this.options.pageSize);
  }

  private async readHistory(start: number, end: number | undefined): Promise<Entry[] | undefined> {
    const { cacheClient, cacheName, roomId } = this.options;
    const fetched = await callMomento('read the history', () => cacheClient.listFetch(cacheName, roomId, { startIndex: start, endIndex: end }));
    if (fetched.type === 'Error') throw fromMomentoError(`read the history of room ${this.options.roomId}`, fetched);
    if (fetched.type === 'Miss') return undefined;
    return fetched.valueListString().map((raw) => {
      const value = decodeMessage(raw, undefined, this.moderated);
      return { key: isChatError(value) ? `raw:${raw}` : value.id, value };
    });
  }

  private deliver(item: LiveItem): void {
    if (isChatError(item)) this.emitError(item);
    else if (isRejection(item)) this.pending.refuse(item);
    else this.accept(item, true);
  }

  private accept(message: ChatMessage, announce: boolean): void {
    this.pager.see(message.id);
    const added = this.timeline.addLive(message);
    // Answered before the event: a listener that leaves the room must not fail a send whose message is stored.
    this.pending.accept(message);
    if (added && announce) this.events.emit('message', { type: 'message', message });
  }

  private failLive(error: ChatError): void {
    this.teardown();
    // Status first: an `error` listener already sees `failed`, and may join again.
    this.setStatus('failed', error);
    this.emitError(error);
  }

  private requireJoined(operation: string): void {
    if (this.currentStatus !== 'joined') throw new ChatError('NOT_JOINED', `unable to ${operation}; the room is ${this.currentStatus}, join it first`);
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

/** The messages of history entries; the errors of unreadable ones go to `malformed`. */
function readable(entries: Entry[], malformed: ChatError[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const { value } of entries) {
    if (isChatError(value)) malformed.push(value);
    else messages.push(value);
  }
  return messages;
}
