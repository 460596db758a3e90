import type { ChatMessage } from './message.js';
import { TimelineBase } from './timeline-base.js';

export type { Timeline } from './timeline-base.js';

/**
 * The ordered, de-duplicated messages a room has loaded. History runs keep the list's order (the
 * order Momento applied the writes, which is canonical). A live message goes at the end, but among
 * the live messages not yet seen in history it is placed by id, so two writers whose publishes cross
 * still show in the order they wrote.
 */
export class MessageTimeline extends TimelineBase {
  // Live messages that no history run has placed yet; only these may be reordered by id. Made on the first.
  private unsettledIds: Set<string> | undefined;

  private get unsettled(): Set<string> {
    return (this.unsettledIds ??= new Set());
  }

  /**
   * Adds a live message. A copy of a message already there is dropped, except that a copy stamped with
   * its publisher's tokenId replaces one without when both say the same thing (a sender's own message,
   * when its echo arrives; a history message, when it comes live too).
   * @returns false when the message was already there.
   */
  addLive(message: ChatMessage): boolean {
    if (this.has(message.id)) {
      if (message.sender.tokenId !== undefined) this.verify(message);
      return false;
    }
    let at = this.entries.length;
    while (at > 0 && this.entries[at - 1]!.id > message.id && this.unsettled.has(this.entries[at - 1]!.id)) at--;
    if (at === this.entries.length) this.entries.push(message);
    else this.entries.splice(at, 0, message);
    this.changed();
    this.ids.add(message.id);
    this.unsettled.add(message.id);
    return true;
  }

  /**
   * Merges a contiguous run of history (list order). An unknown message goes just before the next
   * known one of the run, or after the last known one; a run with no known message goes at the front
   * (an older page) or the back (the first page).
   * @returns the messages it added, in order.
   */
  mergeHistory(run: readonly ChatMessage[], withoutOverlap: 'front' | 'back'): ChatMessage[] {
    const added: ChatMessage[] = [];
    let pending: ChatMessage[] = [];
    let lastKnownIndex = -1;
    const inRun = new Set<string>();
    for (const message of run) {
      // A retried push stores a message twice: its first copy in the run places it.
      if (inRun.has(message.id)) continue;
      inRun.add(message.id);
      if (!this.has(message.id)) {
        pending.push(message);
        continue;
      }
      this.unsettled.delete(message.id);
      const at = this.entries.findIndex((m) => m.id === message.id);
      this.insert(at, pending, added);
      lastKnownIndex = at + pending.length;
      pending = [];
    }
    if (pending.length > 0) {
      const at = lastKnownIndex >= 0 ? lastKnownIndex + 1 : withoutOverlap === 'front' ? 0 : this.entries.length;
      this.insert(at, pending, added);
    }
    return added;
  }

  override clear(): void {
    super.clear();
    this.unsettledIds = undefined;
  }

  protected override forget(id: string): void {
    super.forget(id);
    this.unsettledIds?.delete(id);
  }

  // Anyone can publish a copy of any id: its tokenId vouches only for what that copy says.
  private verify(message: ChatMessage): void {
    // Searched from the end: an echo follows its send closely.
    let at = this.entries.length - 1;
    while (at >= 0 && this.entries[at]!.id !== message.id) at--;
    const current = this.entries[at];
    if (current && current.sender.tokenId === undefined && sameContent(current, message)) {
      this.entries[at] = message;
      this.changed();
    }
  }

  private insert(at: number, messages: ChatMessage[], added: ChatMessage[]): void {
    if (messages.length === 0) return;
    // Not splice(at, 0, ...messages): a page can hold more entries than a call may take arguments.
    this.entries = this.entries.slice(0, at).concat(messages, this.entries.slice(at));
    this.changed();
    for (const m of messages) {
      this.ids.add(m.id);
      added.push(m);
    }
  }
}

function sameContent(a: ChatMessage, b: ChatMessage): boolean {
  return (
    a.text === b.text &&
    a.timestamp === b.timestamp &&
    a.sender.claims.displayName === b.sender.claims.displayName &&
    a.sender.claims.userId === b.sender.claims.userId &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata)
  );
}
