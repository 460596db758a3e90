import { describe, expect, it } from 'vitest';
import { HistoryPager, type ListEntry } from '../../src/history-pager.js';
import { momentoSlice } from './support/fake-momento.js';

/** A list that others append to (trimming its front), read the way listFetch reads it. */
class List {
  values: string[] | undefined;
  readonly reads: Array<[number, number | undefined]> = [];

  constructor(
    values: string[],
    private readonly cap = Infinity,
  ) {
    this.values = values;
  }

  push(...values: string[]): void {
    this.values = [...(this.values ?? []), ...values];
    if (this.values.length > this.cap) this.values = this.values.slice(this.values.length - this.cap);
  }

  reader = async (start: number, end: number | undefined): Promise<Array<ListEntry<string>> | undefined> => {
    this.reads.push([start, end]);
    return this.values && momentoSlice(this.values, start, end).map((v) => ({ key: v, value: v }));
  };
}

const range = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => String(from + i));
const keys = (entries: Array<ListEntry<string>>): string[] => entries.map((e) => e.key);

/** Pages back until hasMore is false, returning every page (bounded, so a pager that never ends fails). */
async function pageToEnd(pager: HistoryPager<string>, limit = 50): Promise<string[][]> {
  const pages: string[][] = [];
  while (pager.hasMore) {
    pages.push(keys((await pager.loadOlder()).older));
    if (pages.length > limit) throw new Error(`still paging after ${limit} pages: ${JSON.stringify(pages.slice(0, 5))}…`);
  }
  return pages;
}

describe('HistoryPager', () => {
  describe('the newest page', () => {
    it('is the last pageSize entries, with more to come when the page is full', async () => {
      const list = new List(range(0, 10));
      const pager = new HistoryPager(list.reader, 3);
      expect(keys(await pager.loadNewest())).toEqual(['7', '8', '9']);
      expect(pager.hasMore).toBe(true);
      expect(list.reads).toEqual([[-3, undefined]]);
    });

    it('has nothing more when the list is shorter than a page', async () => {
      const list = new List(range(0, 2));
      const pager = new HistoryPager(list.reader, 3);
      expect(keys(await pager.loadNewest())).toEqual(['0', '1']);
      expect(pager.hasMore).toBe(false);
      expect(await pager.loadOlder()).toEqual({ older: [], hasMore: false });
      expect(list.reads).toHaveLength(1);
    });

    it('is empty, with nothing more, when the list does not exist (an expired room is empty, not an error)', async () => {
      const list = new List([]);
      list.values = undefined;
      const pager = new HistoryPager(list.reader, 3);
      expect(await pager.loadNewest()).toEqual([]);
      expect(pager.hasMore).toBe(false);
    });

    it('holds an entry stored twice (a retried push) once', async () => {
      const list = new List(['0', '1', '1']);
      const pager = new HistoryPager(list.reader, 2);
      expect(keys(await pager.loadNewest())).toEqual(['1']);
      // The page was full, so older entries may exist, and they are still reached.
      expect(pager.hasMore).toBe(true);
      expect((await pageToEnd(pager)).flat()).toEqual(['0']);
    });
  });

  describe('older pages', () => {
    it('walk back to the front with negative indices, each entry once, and end with hasMore false', async () => {
      const list = new List(range(0, 10));
      const pager = new HistoryPager(list.reader, 3);
      await pager.loadNewest();
      expect(await pageToEnd(pager)).toEqual([['4', '5', '6'], ['1', '2', '3'], ['0']]);
      for (const [start, end] of list.reads) {
        expect(start).toBeLessThan(0);
        if (end !== undefined) expect(end).toBeLessThan(0);
      }
    });

    it('end with hasMore false when the list reached its front exactly at a page boundary', async () => {
      const list = new List(range(0, 6));
      const pager = new HistoryPager(list.reader, 3);
      await pager.loadNewest();
      expect(await pager.loadOlder()).toEqual({ older: [{ key: '0', value: '0' }, { key: '1', value: '1' }, { key: '2', value: '2' }], hasMore: true });
      expect(await pager.loadOlder()).toEqual({ older: [], hasMore: false });
      expect(pager.hasMore).toBe(false);
    });

    it('overlap what is known after front truncation, and the overlap is removed (chat-correctness §5)', async () => {
      // Cap 100, page 20: the reader holds [80, 100). Five are pushed, five trimmed, and seen live.
      const list = new List(range(0, 100), 100);
      const pager = new HistoryPager(list.reader, 20);
      expect(keys(await pager.loadNewest())).toEqual(range(80, 100));
      list.push(...range(100, 105));
      for (const key of range(100, 105)) pager.see(key);

      const page = await pager.loadOlder();
      expect(keys(page.older)).toEqual(range(60, 80));
      expect(page.hasMore).toBe(true);
    });

    it('never skip an entry while the front is trimmed between pages', async () => {
      const list = new List(range(0, 30), 30);
      const pager = new HistoryPager(list.reader, 4);
      const seen = keys(await pager.loadNewest());
      let next = 30;
      while (pager.hasMore) {
        // Between two pages, two more messages land (and two old ones are trimmed); the reader sees them live.
        for (const key of [String(next++), String(next++)]) {
          list.push(key);
          pager.see(key);
        }
        seen.unshift(...keys((await pager.loadOlder()).older));
        expect(seen.length).toBeLessThan(100);
      }
      // Contiguous from where paging ended to the newest page, with nothing missing or repeated.
      const first = Number(seen[0]);
      expect(seen).toEqual(range(first, 30));
      // It only ended because the front had been trimmed up to there.
      expect(Number(list.values![0])).toBeGreaterThanOrEqual(first);
    });

    it('move the window for entries written but not yet seen live, and the anchor still prevents a skip', async () => {
      const list = new List(range(0, 100), 100);
      const pager = new HistoryPager(list.reader, 20);
      await pager.loadNewest();
      // Five written, five trimmed, none of them seen yet: the count of newer entries is five too low.
      list.push(...range(100, 105));

      const first = await pager.loadOlder();
      // The window slid towards newer entries; the page is shorter but starts right before the anchor.
      expect(keys(first.older)).toEqual(range(65, 80));
      expect(first.hasMore).toBe(true);
      const second = await pager.loadOlder();
      expect(keys(second.older)).toEqual(range(50, 65));
    });

    it('move a whole page back when exactly a page was written unseen (the anchor first in a full window)', async () => {
      const list = new List(range(0, 10));
      const pager = new HistoryPager(list.reader, 3);
      await pager.loadNewest();
      list.push('10', '11', '12');

      expect(keys((await pager.loadOlder()).older)).toEqual(['4', '5', '6']);
      expect(await pageToEnd(pager)).toEqual([['1', '2', '3'], ['0']]);
    });

    it('go on past a live message that lies before the anchor (stored early, published late)', async () => {
      // The newest page is [7, 8, 9]; message 5 was pushed before it was read but published after,
      // so it came live. It is counted as newer than the anchor though it lies before it.
      const list = new List(range(0, 10));
      const pager = new HistoryPager(list.reader, 3);
      await pager.loadNewest();
      pager.see('5');

      const pages = await pageToEnd(pager);
      expect(pages.flat().sort()).toEqual(['0', '1', '2', '3', '4', '6']);
      expect(pages[0]).toEqual(['4', '6']);
    });

    it('go on past a live message lying right before the anchor, with one-entry pages', async () => {
      const list = new List(range(0, 5));
      const pager = new HistoryPager(list.reader, 1);
      await pager.loadNewest();
      pager.see('3');
      expect((await pageToEnd(pager)).flat()).toEqual(['2', '1', '0']);
    });

    it('hold an entry stored twice once and still end', async () => {
      const list = new List(['0', '1', '1', '2']);
      const pager = new HistoryPager(list.reader, 1);
      await pager.loadNewest();
      expect((await pageToEnd(pager)).flat()).toEqual(['1', '0']);
    });

    it('do not skip what lies between the two copies of an entry stored twice', async () => {
      // [A, X, B, X]: the newest page is the second X, so B lies before it and must be read.
      const list = new List(['A', 'X', 'B', 'X']);
      const pager = new HistoryPager(list.reader, 2);
      expect(keys(await pager.loadNewest())).toEqual(['B', 'X']);
      expect((await pageToEnd(pager)).flat()).toEqual(['A']);

      const other = new HistoryPager(new List(['A', 'X', 'B', 'C', 'X']).reader, 1);
      await other.loadNewest();
      expect((await pageToEnd(other)).flat()).toEqual(['C', 'B', 'A']);
    });

    it('end with hasMore false when the list expires (Miss) in the middle of paging', async () => {
      const list = new List(range(0, 10));
      const pager = new HistoryPager(list.reader, 3);
      await pager.loadNewest();
      list.values = undefined;
      expect(await pager.loadOlder()).toEqual({ older: [], hasMore: false });
      expect(pager.hasMore).toBe(false);
      const reads = list.reads.length;
      await pager.loadOlder();
      expect(list.reads).toHaveLength(reads);
    });

    it('end with hasMore false when everything older was trimmed, anchor included', async () => {
      const list = new List(range(0, 10), 10);
      const pager = new HistoryPager(list.reader, 3);
      await pager.loadNewest();
      list.push(...range(10, 25));
      for (const key of range(10, 25)) pager.see(key);
      expect(await pager.loadOlder()).toEqual({ older: [], hasMore: false });
    });

    it('give up, with hasMore false, when far more was written than was seen', async () => {
      const list = new List(range(0, 10));
      const pager = new HistoryPager(list.reader, 1);
      await pager.loadNewest();
      list.push(...range(10, 200));
      const page = await pager.loadOlder();
      expect(page).toEqual({ older: [], hasMore: false });
      expect(list.reads.length).toBeLessThan(50);
    });

    it('treat an unreadable entry (keyed by its raw text) like any other entry', async () => {
      const list = new List(['0', 'raw:{"v":2}', '2', 'raw:not json', '4']);
      const pager = new HistoryPager(list.reader, 2);
      expect(keys(await pager.loadNewest())).toEqual(['raw:not json', '4']);
      expect(await pageToEnd(pager)).toEqual([['raw:{"v":2}', '2'], ['0']]);
    });

    it('before any page is read, has nothing to anchor and reads nothing', async () => {
      const list = new List(range(0, 10));
      const pager = new HistoryPager(list.reader, 3);
      expect(await pager.loadOlder()).toEqual({ older: [], hasMore: false });
      expect(list.reads).toEqual([]);
    });
  });
});
