import { ChatError } from './errors.js';
import type { ChatMessage } from './message.js';
import type { Rejection } from './moderation-notice.js';

interface Waiter {
  resolve: (message: ChatMessage) => void;
  reject: (error: ChatError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** The sends of a moderated room that wait for the moderator's answer, by message id. */
export class PendingModeration {
  // Made by the first send that waits: most rooms never hold one.
  private waitingById: Map<string, Waiter> | undefined;

  private get waiting(): Map<string, Waiter> {
    return (this.waitingById ??= new Map());
  }

  constructor(private readonly timeoutMs: number) {}

  /**
   * Starts waiting for the answer to a message; call it before publishing, so no answer can come first.
   * @returns the moderated message; rejects MESSAGE_REJECTED or MODERATION_TIMEOUT.
   * @throws ChatError INVALID_ARGUMENT when a send of the same id is still waiting: the moderator handles an
   * id once, so two sends of it cannot both be answered.
   */
  expect(id: string): Promise<ChatMessage> {
    if (this.waiting.has(id)) {
      throw new ChatError('INVALID_ARGUMENT', `unable to send; message ${id} is already waiting for the moderator; check generateId`);
    }
    return new Promise<ChatMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new ChatError('MODERATION_TIMEOUT', `unable to send message ${id}; the moderator did not answer within ${this.timeoutMs} ms`, { messageId: id }));
      }, this.timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
    });
  }

  /** Whether a send of this id still waits for its answer. */
  isWaiting(id: string): boolean {
    return this.waitingById?.has(id) === true;
  }

  /** The moderated copy of a message arrived. */
  accept(message: ChatMessage): void {
    this.take(message.id)?.resolve(message);
  }

  /** The moderator refused a message. */
  refuse(rejection: Rejection): void {
    this.take(rejection.id)?.reject(new ChatError('MESSAGE_REJECTED', `unable to send message ${rejection.id}; the moderator rejected it: ${rejection.reason}`, { reason: rejection.reason, messageId: rejection.id }));
  }

  /** Ends one wait with an error (its publish failed). */
  fail(id: string, error: ChatError): void {
    this.take(id)?.reject(error);
  }

  /** Ends every wait with an error (the room was left or failed). */
  failAll(error: ChatError): void {
    for (const id of [...(this.waitingById?.keys() ?? [])]) this.fail(id, error);
  }

  private take(id: string): Waiter | undefined {
    const waiter = this.waitingById?.get(id);
    if (!waiter) return undefined;
    clearTimeout(waiter.timer);
    this.waiting.delete(id);
    return waiter;
  }
}
