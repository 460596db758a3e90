/** A JSON value, as message metadata may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a sender says about themselves. **Claimed, not verified**: any client can put anything here.
 * Show it, but decide nothing on it; use {@link MessageSender.tokenId} for that.
 */
export interface SenderClaims {
  /** The name to show. */
  displayName?: string;
  /** The sender's own idea of their user id. */
  userId?: string;
}

/** Who sent a message. */
export interface MessageSender {
  /** What the sender claims. Not verified. */
  readonly claims: Readonly<SenderClaims>;
  /**
   * The tokenId of the disposable token that published the message, stamped by Momento (or, in moderated
   * mode, by the moderator from Momento's stamp on the input): **verified**.
   * Set on messages received live. Undefined for messages read from history in client-only mode
   * (the list keeps no verified sender) and for your own message until its echo arrives.
   */
  readonly tokenId?: string;
}

/** A chat message. */
export interface ChatMessage {
  /** Unique and time-ordered, made by the sender's client. */
  readonly id: string;
  /** The text, as sent. */
  readonly text: string;
  /** When the sender's client made the message, in epoch milliseconds. Claimed: client clocks can be wrong. */
  readonly timestamp: number;
  /** Who sent it, with the verified and the claimed parts apart. */
  readonly sender: MessageSender;
  /** The sender's metadata (or the moderator's transform of it): a JSON object, or undefined. */
  readonly metadata?: { readonly [key: string]: JsonValue };
  /** Moderated mode: when the moderator accepted the message, in epoch milliseconds. Verified. */
  readonly serverTimestamp?: number;
  /** Moderated mode: the message's place in the room, given by the moderator. Verified. */
  readonly sequence?: number;
}
