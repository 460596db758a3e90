import { CacheClient, CollectionTtl } from '@gomomento/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheReads } from './support/cache-reads.js';
import { useLocalServer } from './support/local-server.js';
import { manualClock } from './support/time.js';

const CACHE = 'ttl';
const SECOND = 1000;

/**
 * Expiry is driven by the server's injectable clock: `clock.advance(ms)` moves time on, so nothing sleeps.
 * The client's default TTL is 60 s (see cacheClientFor).
 */
describe('item and collection TTLs through the real SDK', () => {
  const clock = manualClock();
  const env = useLocalServer({ now: clock.now });
  let cache: CacheClient;
  beforeAll(async () => {
    cache = env.clients.cache;
    expect((await cache.createCache(CACHE)).type).toBe('Success');
  });
  const { listOf } = cacheReads(() => cache, CACHE);

  describe('scalar items', () => {
    it('a value lives exactly its ttl', async () => {
      await cache.set(CACHE, 'ten-seconds', 'v', { ttl: 10 });
      clock.advance(10 * SECOND - 1);
      expect((await cache.get(CACHE, 'ten-seconds')).value()).toBe('v');
      clock.advance(1);
      expect((await cache.get(CACHE, 'ten-seconds')).type).toBe('Miss');
    });

    it('without a ttl, a value lives the client default ttl', async () => {
      await cache.set(CACHE, 'default', 'v');
      clock.advance(60 * SECOND - 1);
      expect((await cache.get(CACHE, 'default')).type).toBe('Hit');
      clock.advance(1);
      expect((await cache.get(CACHE, 'default')).type).toBe('Miss');
    });

    it('an expired key is gone for every call, and is free to be written again', async () => {
      await cache.set(CACHE, 'gone', '41', { ttl: 1 });
      clock.advance(SECOND);
      expect((await cache.keysExist(CACHE, ['gone'])).exists()).toEqual([false]);
      expect((await cache.itemGetTtl(CACHE, 'gone')).type).toBe('Miss');
      expect((await cache.itemGetType(CACHE, 'gone')).type).toBe('Miss');
      expect((await cache.getWithHash(CACHE, 'gone')).type).toBe('Miss');
      expect((await cache.updateTtl(CACHE, 'gone', 10 * SECOND)).type).toBe('Miss');
      expect((await cache.setIfPresent(CACHE, 'gone', 'x')).type).toBe('NotStored');
      expect((await cache.setIfAbsent(CACHE, 'gone', 'fresh')).type).toBe('Stored');
      expect((await cache.get(CACHE, 'gone')).value()).toBe('fresh');
    });

    it('increment on an expired counter starts again from zero', async () => {
      await cache.increment(CACHE, 'counter', 10, { ttl: 5 });
      clock.advance(5 * SECOND);
      expect((await cache.increment(CACHE, 'counter', 1)).value()).toBe(1);
    });

    it('updateTtl moves the expiry', async () => {
      await cache.set(CACHE, 'moved', 'v', { ttl: 10 });
      clock.advance(8 * SECOND);
      expect((await cache.updateTtl(CACHE, 'moved', 10 * SECOND)).type).toBe('Set');
      clock.advance(9 * SECOND);
      expect((await cache.get(CACHE, 'moved')).type).toBe('Hit');
      clock.advance(SECOND);
      expect((await cache.get(CACHE, 'moved')).type).toBe('Miss');
    });
  });

  describe('collections', () => {
    it('a list expires as a whole, ttl counted from its creation', async () => {
      await cache.listPushBack(CACHE, 'whole', 'a', { ttl: CollectionTtl.of(10) });
      clock.advance(10 * SECOND - 1);
      expect(await listOf('whole')).toEqual(['a']);
      clock.advance(1);
      expect((await cache.listFetch(CACHE, 'whole')).type).toBe('Miss');
      expect((await cache.listLength(CACHE, 'whole')).type).toBe('Miss');
    });

    it('a write with CollectionTtl.of refreshes the ttl of the whole list', async () => {
      await cache.listPushBack(CACHE, 'refreshed', 'a', { ttl: CollectionTtl.of(10) });
      clock.advance(6 * SECOND);
      await cache.listPushBack(CACHE, 'refreshed', 'b', { ttl: CollectionTtl.of(10) });
      expect((await cache.itemGetTtl(CACHE, 'refreshed')).remainingTtlMillis()).toBe(10 * SECOND);
      clock.advance(10 * SECOND - 1);
      // The first element lives on with the list: elements do not expire one by one.
      expect(await listOf('refreshed')).toEqual(['a', 'b']);
      clock.advance(1);
      expect((await cache.listFetch(CACHE, 'refreshed')).type).toBe('Miss');
    });

    it('withNoRefreshTtlOnUpdates keeps the expiry the list was created with', async () => {
      await cache.listPushBack(CACHE, 'kept', 'a', { ttl: CollectionTtl.of(10) });
      clock.advance(6 * SECOND);
      const noRefresh = CollectionTtl.of(30).withNoRefreshTtlOnUpdates();
      await cache.listConcatenateBack(CACHE, 'kept', ['b', 'c'], { ttl: noRefresh });
      expect((await cache.itemGetTtl(CACHE, 'kept')).remainingTtlMillis()).toBe(4 * SECOND);
      clock.advance(4 * SECOND - 1);
      expect(await listOf('kept')).toEqual(['a', 'b', 'c']);
      clock.advance(1);
      expect((await cache.listFetch(CACHE, 'kept')).type).toBe('Miss');
    });

    it('a no-refresh write that creates the list still gives it the ttl', async () => {
      await cache.listPushBack(CACHE, 'created-no-refresh', 'a', { ttl: CollectionTtl.of(20).withNoRefreshTtlOnUpdates() });
      expect((await cache.itemGetTtl(CACHE, 'created-no-refresh')).remainingTtlMillis()).toBe(20 * SECOND);
    });

    it('refreshTtlIfProvided() without a ttl leaves the expiry alone', async () => {
      await cache.listPushBack(CACHE, 'if-provided', 'a', { ttl: CollectionTtl.of(10) });
      clock.advance(5 * SECOND);
      await cache.listPushBack(CACHE, 'if-provided', 'b', { ttl: CollectionTtl.refreshTtlIfProvided() });
      expect((await cache.itemGetTtl(CACHE, 'if-provided')).remainingTtlMillis()).toBe(5 * SECOND);
      await cache.listPushBack(CACHE, 'if-provided', 'c', { ttl: CollectionTtl.refreshTtlIfProvided(40) });
      expect((await cache.itemGetTtl(CACHE, 'if-provided')).remainingTtlMillis()).toBe(40 * SECOND);
    });

    it('without a CollectionTtl, each write refreshes the list to the client default ttl', async () => {
      await cache.listPushBack(CACHE, 'default-list', 'a');
      clock.advance(30 * SECOND);
      await cache.listPushFront(CACHE, 'default-list', 'z');
      clock.advance(60 * SECOND - 1);
      expect(await listOf('default-list')).toEqual(['z', 'a']);
      clock.advance(1);
      expect((await cache.listFetch(CACHE, 'default-list')).type).toBe('Miss');
    });

    it('reads, pops and removals do not extend the life of a list', async () => {
      await cache.listConcatenateBack(CACHE, 'read-only', ['a', 'b', 'c', 'd'], { ttl: CollectionTtl.of(10) });
      clock.advance(5 * SECOND);
      await cache.listFetch(CACHE, 'read-only');
      await cache.listLength(CACHE, 'read-only');
      await cache.listPopFront(CACHE, 'read-only');
      await cache.listPopBack(CACHE, 'read-only');
      await cache.listRemoveValue(CACHE, 'read-only', 'b');
      expect((await cache.itemGetTtl(CACHE, 'read-only')).remainingTtlMillis()).toBe(5 * SECOND);
      clock.advance(5 * SECOND);
      expect((await cache.listFetch(CACHE, 'read-only')).type).toBe('Miss');
    });

    it('a push after the list expired starts a new list, without the old elements', async () => {
      await cache.listConcatenateBack(CACHE, 'reborn', ['old-1', 'old-2'], { ttl: CollectionTtl.of(5) });
      clock.advance(5 * SECOND);
      const pushed = await cache.listPushBack(CACHE, 'reborn', 'new', { ttl: CollectionTtl.of(5).withNoRefreshTtlOnUpdates() });
      expect(pushed.type).toBe('Success');
      if (pushed.type === 'Success') expect(pushed.listLength()).toBe(1);
      expect(await listOf('reborn')).toEqual(['new']);
      expect((await cache.itemGetTtl(CACHE, 'reborn')).remainingTtlMillis()).toBe(5 * SECOND);
    });

    it('updateTtl extends a list', async () => {
      await cache.listPushBack(CACHE, 'extended', 'a', { ttl: CollectionTtl.of(5) });
      expect((await cache.updateTtl(CACHE, 'extended', 50 * SECOND)).type).toBe('Set');
      clock.advance(49 * SECOND);
      expect(await listOf('extended')).toEqual(['a']);
      clock.advance(SECOND);
      expect((await cache.listFetch(CACHE, 'extended')).type).toBe('Miss');
    });

    it('dictionaries follow the same refresh rules', async () => {
      await cache.dictionarySetField(CACHE, 'dict', 'a', '1', { ttl: CollectionTtl.of(10) });
      clock.advance(6 * SECOND);
      await cache.dictionarySetField(CACHE, 'dict', 'b', '2', { ttl: CollectionTtl.of(10).withNoRefreshTtlOnUpdates() });
      await cache.dictionaryIncrement(CACHE, 'dict', 'n', 1, { ttl: CollectionTtl.of(10).withNoRefreshTtlOnUpdates() });
      expect((await cache.itemGetTtl(CACHE, 'dict')).remainingTtlMillis()).toBe(4 * SECOND);
      await cache.dictionarySetFields(CACHE, 'dict', { c: '3' }, { ttl: CollectionTtl.of(10) });
      expect((await cache.itemGetTtl(CACHE, 'dict')).remainingTtlMillis()).toBe(10 * SECOND);
      clock.advance(10 * SECOND - 1);
      expect((await cache.dictionaryFetch(CACHE, 'dict')).value()).toEqual({ a: '1', b: '2', n: '1', c: '3' });
      clock.advance(1);
      expect((await cache.dictionaryFetch(CACHE, 'dict')).type).toBe('Miss');
      expect((await cache.dictionaryGetField(CACHE, 'dict', 'a')).type).toBe('Miss');
    });
  });
});
