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
  /** True when the pager forgot keys while this page was read (see `forget`): it is discarded, read again. */
  stale?: boolean;
}

// Each retry moves the window a page further back; past this many, older history is taken as unreachable.
const MAX_WINDOW_MOVES = 16;

/**
 * Pages a list backwards while others append to it and its front is trimmed.
 *
 * Indices are negative, counted from the end, so trimming the front never shifts them. The window
 * for the next page ends one entry after where the oldest known entry should be, from the count of
 * entries known to be newer. That count is mostly too low (entries written but not yet seen), which
 * moves the window towards newer entries: the page then overlaps what is known, and the overlap is
 * removed by key. The oldest known entry inside the window anchors the page, so nothing is skipped.
 * The count is too high only when a live entry lies before the anchor (written before the newest page
 * was read, published after): then the search starts again from the entries read from the list, which
 * all lie after the anchor.
 */
export class HistoryPager<T> {
  // Both made on first use: an idle room's memory is mostly empty collections.
  private knownKeys: Set<string> | undefined;
  // Keys read from the list itself: unlike live ones, all lie at or after the anchor.
  private listedKeys: Set<string> | undefined;
  private oldest: string | undefined;
  private more = true;
  // Bumped by forget: a page read across it may be anchored on a key the pager no longer holds.
  private generation = 0;

  constructor(
    private readonly read: ListWindowReader<T>,
    private readonly pageSize: number,
  ) {}

  private get known(): Set<string> {
    return (this.knownKeys ??= new Set());
  }

  private get listed(): Set<string> {
    return (this.listedKeys ??= new Set());
  }

  /** Whether older entries may exist. */
  get hasMore(): boolean {
    return this.more;
  }

  /** Records an entry seen elsewhere (a live message): it is in the list, mostly newer than the oldest known. */
  see(key: string): void {
    this.known.add(key);
    this.oldest ??= key;
  }

  /**
   * Forgets keys a room no longer holds (its oldest, all in the list): the next page is the one before
   * `oldest`, the first key the room still holds. Costs what was forgotten, not what is kept.
   */
  forget(forgotten: readonly string[], oldest: string | undefined): void {
    this.generation++;
    for (const key of forgotten) {
      this.known.delete(key);
      this.listed.delete(key);
    }
    this.oldest = oldest;
    this.more = true;
  }

  /** Reads the newest page. */
  async loadNewest(): Promise<Array<ListEntry<T>>> {
    const read = (await this.read(-this.pageSize, undefined)) ?? [];
    this.more = read.length >= this.pageSize;
    const entries = unique(read);
    if (entries[0]) this.oldest = entries[0].key;
    for (const entry of entries) {
      this.known.add(entry.key);
      this.listed.add(entry.key);
    }
    return entries;
  }

  /** Reads the page before the oldest known entry. */
  async loadOlder(): Promise<OlderPage<T>> {
    const anchor = this.oldest;
    const generation = this.generation;
    if (!this.more || anchor === undefined) return this.finish([], false);
    for (const from of new Set([this.known.size, this.listed.size])) {
      for (let move = 0, newer = from; move < MAX_WINDOW_MOVES; move++, newer += this.pageSize) {
        const end = newer - 1 === 0 ? undefined : -(newer - 1);
        const entries = await this.read(-(newer + this.pageSize), end);
        if (this.generation !== generation) return { older: [], hasMore: this.more, stale: true };
        if (!entries) return this.finish([], false);
        // Past the front of the list: the anchor lies after the window, or was trimmed.
        if (entries.length === 0) break;
        const keys = entries.map((e) => e.key);
        let at = keys.lastIndexOf(anchor);
        // An entry stored twice (a retried push): its older copy anchors only if nothing unknown lies between.
        for (let i = at - 1; i >= 0 && this.known.has(keys[i]!); i--) if (keys[i] === anchor) at = i;
        // A window shorter than asked for reached the front of the list: nothing lies before it.
        const hasMore = entries.length > this.pageSize;
        if (at > 0 || (at === 0 && !hasMore)) return this.finish(entries.slice(0, at), hasMore);
        // The anchor lies further back than the count said (or first in a full window, a whole page
        // back): more was written than was seen.
      }
    }
    return this.finish([], false);
  }

  /** Takes the entries before the anchor as read: the first becomes the anchor, known or not. */
  private finish(before: Array<ListEntry<T>>, hasMore: boolean): OlderPage<T> {
    const older = unique(before).filter((e) => !this.known.has(e.key));
    for (const entry of before) {
      this.known.add(entry.key);
      this.listed.add(entry.key);
    }
    if (before[0]) this.oldest = before[0].key;
    this.more = hasMore;
    return { older, hasMore };
  }
}

/** The entries with their first copy of each key only. */
function unique<T>(entries: Array<ListEntry<T>>): Array<ListEntry<T>> {
  const keys = new Set<string>();
  return entries.filter((e) => !keys.has(e.key) && !!keys.add(e.key));
}
