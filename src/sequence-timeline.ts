import type { ChatMessage } from './message.js';
import { TimelineBase } from './timeline-base.js';

/**
 * The timeline of a moderated room: messages in the moderator's sequence, wherever they came from
 * (history, live, a page that overlaps). The moderator numbers every message before it stores or
 * publishes it, so this one order holds even when several moderators' writes and publishes cross.
 */
export class SequenceTimeline extends TimelineBase {
  addLive(message: ChatMessage): boolean {
    return this.place(message);
  }

  mergeHistory(run: readonly ChatMessage[]): ChatMessage[] {
    return run.filter((message) => this.place(message));
  }

  private place(message: ChatMessage): boolean {
    if (this.has(message.id)) return false;
    const sequence = message.sequence ?? Number.POSITIVE_INFINITY;
    // Binary search for the first entry numbered after this one; most messages land at the end.
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.entries[mid]!.sequence ?? Number.POSITIVE_INFINITY) <= sequence) low = mid + 1;
      else high = mid;
    }
    this.entries.splice(low, 0, message);
    this.ids.add(message.id);
    this.changed();
    return true;
  }
}
