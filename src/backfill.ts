import { isChatError, type ChatError } from './errors.js';
import { HistoryPager, type ListEntry, type ListWindowReader } from './history-pager.js';
import type { ChatMessage } from './message.js';

/** The newest history, read back far enough to overlap what a room has. */
export interface Backfill<T> {
  /** The entries read, in list order. */
  run: Array<ListEntry<T>>;
  /** False when the history no longer reaches back to anything the room has: messages may be lost. */
  bridged: boolean;
}

/**
 * Reads the history from its newest entry backwards, a page at a time, until a page holds an entry the
 * room already had (everything after it the room may have missed) and every entry it waits to place (live
 * items it holds, which may have been written long before they were published). When the room has
 * nothing yet, reaching the front of the list bridges the gap too.
 * @param known whether the room had an entry's key before the gap.
 * @param hasAny whether the room has any message at all.
 * @param wanted keys the run should reach back to, when the list still holds them.
 * @param maxPages the most pages to read: enough for the whole list.
 */
export async function readBackToKnown<T>(
  read: ListWindowReader<T>,
  pageSize: number,
  known: (key: string) => boolean,
  hasAny: boolean,
  wanted: ReadonlySet<string>,
  maxPages: number,
): Promise<Backfill<T>> {
  const pager = new HistoryPager(read, pageSize);
  let run = await pager.loadNewest();
  const overlaps = (): boolean => run.some((entry) => known(entry.key));
  const reachesWanted = (): boolean => new Set(run.filter((entry) => wanted.has(entry.key)).map((entry) => entry.key)).size >= wanted.size;
  // Past the overlap, held items are looked for a little further only: one that is in no page (published
  // but never stored) must not make every catch-up read the whole list.
  let extra = Math.ceil(wanted.size / pageSize) + 1;
  for (let pages = 1; pager.hasMore && pages < maxPages; pages++) {
    if (overlaps()) {
      if (reachesWanted() || extra-- <= 0) break;
    }
    run = (await pager.loadOlder()).older.concat(run);
  }
  return { run, bridged: overlaps() || (!hasAny && !pager.hasMore) };
}

/**
 * What of a run read back a room merges: the messages after `floor` (the oldest message it read from the
 * list; what lies before it is older history, for loadOlder, not missed), known ones included, and the
 * unreadable entries newer than the last entry it has (older ones were reported when first read).
 */
export function catchUpRun(run: Array<ListEntry<ChatMessage | ChatError>>, has: (key: string) => boolean, floor: string | undefined): { messages: ChatMessage[]; malformed: ChatError[] } {
  const from = floor === undefined ? 0 : Math.max(0, run.findIndex((entry) => entry.key === floor));
  let lastKnown = -1;
  run.forEach((entry, at) => {
    if (has(entry.key)) lastKnown = at;
  });
  const messages: ChatMessage[] = [];
  const malformed: ChatError[] = [];
  for (let at = from; at < run.length; at++) {
    const { value } = run[at]!;
    // Known messages stay in: they place the unknown ones around them when the run is merged.
    if (!isChatError(value)) messages.push(value);
    else if (at > lastKnown) malformed.push(value);
  }
  return { messages, malformed };
}
