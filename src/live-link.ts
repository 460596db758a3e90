import { ChatError, fromMomentoError } from './errors.js';
import { readLive, type LiveContext, type LiveItem } from './live-feed.js';
import type { TopicSubscribeCallbacks, TopicSubscriptionLike } from './momento-ports.js';

/**
 * What a link tells its room, one function for every kind of news (one closure per room, not six):
 * - `item`: a decoded item, to deliver now (the link is not holding);
 * - `gap`: items may have been missed while the stream went on (a discontinuity, a jump in sequence numbers);
 * - `lost`: the stream broke and the SDK is restoring it;
 * - `alive`: the stream spoke (a heartbeat or an item): it is live;
 * - `unreadable`: an item the SDK could not read, with its error; the stream goes on;
 * - `ended`: the SDK gave up on the stream, with the error: it is over.
 * Each call names the link, so a room can ignore one it has replaced.
 */
export type LinkSink = {
  (news: 'item', link: LiveLink, item: LiveItem): void;
  (news: 'unreadable' | 'ended', link: LiveLink, error: ChatError): void;
  (news: 'gap' | 'lost' | 'alive', link: LiveLink): void;
};

const QUIET: LinkSink = () => undefined;

// How often a link looks whether the SDK ended its subscription without a word.
const SUBSCRIPTION_CHECK_MS = 3000;

/**
 * One subscription to a room's topic, from `subscribe` until it is closed. It can hold the items it
 * receives (while the room reads history to fill a gap) and release them in order afterwards.
 * Closing it drops the sink, so an SDK that keeps the callbacks of an ended subscription keeps nothing
 * of the room alive.
 */
export class LiveLink implements LiveContext {
  /** Set while the SDK restores a broken stream: the room waits for it to speak before reading history. */
  awaitingStream = false;
  /** Set when items may have been missed: what the SDK said before the room took the link counts too. */
  gapped = false;
  /** Why the stream ended, once it has. */
  endedWith: ChatError | undefined;
  private sink: LinkSink;
  private held: LiveItem[] | undefined = [];
  private lastSequence = 0;
  private subscription: TopicSubscriptionLike | undefined;
  private closed = false;
  private watch: ReturnType<typeof setInterval> | undefined;
  /** What reading an item needs (the link is its own LiveContext, so nothing is allocated per message): the room. */
  readonly roomId: string;
  /** Whether the room is moderated. */
  readonly moderated: boolean;
  /** The tokenId of the item being read. */
  tokenId: string | undefined;

  constructor(sink: LinkSink, roomId: string, moderated: boolean) {
    this.sink = sink;
    this.roomId = roomId;
    this.moderated = moderated;
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
        // Only news to a room waiting for a restored stream: not a call on every item.
        if (this.awaitingStream) this.sink('alive', this);
        if (jumped) this.sink('gap', this);
        this.tokenId = item.tokenId() || undefined;
        this.receive(readLive(item.value(), this));
      },
      onError: (error) => {
        // The SDK reports an item it cannot read (an empty value) through onError, and goes on.
        if (error.errorCode() === 'UNKNOWN_ERROR' && /unknown item/i.test(error.message())) {
          this.sink('unreadable', this, new ChatError('MALFORMED_MESSAGE', 'unable to read a message; the topic item has no value', { raw: '' }));
          return;
        }
        this.end(fromMomentoError('stay subscribed', error));
      },
      onDiscontinuity: () => {
        this.lastSequence = 0;
        this.sink('gap', this);
      },
      onHeartbeat: () => {
        if (this.awaitingStream) this.sink('alive', this);
      },
      onConnectionLost: () => this.sink('lost', this),
      // Unasked for, the end of a subscription means the SDK is restarting its stream.
      onSubscriptionEnd: () => this.sink('lost', this),
    };
  }

  /**
   * Takes the subscription once `subscribe` resolved; a link closed meanwhile ends it at once. The web SDK
   * can end a subscription without calling anything (a failed restart before any item arrived), so the
   * link also looks at `isSubscribed` every few seconds.
   */
  attach(subscription: TopicSubscriptionLike): void {
    if (this.closed) {
      subscription.unsubscribe();
      return;
    }
    this.subscription = subscription;
    if (subscription.isSubscribed === undefined) return;
    this.watch = setInterval(() => {
      if (this.subscription?.isSubscribed === false) {
        this.end(new ChatError('MOMENTO_ERROR', 'unable to stay subscribed; the SDK ended the subscription without an error', { momentoErrorCode: 'UNKNOWN_ERROR' }));
      }
    }, SUBSCRIPTION_CHECK_MS);
    (this.watch as { unref?: () => void }).unref?.();
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
    clearInterval(this.watch);
    const subscription = this.subscription;
    this.subscription = undefined;
    try {
      subscription?.unsubscribe();
    } catch {
      // A client that throws while ending a subscription has ended it as far as the room can tell.
    }
  }

  private end(error: ChatError): void {
    if (this.endedWith) return;
    this.endedWith = error;
    clearInterval(this.watch);
    this.sink('ended', this, error);
  }

  private receive(item: LiveItem): void {
    if (this.closed) return;
    if (this.held) this.held.push(item);
    else this.sink('item', this, item);
  }
}
