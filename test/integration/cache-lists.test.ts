import { CacheClient, MomentoErrorCode } from '@gomomento/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheReads } from './support/cache-reads.js';
import { useLocalServer } from './support/local-server.js';
import { errorCodeOf } from './support/outcomes.js';

const CACHE = 'lists';

describe('cache lists through the real SDK', () => {
  const env = useLocalServer();
  let cache: CacheClient;
  beforeAll(async () => {
    cache = env.clients.cache;
    expect((await cache.createCache(CACHE)).type).toBe('Success');
  });
  const { listOf } = cacheReads(() => cache, CACHE);

  const lengthOf = async (list: string): Promise<number | undefined> => {
    const length = await cache.listLength(CACHE, list);
    if (length.type === 'Error') throw new Error(length.toString());
    return length.type === 'Hit' ? length.length() : undefined;
  };

  /** Creates `list` holding exactly `values`. */
  const seed = async (list: string, values: string[]): Promise<void> => {
    await cache.delete(CACHE, list);
    const pushed = await cache.listConcatenateBack(CACHE, list, values);
    expect(pushed.type).toBe('Success');
  };

  describe('listFetch', () => {
    const LETTERS = ['a', 'b', 'c', 'd', 'e'];
    const slice = async (startIndex?: number, endIndex?: number): Promise<string[] | undefined> => {
      const fetched = await cache.listFetch(CACHE, 'fetch', { startIndex, endIndex });
      if (fetched.type === 'Error') throw new Error(fetched.toString());
      return fetched.type === 'Hit' ? fetched.valueList() : undefined;
    };

    beforeAll(() => seed('fetch', LETTERS));

    it('misses a list that does not exist', async () => {
      expect((await cache.listFetch(CACHE, 'fetch-absent')).type).toBe('Miss');
      expect((await cache.listFetch(CACHE, 'fetch-absent', { startIndex: 1, endIndex: 2 })).type).toBe('Miss');
    });

    it('returns the whole list in order without bounds', async () => {
      expect(await slice()).toEqual(LETTERS);
    });

    it('takes start as inclusive and end as exclusive', async () => {
      expect(await slice(1, 3)).toEqual(['b', 'c']);
      expect(await slice(2)).toEqual(['c', 'd', 'e']);
      expect(await slice(undefined, 2)).toEqual(['a', 'b']);
    });

    it('counts negative indices from the end', async () => {
      expect(await slice(-2)).toEqual(['d', 'e']);
      expect(await slice(undefined, -1)).toEqual(['a', 'b', 'c', 'd']);
      expect(await slice(-3, -1)).toEqual(['c', 'd']);
      expect(await slice(1, -1)).toEqual(['b', 'c', 'd']);
    });

    it('clamps out-of-range bounds instead of failing', async () => {
      expect(await slice(2, 100)).toEqual(['c', 'd', 'e']);
      expect(await slice(-100, 2)).toEqual(['a', 'b']);
      expect(await slice(-100)).toEqual(LETTERS);
    });

    it('returns an empty Hit for a range that selects nothing', async () => {
      expect(await slice(10, 20)).toEqual([]);
      expect(await slice(4, -3)).toEqual([]);
      expect(await slice(-1, 2)).toEqual([]);
    });

    it('keeps binary elements byte for byte', async () => {
      const bytes = [new Uint8Array([0, 255]), new Uint8Array([128, 0, 1])];
      await cache.listConcatenateBack(CACHE, 'fetch-binary', bytes);
      const fetched = await cache.listFetch(CACHE, 'fetch-binary');
      expect(fetched.type).toBe('Hit');
      if (fetched.type === 'Hit') expect(fetched.valueListUint8Array().map((b) => [...b])).toEqual(bytes.map((b) => [...b]));
    });
  });

  describe('listLength', () => {
    it('reports the length, and misses an absent list', async () => {
      expect((await cache.listLength(CACHE, 'length-absent')).type).toBe('Miss');
      await seed('length', ['x', 'y', 'z']);
      expect(await lengthOf('length')).toBe(3);
    });
  });

  describe('push and concatenate', () => {
    it('listPushBack appends and listPushFront prepends, each returning the new length', async () => {
      const back1 = await cache.listPushBack(CACHE, 'push', 'b');
      expect(back1.type).toBe('Success');
      if (back1.type === 'Success') expect(back1.listLength()).toBe(1);
      const back2 = await cache.listPushBack(CACHE, 'push', 'c');
      if (back2.type === 'Success') expect(back2.listLength()).toBe(2);
      const front = await cache.listPushFront(CACHE, 'push', 'a');
      expect(front.type).toBe('Success');
      if (front.type === 'Success') expect(front.listLength()).toBe(3);
      expect(await listOf('push')).toEqual(['a', 'b', 'c']);
    });

    it('listConcatenateBack and listConcatenateFront keep the order of the given values', async () => {
      const back = await cache.listConcatenateBack(CACHE, 'concat', ['c', 'd']);
      expect(back.type).toBe('Success');
      if (back.type === 'Success') expect(back.listLength()).toBe(2);
      const front = await cache.listConcatenateFront(CACHE, 'concat', ['a', 'b']);
      expect(front.type).toBe('Success');
      if (front.type === 'Success') expect(front.listLength()).toBe(4);
      await cache.listConcatenateBack(CACHE, 'concat', ['e', 'f']);
      expect(await listOf('concat')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    });

    it('listPushBack with truncateFrontToSize keeps the newest elements', async () => {
      await seed('trunc-push-back', ['1', '2', '3']);
      const pushed = await cache.listPushBack(CACHE, 'trunc-push-back', '4', { truncateFrontToSize: 3 });
      expect(pushed.type).toBe('Success');
      if (pushed.type === 'Success') expect(pushed.listLength()).toBe(3);
      expect(await listOf('trunc-push-back')).toEqual(['2', '3', '4']);
    });

    it('listConcatenateBack with truncateFrontToSize drops from the front, even some new values', async () => {
      await seed('trunc-concat-back', ['1', '2']);
      const pushed = await cache.listConcatenateBack(CACHE, 'trunc-concat-back', ['3', '4', '5'], { truncateFrontToSize: 2 });
      expect(pushed.type).toBe('Success');
      if (pushed.type === 'Success') expect(pushed.listLength()).toBe(2);
      expect(await listOf('trunc-concat-back')).toEqual(['4', '5']);
    });

    it('truncation leaves a list that is already short enough alone', async () => {
      await seed('trunc-short', ['1']);
      await cache.listPushBack(CACHE, 'trunc-short', '2', { truncateFrontToSize: 5 });
      expect(await listOf('trunc-short')).toEqual(['1', '2']);
    });

    it('listPushFront with truncateBackToSize drops from the back', async () => {
      await seed('trunc-push-front', ['2', '3', '4']);
      const pushed = await cache.listPushFront(CACHE, 'trunc-push-front', '1', { truncateBackToSize: 2 });
      expect(pushed.type).toBe('Success');
      if (pushed.type === 'Success') expect(pushed.listLength()).toBe(2);
      expect(await listOf('trunc-push-front')).toEqual(['1', '2']);
    });

    it('listConcatenateFront with truncateBackToSize drops from the back', async () => {
      await seed('trunc-concat-front', ['4', '5']);
      const pushed = await cache.listConcatenateFront(CACHE, 'trunc-concat-front', ['1', '2', '3'], { truncateBackToSize: 4 });
      expect(pushed.type).toBe('Success');
      if (pushed.type === 'Success') expect(pushed.listLength()).toBe(4);
      expect(await listOf('trunc-concat-front')).toEqual(['1', '2', '3', '4']);
    });

    it('concatenating no values creates no list and leaves an existing one as it was', async () => {
      const empty = await cache.listConcatenateBack(CACHE, 'concat-none', []);
      expect(empty.type).toBe('Success');
      if (empty.type === 'Success') expect(empty.listLength()).toBe(0);
      expect((await cache.listFetch(CACHE, 'concat-none')).type).toBe('Miss');
      expect((await cache.keysExist(CACHE, ['concat-none'])).exists()).toEqual([false]);
      await seed('concat-none-existing', ['a']);
      const onExisting = await cache.listConcatenateFront(CACHE, 'concat-none-existing', []);
      if (onExisting.type === 'Success') expect(onExisting.listLength()).toBe(1);
      expect(await listOf('concat-none-existing')).toEqual(['a']);
    });

    it('keeps duplicate values as separate elements', async () => {
      await seed('dupes', ['x', 'x']);
      await cache.listPushBack(CACHE, 'dupes', 'x');
      expect(await listOf('dupes')).toEqual(['x', 'x', 'x']);
    });
  });

  describe('pop', () => {
    it('listPopFront and listPopBack return the end element and remove it', async () => {
      await seed('pop', ['a', 'b', 'c', 'd']);
      const front = await cache.listPopFront(CACHE, 'pop');
      expect(front.type).toBe('Hit');
      expect(front.value()).toBe('a');
      const back = await cache.listPopBack(CACHE, 'pop');
      expect(back.type).toBe('Hit');
      expect(back.value()).toBe('d');
      expect(await listOf('pop')).toEqual(['b', 'c']);
    });

    it('misses an absent list', async () => {
      expect((await cache.listPopFront(CACHE, 'pop-absent')).type).toBe('Miss');
      expect((await cache.listPopBack(CACHE, 'pop-absent')).type).toBe('Miss');
    });

    it('deletes the list once the last element is popped', async () => {
      await seed('pop-empty', ['only', 'two']);
      expect((await cache.listPopBack(CACHE, 'pop-empty')).value()).toBe('two');
      expect((await cache.listPopFront(CACHE, 'pop-empty')).value()).toBe('only');
      expect((await cache.listFetch(CACHE, 'pop-empty')).type).toBe('Miss');
      expect((await cache.listLength(CACHE, 'pop-empty')).type).toBe('Miss');
      expect((await cache.keysExist(CACHE, ['pop-empty'])).exists()).toEqual([false]);
      expect((await cache.listPopFront(CACHE, 'pop-empty')).type).toBe('Miss');
    });
  });

  describe('listRemoveValue', () => {
    it('removes every element equal to the value and nothing else', async () => {
      await seed('remove', ['a', 'b', 'a', 'c', 'a']);
      expect((await cache.listRemoveValue(CACHE, 'remove', 'a')).type).toBe('Success');
      expect(await listOf('remove')).toEqual(['b', 'c']);
      expect((await cache.listRemoveValue(CACHE, 'remove', 'not-there')).type).toBe('Success');
      expect(await listOf('remove')).toEqual(['b', 'c']);
    });

    it('succeeds on an absent list without creating it', async () => {
      expect((await cache.listRemoveValue(CACHE, 'remove-absent', 'a')).type).toBe('Success');
      expect((await cache.listFetch(CACHE, 'remove-absent')).type).toBe('Miss');
    });

    it('deletes the list when every element is removed', async () => {
      await seed('remove-all', ['z', 'z']);
      await cache.listRemoveValue(CACHE, 'remove-all', 'z');
      expect((await cache.listLength(CACHE, 'remove-all')).type).toBe('Miss');
    });
  });

  describe('listRetain', () => {
    it('keeps only the given slice', async () => {
      await seed('retain', ['a', 'b', 'c', 'd', 'e']);
      expect((await cache.listRetain(CACHE, 'retain', { startIndex: 1, endIndex: 4 })).type).toBe('Success');
      expect(await listOf('retain')).toEqual(['b', 'c', 'd']);
    });

    it('understands negative indices, like listFetch', async () => {
      await seed('retain-negative', ['a', 'b', 'c', 'd', 'e']);
      await cache.listRetain(CACHE, 'retain-negative', { startIndex: -3 });
      expect(await listOf('retain-negative')).toEqual(['c', 'd', 'e']);
      await cache.listRetain(CACHE, 'retain-negative', { endIndex: -1 });
      expect(await listOf('retain-negative')).toEqual(['c', 'd']);
    });

    it('succeeds on an absent list without creating it', async () => {
      expect((await cache.listRetain(CACHE, 'retain-absent', { startIndex: 1, endIndex: 2 })).type).toBe('Success');
      expect((await cache.listFetch(CACHE, 'retain-absent')).type).toBe('Miss');
    });

    it('deletes the list when the slice is empty', async () => {
      await seed('retain-none', ['a', 'b']);
      await cache.listRetain(CACHE, 'retain-none', { startIndex: 5, endIndex: 10 });
      expect((await cache.listFetch(CACHE, 'retain-none')).type).toBe('Miss');
    });
  });

  describe('type mismatch', () => {
    it('refuses list calls on a scalar key and leaves the scalar alone', async () => {
      await cache.set(CACHE, 'scalar', 'v');
      expect(errorCodeOf(await cache.listPushBack(CACHE, 'scalar', 'e'))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
      expect(errorCodeOf(await cache.listConcatenateFront(CACHE, 'scalar', ['e']))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
      expect(errorCodeOf(await cache.listFetch(CACHE, 'scalar'))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
      expect(errorCodeOf(await cache.listLength(CACHE, 'scalar'))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
      expect(errorCodeOf(await cache.listPopFront(CACHE, 'scalar'))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
      const got = await cache.get(CACHE, 'scalar');
      expect(got.type).toBe('Hit');
      expect(got.value()).toBe('v');
    });

    it('refuses a scalar get on a list key and leaves the list alone', async () => {
      await seed('list-not-scalar', ['a']);
      expect(errorCodeOf(await cache.get(CACHE, 'list-not-scalar'))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
      expect(await listOf('list-not-scalar')).toEqual(['a']);
    });
  });
});
