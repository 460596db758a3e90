import { CacheClient, ItemType, MomentoErrorCode } from '@gomomento/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheReads } from './support/cache-reads.js';
import { useLocalServer } from './support/local-server.js';
import { errorCodeOf } from './support/outcomes.js';

const CACHE = 'dictionaries';

describe('cache dictionaries through the real SDK', () => {
  const env = useLocalServer();
  let cache: CacheClient;
  beforeAll(async () => {
    cache = env.clients.cache;
    expect((await cache.createCache(CACHE)).type).toBe('Success');
  });
  const { dictionaryOf } = cacheReads(() => cache, CACHE);

  it('dictionarySetField creates the dictionary and dictionaryGetField reads the field back', async () => {
    expect((await cache.dictionarySetField(CACHE, 'one', 'name', 'ada')).type).toBe('Success');
    const got = await cache.dictionaryGetField(CACHE, 'one', 'name');
    expect(got.type).toBe('Hit');
    expect(got.value()).toBe('ada');
  });

  it('dictionarySetField overwrites an existing field and keeps the others', async () => {
    await cache.dictionarySetFields(CACHE, 'overwrite', { a: '1', b: '2' });
    await cache.dictionarySetField(CACHE, 'overwrite', 'a', 'one');
    expect(await dictionaryOf('overwrite')).toEqual({ a: 'one', b: '2' });
  });

  it('dictionaryGetField misses an absent dictionary and an absent field', async () => {
    expect((await cache.dictionaryGetField(CACHE, 'get-absent', 'f')).type).toBe('Miss');
    await cache.dictionarySetField(CACHE, 'get-some', 'f', 'v');
    expect((await cache.dictionaryGetField(CACHE, 'get-some', 'other')).type).toBe('Miss');
  });

  it('dictionarySetFields accepts a record, a Map and pairs, and merges them', async () => {
    expect((await cache.dictionarySetFields(CACHE, 'many', { a: '1', b: '2' })).type).toBe('Success');
    expect((await cache.dictionarySetFields(CACHE, 'many', new Map([['c', '3']]))).type).toBe('Success');
    expect((await cache.dictionarySetFields(CACHE, 'many', [['d', '4'], ['a', 'A']])).type).toBe('Success');
    expect(await dictionaryOf('many')).toEqual({ a: 'A', b: '2', c: '3', d: '4' });
  });

  it('setting no fields creates no dictionary', async () => {
    expect((await cache.dictionarySetFields(CACHE, 'none', {})).type).toBe('Success');
    expect((await cache.dictionaryFetch(CACHE, 'none')).type).toBe('Miss');
    expect((await cache.keysExist(CACHE, ['none'])).exists()).toEqual([false]);
  });

  it('dictionaryGetFields answers each field, hits and misses alike', async () => {
    await cache.dictionarySetFields(CACHE, 'get-fields', { a: '1', c: '3' });
    const got = await cache.dictionaryGetFields(CACHE, 'get-fields', ['a', 'b', 'c']);
    expect(got.type).toBe('Hit');
    if (got.type !== 'Hit') return;
    expect(got.valueRecord()).toEqual({ a: '1', c: '3' });
    expect(got.responses.map((r) => r.type)).toEqual(['Hit', 'Miss', 'Hit']);
    expect((await cache.dictionaryGetFields(CACHE, 'get-fields-absent', ['a'])).type).toBe('Miss');
  });

  it('dictionaryFetch returns every field, and misses an absent dictionary', async () => {
    expect((await cache.dictionaryFetch(CACHE, 'fetch-absent')).type).toBe('Miss');
    await cache.dictionarySetFields(CACHE, 'fetch', { x: '1', y: '2', z: '3' });
    expect(await dictionaryOf('fetch')).toEqual({ x: '1', y: '2', z: '3' });
  });

  it('keeps binary fields and values byte for byte', async () => {
    const field = new Uint8Array([0, 255, 10]);
    const value = new Uint8Array([200, 0, 1]);
    await cache.dictionarySetField(CACHE, 'binary', field, value);
    const got = await cache.dictionaryGetField(CACHE, 'binary', field);
    expect(got.type).toBe('Hit');
    if (got.type === 'Hit') expect([...got.valueUint8Array()]).toEqual([...value]);
    expect((await cache.dictionaryGetField(CACHE, 'binary', new Uint8Array([0, 255, 11]))).type).toBe('Miss');
  });

  describe('dictionaryIncrement', () => {
    it('creates a missing field (and dictionary) with the amount, then adds to it', async () => {
      const created = await cache.dictionaryIncrement(CACHE, 'counters', 'views', 3);
      expect(created.type).toBe('Success');
      expect(created.value()).toBe(3);
      expect((await cache.dictionaryIncrement(CACHE, 'counters', 'views', -5)).value()).toBe(-2);
      expect((await cache.dictionaryIncrement(CACHE, 'counters', 'views')).value()).toBe(-1);
      expect((await cache.dictionaryGetField(CACHE, 'counters', 'views')).value()).toBe('-1');
    });

    it('adds to a field that was set as an integer string, leaving other fields alone', async () => {
      await cache.dictionarySetFields(CACHE, 'counters-2', { n: '10', label: 'x' });
      expect((await cache.dictionaryIncrement(CACHE, 'counters-2', 'n', 5)).value()).toBe(15);
      expect(await dictionaryOf('counters-2')).toEqual({ n: '15', label: 'x' });
    });

    it('refuses a field that is not an integer with FAILED_PRECONDITION and leaves it alone', async () => {
      await cache.dictionarySetField(CACHE, 'counters-3', 'label', 'abc');
      expect(errorCodeOf(await cache.dictionaryIncrement(CACHE, 'counters-3', 'label', 1))).toBe(
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
      );
      expect((await cache.dictionaryGetField(CACHE, 'counters-3', 'label')).value()).toBe('abc');
    });
  });

  describe('remove and length', () => {
    it('dictionaryLength counts fields, and misses an absent dictionary', async () => {
      expect((await cache.dictionaryLength(CACHE, 'length-absent')).type).toBe('Miss');
      await cache.dictionarySetFields(CACHE, 'length', { a: '1', b: '2', c: '3' });
      const length = await cache.dictionaryLength(CACHE, 'length');
      expect(length.type).toBe('Hit');
      if (length.type === 'Hit') expect(length.length()).toBe(3);
    });

    it('dictionaryRemoveField and dictionaryRemoveFields remove only the named fields', async () => {
      await cache.dictionarySetFields(CACHE, 'remove', { a: '1', b: '2', c: '3', d: '4' });
      expect((await cache.dictionaryRemoveField(CACHE, 'remove', 'a')).type).toBe('Success');
      expect((await cache.dictionaryRemoveFields(CACHE, 'remove', ['b', 'missing'])).type).toBe('Success');
      expect(await dictionaryOf('remove')).toEqual({ c: '3', d: '4' });
      expect((await cache.dictionaryLength(CACHE, 'remove')).value()).toBe(2);
    });

    it('removing fields of an absent dictionary succeeds without creating it', async () => {
      expect((await cache.dictionaryRemoveField(CACHE, 'remove-absent', 'a')).type).toBe('Success');
      expect((await cache.dictionaryRemoveFields(CACHE, 'remove-absent', ['a', 'b'])).type).toBe('Success');
      expect((await cache.dictionaryFetch(CACHE, 'remove-absent')).type).toBe('Miss');
    });

    it('deletes the dictionary when its last field is removed', async () => {
      await cache.dictionarySetFields(CACHE, 'emptied', { a: '1', b: '2' });
      await cache.dictionaryRemoveField(CACHE, 'emptied', 'a');
      expect((await cache.itemGetType(CACHE, 'emptied')).itemType()).toBe(ItemType.DICTIONARY);
      await cache.dictionaryRemoveFields(CACHE, 'emptied', ['b']);
      expect((await cache.dictionaryFetch(CACHE, 'emptied')).type).toBe('Miss');
      expect((await cache.dictionaryLength(CACHE, 'emptied')).type).toBe('Miss');
      expect((await cache.itemGetType(CACHE, 'emptied')).type).toBe('Miss');
      // The key is free again for any type.
      expect((await cache.listPushBack(CACHE, 'emptied', 'e')).type).toBe('Success');
    });
  });

  it('refuses dictionary calls on a key of another type and leaves that item alone', async () => {
    await cache.listPushBack(CACHE, 'a-list', 'e');
    expect(errorCodeOf(await cache.dictionarySetField(CACHE, 'a-list', 'f', 'v'))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
    expect(errorCodeOf(await cache.dictionaryFetch(CACHE, 'a-list'))).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
    expect((await cache.listFetch(CACHE, 'a-list')).value()).toEqual(['e']);
  });
});
