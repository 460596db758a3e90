import type { ChatMessage } from './message.js';
import type { Timeline } from './message-timeline.js';

/**
 * The timeline of a moderated room: messages in the moderator's sequence, wherever they came from
 * (history, live, a page that overlaps). The moderator numbers every message before it stores or
 * publishes it, so this one order holds even when several moderators' writes and publishes cross.
 */
export class SequenceTimeline implements Timeline {
  private entries: ChatMessage[] = [];
  // Made by the first message: an idle room's memory is mostly empty collections.
  private idSet: Set<string> | undefined;

  private get ids(): Set<string> {
    return (this.idSet ??= new Set());
  }
  private snapshot: readonly ChatMessage[] | undefined;

  get messages(): readonly ChatMessage[] {
    return (this.snapshot ??= [...this.entries]);
  }

  has(id: string): boolean {
    return this.idSet?.has(id) === true;
  }

  addLive(message: ChatMessage): boolean {
    return this.place(message);
  }

  mergeHistory(run: readonly ChatMessage[]): ChatMessage[] {
    return run.filter((message) => this.place(message));
  }

  get size(): number {
    return this.entries.length;
  }

  get oldestId(): string | undefined {
    return this.entries[0]?.id;
  }

  keepNewest(count: number): string[] {
    const dropped = this.entries.slice(0, Math.max(0, this.entries.length - count)).map((m) => m.id);
    if (dropped.length === 0) return dropped;
    for (const id of dropped) this.ids.delete(id);
    this.entries = this.entries.slice(dropped.length);
    this.snapshot = undefined;
    return dropped;
  }

  clear(): void {
    this.entries = [];
    this.idSet = undefined;
    this.snapshot = undefined;
  }

  private place(message: ChatMessage): boolean {
    if (this.ids.has(message.id)) return false;
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
    this.snapshot = undefined;
    return true;
  }
}
