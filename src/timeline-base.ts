import type { ChatMessage } from './message.js';

/** The ordered, de-duplicated messages a room has loaded. */
export interface Timeline {
  /** The messages in order: a new array after each change, the same one until then. */
  readonly messages: readonly ChatMessage[];
  /** Whether a message is there. */
  has(id: string): boolean;
  /** Adds a live message. @returns false when it was already there. */
  addLive(message: ChatMessage): boolean;
  /** Merges a run of history, in list order. @returns the messages it added, in order. */
  mergeHistory(run: readonly ChatMessage[], withoutOverlap: 'front' | 'back'): ChatMessage[];
  /** How many messages there are. */
  readonly size: number;
  /** The id of the oldest message, if any. */
  readonly oldestId: string | undefined;
  /** Forgets all but the newest `count` messages. @returns the ids forgotten. */
  keepNewest(count: number): string[];
  /** Forgets everything. */
  clear(): void;
}

/**
 * What every timeline shares: the messages in order, their ids, and a snapshot handed out until the next
 * change. Subclasses decide where a message goes.
 */
export abstract class TimelineBase implements Timeline {
  protected entries: ChatMessage[] = [];
  // Made by the first message: an idle room's memory is mostly empty collections.
  private idSet: Set<string> | undefined;
  // Copied on the first read after a change: an array handed out never changes under its holder.
  private snapshot: readonly ChatMessage[] | undefined;

  /** The messages in order: a new array after each change, the same one until then. */
  get messages(): readonly ChatMessage[] {
    return (this.snapshot ??= [...this.entries]);
  }

  get size(): number {
    return this.entries.length;
  }

  get oldestId(): string | undefined {
    return this.entries[0]?.id;
  }

  has(id: string): boolean {
    return this.idSet?.has(id) === true;
  }

  abstract addLive(message: ChatMessage): boolean;

  abstract mergeHistory(run: readonly ChatMessage[], withoutOverlap: 'front' | 'back'): ChatMessage[];

  keepNewest(count: number): string[] {
    const dropped = this.entries.slice(0, Math.max(0, this.entries.length - count)).map((m) => m.id);
    if (dropped.length === 0) return dropped;
    this.entries = this.entries.slice(dropped.length);
    this.changed();
    for (const id of dropped) this.forget(id);
    return dropped;
  }

  clear(): void {
    this.entries = [];
    this.idSet = undefined;
    this.changed();
  }

  protected get ids(): Set<string> {
    return (this.idSet ??= new Set());
  }

  /** Call after any change to `entries`. */
  protected changed(): void {
    this.snapshot = undefined;
  }

  /** A message was forgotten (keepNewest): drop what is kept of it. */
  protected forget(id: string): void {
    this.idSet?.delete(id);
  }
}
