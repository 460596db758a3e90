import { ChatError } from './errors.js';
import { readLive, type LiveContext, type LiveItem } from './live-feed.js';
import type { MomentoErrorResponse, TopicSubscribeCallbacks, TopicSubscriptionLike } from './momento-ports.js';

/** What a link tells its room. Each call names the link, so a room can ignore one it has replaced. */
export interface LinkSink {
  /** A decoded item, to deliver now (the link is not holding). */
  item(link: LiveLink, item: LiveItem): void;
  /** Items may have been missed while the stream went on (a discontinuity, a jump in sequence numbers). */
  gap(link: LiveLink): void;
  /** The stream broke and the SDK is restoring it. */
  lost(link: LiveLink): void;
  /** The stream spoke (a heartbeat or an item): it is live. */
  alive(link: LiveLink): void;
  /** An item the SDK could not read; the stream goes on. */
  unreadable(link: LiveLink, error: ChatError): void;
  /** The SDK gave up on the stream: it is over. */
  ended(link: LiveLink, error: MomentoErrorResponse): void;
}

const QUIET: LinkSink = { item() {}, gap() {}, lost() {}, alive() {}, unreadable() {}, ended() {} };

/**
 * One subscription to a room's topic, from `subscribe` until it is closed. It can hold the items it
 * receives (while the room reads history to fill a gap) and release them in order afterwards.
 * Closing it drops the sink, so an SDK that keeps the callbacks of an ended subscription keeps nothing
 * of the room alive.
 */
export class LiveLink {
  /** Set while the SDK restores a broken stream: the room waits for it to speak before reading history. */
  awaitingStream = false;
  private sink: LinkSink;
  private held: LiveItem[] | undefined = [];
  private lastSequence = 0;
  private subscription: TopicSubscriptionLike | undefined;
  private closed = false;
  // One context for every item, its tokenId set per item: nothing is allocated for it per message.
  private readonly context: LiveContext;

  constructor(sink: LinkSink, roomId: string, moderated: boolean) {
    this.sink = sink;
    this.context = { roomId, tokenId: undefined, moderated };
  }

  /** Whether items are being held. A new link holds until the room has merged history. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** The items held so far, in arrival order (read-only view). */
  get heldItems(): readonly LiveItem[] {
    return this.held ?? [];
  }

  /** The callbacks to subscribe with. */
  callbacks(): TopicSubscribeCallbacks & { onHeartbeat: () => void } {
    return {
      onItem: (item) => {
        const sequence = item.sequenceNumber();
        // Momento numbers a topic's items one by one: a jump means items this stream never delivered.
        const jumped = this.lastSequence > 0 && sequence > this.lastSequence + 1;
        this.lastSequence = sequence;
        this.sink.alive(this);
        if (jumped) this.sink.gap(this);
        this.context.tokenId = item.tokenId() || undefined;
        this.receive(readLive(item.value(), this.context));
      },
      onError: (error) => {
        // The SDK reports an item it cannot read (an empty value) through onError, and goes on.
        if (error.errorCode() === 'UNKNOWN_ERROR' && /unknown item/i.test(error.message())) {
          this.sink.unreadable(this, new ChatError('MALFORMED_MESSAGE', 'unable to read a message; the topic item has no value', { raw: '' }));
          return;
        }
        this.sink.ended(this, error);
      },
      onDiscontinuity: () => {
        this.lastSequence = 0;
        this.sink.gap(this);
      },
      onHeartbeat: () => this.sink.alive(this),
      onConnectionLost: () => this.sink.lost(this),
      // Unasked for, the end of a subscription means the SDK is restarting its stream.
      onSubscriptionEnd: () => this.sink.lost(this),
    };
  }

  /** Takes the subscription once `subscribe` resolved; a link closed meanwhile ends it at once. */
  attach(subscription: TopicSubscriptionLike): void {
    if (this.closed) subscription.unsubscribe();
    else this.subscription = subscription;
  }

  /** Holds the items that arrive from now on. */
  hold(): void {
    this.held ??= [];
  }

  /** Stops holding. @returns the items held, in arrival order, for the room to deliver. */
  release(): LiveItem[] {
    const held = this.held ?? [];
    this.held = undefined;
    return held;
  }

  /** Ends the subscription; nothing it reports reaches the room any more. */
  close(): void {
    this.closed = true;
    this.sink = QUIET;
    this.held = undefined;
    const subscription = this.subscription;
    this.subscription = undefined;
    subscription?.unsubscribe();
  }

  private receive(item: LiveItem): void {
    if (this.closed) return;
    if (this.held) this.held.push(item);
    else this.sink.item(this, item);
  }
}
