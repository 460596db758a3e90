import type { ChatMessage, JsonValue, SenderClaims } from '../message.js';

/** A message a member submitted, as the moderation hook sees it. Everything here is what the sender claims. */
export interface ModerationInput {
  /** The message id the sender made; the sender waits for an answer under it. */
  readonly id: string;
  /** The text as sent. */
  readonly text: string;
  /** The sender's metadata. */
  readonly metadata?: { readonly [key: string]: JsonValue };
  /** What the sender claims about themselves. */
  readonly claims: Readonly<SenderClaims>;
  /** The sender's clock. */
  readonly timestamp: number;
}

/** The sender of an input, as Momento stamped it. */
export interface ModerationSender {
  /** The tokenId of the token that published the input: verified. `''` for an API key. */
  readonly tokenId: string;
}

/** What the hook knows beyond the input. */
export interface ModerationContext {
  /** The room. */
  readonly roomId: string;
  /** The sender as Momento knows them. */
  readonly sender: ModerationSender;
  /** The newest messages of the room's history, oldest first; read on first call. */
  recentHistory(): Promise<readonly ChatMessage[]>;
}

/** Store the message, with the text or metadata changed when given. */
export interface AcceptDecision {
  /** The discriminant. */
  action: 'accept';
  /** A new text (a mask, a translation). */
  text?: string;
  /** New metadata. */
  metadata?: { [key: string]: JsonValue };
}

/** Refuse the message; the sender gets the reason. */
export interface RejectDecision {
  /** The discriminant. */
  action: 'reject';
  /** Why, shown to the sender (and visible to the room's members: keep it short and impersonal). */
  reason: string;
}

/** What the hook decides. */
export type ModerationDecision = AcceptDecision | RejectDecision;

/** The moderation hook: checks or transforms a message. It may be async. A hook that throws rejects the message. */
export type ModerateFn = (input: ModerationInput, context: ModerationContext) => ModerationDecision | Promise<ModerationDecision>;

/** The message was stored and published. */
export interface AcceptedOutcome {
  /** The discriminant. */
  status: 'accepted';
  /** The message as stored, with the moderator's stamps. */
  message: ChatMessage;
}

/** The message was refused and the sender told. */
export interface RejectedOutcome {
  /** The discriminant. */
  status: 'rejected';
  /** The message id. */
  id: string;
  /** The reason given to the sender. */
  reason: string;
  /** What the hook threw, when it threw: for the operator's log, never shown to the sender. */
  cause?: unknown;
}

/** The input was handled before (redelivered, or taken by another moderator): nothing was done. */
export interface DuplicateOutcome {
  /** The discriminant. */
  status: 'duplicate';
  /** The message id. */
  id: string;
}

/** The input was not a momento-chat message; when it had an id, the sender was told. */
export interface MalformedOutcome {
  /** The discriminant. */
  status: 'malformed';
  /** What was wrong. */
  reason: string;
  /** The id, when one could be read. */
  id?: string;
}

/** What the moderator did with one input. */
export type ModerationOutcome = AcceptedOutcome | RejectedOutcome | DuplicateOutcome | MalformedOutcome;
