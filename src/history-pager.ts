/** One entry of the room's list: its key (the message id, or the raw text of an unreadable entry) and what it decoded to. */
export interface ListEntry<T> {
  key: string;
  value: T;
}

/**
 * Reads the list window `[start, end)`; negative indices count from the end, `end` undefined is the end.
 * @returns the entries, or undefined when the list does not exist.
 */
export type ListWindowReader<T> = (start: number, end: number | undefined) => Promise<Array<ListEntry<T>> | undefined>;

/** An older page: what lies before the oldest known entry, and whether anything lies before that. */
export interface OlderPage<T> {
  older: Array<ListEntry<T>>;
  hasMore: boolean;
}

// Each retry moves the window a page further back; past this many, older history is taken as unreachable.
const MAX_WINDOW_MOVES = 16;

/**
 * Pages a list backwards while others append to it and its front is trimmed.
 *
 * Indices are negative, counted from the end, so trimming the front never shifts them. The window
 * for the next page ends one entry after where the oldest known entry should be, from the count of
 * entries known to be newer. That count can only be too low (entries written but not yet seen), which
 * moves the window towards newer entries: the page then overlaps what is known, and the overlap is
 * removed by key. The oldest known entry inside the window anchors the page, so nothing is skipped.
 */
export class HistoryPager<T> {
  private readonly known = new Set<string>();
  private oldest: string | undefined;
  private more = true;

  constructor(
    private readonly read: ListWindowReader<T>,
    private readonly pageSize: number,
  ) {}

  /** Whether older entries may exist. */
  get hasMore(): boolean {
    return this.more;
  }

  /** Records an entry seen elsewhere (a live message): it is in the list, newer than the oldest known. */
  see(key: string): void {
    this.known.add(key);
    this.oldest ??= key;
  }

  /** Reads the newest page. */
  async loadNewest(): Promise<Array<ListEntry<T>>> {
    const entries = (await this.read(-this.pageSize, undefined)) ?? [];
    this.more = entries.length >= this.pageSize;
    if (entries[0]) this.oldest = entries[0].key;
    for (const entry of entries) this.known.add(entry.key);
    return entries;
  }

  /** Reads the page before the oldest known entry. */
  async loadOlder(): Promise<OlderPage<T>> {
    const anchor = this.oldest;
    if (!this.more || anchor === undefined) return this.finish([], false);
    let newer = this.known.size;
    for (let move = 0; move < MAX_WINDOW_MOVES; move++) {
      const end = newer - 1 === 0 ? undefined : -(newer - 1);
      const entries = await this.read(-(newer + this.pageSize), end);
      if (!entries || entries.length === 0) return this.finish([], false);
      const at = entries.findIndex((e) => e.key === anchor);
      if (at >= 0) {
        const older = entries.slice(0, at).filter((e) => !this.known.has(e.key));
        // A window shorter than asked for reached the front of the list: nothing lies before it.
        return this.finish(older, entries.length > this.pageSize);
      }
      // The anchor lies further back than the count said: more was written than was seen.
      newer += this.pageSize;
    }
    return this.finish([], false);
  }

  reset(): void {
    this.known.clear();
    this.oldest = undefined;
    this.more = true;
  }

  private finish(older: Array<ListEntry<T>>, hasMore: boolean): OlderPage<T> {
    for (const entry of older) this.known.add(entry.key);
    if (older[0]) this.oldest = older[0].key;
    this.more = hasMore;
    return { older, hasMore };
  }
}
