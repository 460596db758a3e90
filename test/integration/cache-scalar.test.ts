import { CacheClient, ItemType, MomentoErrorCode } from '@gomomento/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheReads } from './support/cache-reads.js';
import { useLocalServer } from './support/local-server.js';
import { errorCodeOf } from './support/outcomes.js';
import { manualClock } from './support/time.js';

const CACHE = 'scalar';

describe('cache scalars through the real SDK', () => {
  const clock = manualClock();
  const env = useLocalServer({ now: clock.now });
  let cache: CacheClient;
  beforeAll(async () => {
    cache = env.clients.cache;
    expect((await cache.createCache(CACHE)).type).toBe('Success');
  });
  const { valueOf } = cacheReads(() => cache, CACHE);

  describe('get / set / delete', () => {
    it('round-trips a value, overwrites it, and misses once deleted', async () => {
      expect((await cache.get(CACHE, 'gsd')).type).toBe('Miss');
      expect((await cache.set(CACHE, 'gsd', 'one')).type).toBe('Success');
      expect(await valueOf('gsd')).toBe('one');
      expect((await cache.set(CACHE, 'gsd', 'two')).type).toBe('Success');
      expect(await valueOf('gsd')).toBe('two');
      expect((await cache.delete(CACHE, 'gsd')).type).toBe('Success');
      expect((await cache.get(CACHE, 'gsd')).type).toBe('Miss');
    });

    it('deleting a key that does not exist succeeds', async () => {
      expect((await cache.delete(CACHE, 'never-set')).type).toBe('Success');
    });

    it('keeps binary keys and values byte for byte', async () => {
      const key = new Uint8Array([0, 255, 1, 128]);
      const value = new Uint8Array([255, 0, 7, 0, 200]);
      expect((await cache.set(CACHE, key, value)).type).toBe('Success');
      const got = await cache.get(CACHE, key);
      expect(got.type).toBe('Hit');
      if (got.type === 'Hit') expect([...got.valueUint8Array()]).toEqual([...value]);
      // A key that differs in one byte is another key.
      expect((await cache.get(CACHE, new Uint8Array([0, 255, 1, 129]))).type).toBe('Miss');
    });

    it('stores an empty value as a Hit, not a Miss', async () => {
      expect((await cache.set(CACHE, 'empty', '')).type).toBe('Success');
      const got = await cache.get(CACHE, 'empty');
      expect(got.type).toBe('Hit');
      expect(got.value()).toBe('');
    });
  });

  describe('conditional sets', () => {
    it('setIfAbsent stores only when the key is absent', async () => {
      expect((await cache.setIfAbsent(CACHE, 'absent', 'first')).type).toBe('Stored');
      expect((await cache.setIfAbsent(CACHE, 'absent', 'second')).type).toBe('NotStored');
      expect(await valueOf('absent')).toBe('first');
    });

    it('setIfNotExists stores only when the key does not exist', async () => {
      expect((await cache.setIfNotExists(CACHE, 'not-exists', 'first')).type).toBe('Stored');
      expect((await cache.setIfNotExists(CACHE, 'not-exists', 'second')).type).toBe('NotStored');
      expect(await valueOf('not-exists')).toBe('first');
    });

    it('setIfPresent stores only when the key is present', async () => {
      expect((await cache.setIfPresent(CACHE, 'present', 'x')).type).toBe('NotStored');
      expect((await cache.get(CACHE, 'present')).type).toBe('Miss');
      await cache.set(CACHE, 'present', 'old');
      expect((await cache.setIfPresent(CACHE, 'present', 'new')).type).toBe('Stored');
      expect(await valueOf('present')).toBe('new');
    });

    it('setIfEqual stores only when the current value equals the given one', async () => {
      expect((await cache.setIfEqual(CACHE, 'equal', 'x', 'anything')).type).toBe('NotStored');
      expect((await cache.get(CACHE, 'equal')).type).toBe('Miss');
      await cache.set(CACHE, 'equal', 'v1');
      expect((await cache.setIfEqual(CACHE, 'equal', 'v2', 'other')).type).toBe('NotStored');
      expect(await valueOf('equal')).toBe('v1');
      expect((await cache.setIfEqual(CACHE, 'equal', 'v2', 'v1')).type).toBe('Stored');
      expect(await valueOf('equal')).toBe('v2');
    });

    it('setIfNotEqual stores when absent or different, not when equal', async () => {
      expect((await cache.setIfNotEqual(CACHE, 'not-equal', 'v1', 'zzz')).type).toBe('Stored');
      expect(await valueOf('not-equal')).toBe('v1');
      expect((await cache.setIfNotEqual(CACHE, 'not-equal', 'v2', 'v1')).type).toBe('NotStored');
      expect(await valueOf('not-equal')).toBe('v1');
      expect((await cache.setIfNotEqual(CACHE, 'not-equal', 'v2', 'other')).type).toBe('Stored');
      expect(await valueOf('not-equal')).toBe('v2');
    });

    it('setIfPresentAndNotEqual stores only when present and different', async () => {
      expect((await cache.setIfPresentAndNotEqual(CACHE, 'pne', 'v1', 'zzz')).type).toBe('NotStored');
      expect((await cache.get(CACHE, 'pne')).type).toBe('Miss');
      await cache.set(CACHE, 'pne', 'v1');
      expect((await cache.setIfPresentAndNotEqual(CACHE, 'pne', 'v2', 'v1')).type).toBe('NotStored');
      expect(await valueOf('pne')).toBe('v1');
      expect((await cache.setIfPresentAndNotEqual(CACHE, 'pne', 'v2', 'other')).type).toBe('Stored');
      expect(await valueOf('pne')).toBe('v2');
    });

    it('setIfAbsentOrEqual stores when absent or equal, not when different', async () => {
      expect((await cache.setIfAbsentOrEqual(CACHE, 'aoe', 'v1', 'zzz')).type).toBe('Stored');
      expect(await valueOf('aoe')).toBe('v1');
      expect((await cache.setIfAbsentOrEqual(CACHE, 'aoe', 'v2', 'other')).type).toBe('NotStored');
      expect(await valueOf('aoe')).toBe('v1');
      expect((await cache.setIfAbsentOrEqual(CACHE, 'aoe', 'v2', 'v1')).type).toBe('Stored');
      expect(await valueOf('aoe')).toBe('v2');
    });

    it('a conditional set applies its own ttl when it stores', async () => {
      expect((await cache.setIfAbsent(CACHE, 'cond-ttl', 'v', { ttl: 42 })).type).toBe('Stored');
      const ttl = await cache.itemGetTtl(CACHE, 'cond-ttl');
      expect(ttl.type).toBe('Hit');
      expect(ttl.remainingTtlMillis()).toBe(42_000);
    });
  });

  describe('hashes and compare-and-swap', () => {
    const hashOf = async (key: string): Promise<Uint8Array> => {
      const got = await cache.getWithHash(CACHE, key);
      if (got.type !== 'Hit') throw new Error(`expected a Hit for ${key}; ${got.toString()}`);
      return got.hashUint8Array();
    };

    it('getWithHash misses an absent key and returns the value with a hash that follows the value', async () => {
      expect((await cache.getWithHash(CACHE, 'hashed')).type).toBe('Miss');
      await cache.set(CACHE, 'hashed', 'a');
      const got = await cache.getWithHash(CACHE, 'hashed');
      expect(got.type).toBe('Hit');
      if (got.type !== 'Hit') return;
      expect(got.valueString()).toBe('a');
      const hashA = got.hashUint8Array();
      expect(hashA.length).toBeGreaterThan(0);
      await cache.set(CACHE, 'hashed', 'b');
      expect(Buffer.from(await hashOf('hashed')).equals(Buffer.from(hashA))).toBe(false);
      await cache.set(CACHE, 'hashed', 'a');
      expect(Buffer.from(await hashOf('hashed')).equals(Buffer.from(hashA))).toBe(true);
    });

    it('setWithHash stores unconditionally and returns the hash getWithHash reports', async () => {
      const stored = await cache.setWithHash(CACHE, 'with-hash', 'value');
      expect(stored.type).toBe('Stored');
      if (stored.type !== 'Stored') return;
      expect(Buffer.from(stored.hashUint8Array()).equals(Buffer.from(await hashOf('with-hash')))).toBe(true);
    });

    it('setIfPresentAndHashEqual is a compare-and-swap: the first writer wins, a stale hash loses', async () => {
      expect((await cache.setIfPresentAndHashEqual(CACHE, 'cas', 'x', new Uint8Array([1, 2, 3]))).type).toBe('NotStored');
      expect((await cache.get(CACHE, 'cas')).type).toBe('Miss');
      await cache.set(CACHE, 'cas', 'v0');
      const seen = await hashOf('cas');
      const first = await cache.setIfPresentAndHashEqual(CACHE, 'cas', 'writer-1', seen);
      expect(first.type).toBe('Stored');
      if (first.type === 'Stored') expect(Buffer.from(first.hashUint8Array()).equals(Buffer.from(await hashOf('cas')))).toBe(true);
      expect((await cache.setIfPresentAndHashEqual(CACHE, 'cas', 'writer-2', seen)).type).toBe('NotStored');
      expect(await valueOf('cas')).toBe('writer-1');
    });

    it('setIfPresentAndHashNotEqual stores only when present with another hash', async () => {
      expect((await cache.setIfPresentAndHashNotEqual(CACHE, 'phne', 'x', new Uint8Array([1]))).type).toBe('NotStored');
      expect((await cache.get(CACHE, 'phne')).type).toBe('Miss');
      await cache.set(CACHE, 'phne', 'v1');
      const current = await hashOf('phne');
      expect((await cache.setIfPresentAndHashNotEqual(CACHE, 'phne', 'v2', current)).type).toBe('NotStored');
      expect(await valueOf('phne')).toBe('v1');
      expect((await cache.setIfPresentAndHashNotEqual(CACHE, 'phne', 'v2', new Uint8Array([9, 9]))).type).toBe('Stored');
      expect(await valueOf('phne')).toBe('v2');
    });

    it('setIfAbsentOrHashEqual stores when absent or when the hash matches', async () => {
      expect((await cache.setIfAbsentOrHashEqual(CACHE, 'aohe', 'v1', new Uint8Array([1]))).type).toBe('Stored');
      expect(await valueOf('aohe')).toBe('v1');
      const current = await hashOf('aohe');
      expect((await cache.setIfAbsentOrHashEqual(CACHE, 'aohe', 'v2', new Uint8Array([1]))).type).toBe('NotStored');
      expect(await valueOf('aohe')).toBe('v1');
      expect((await cache.setIfAbsentOrHashEqual(CACHE, 'aohe', 'v2', current)).type).toBe('Stored');
      expect(await valueOf('aohe')).toBe('v2');
    });

    it('setIfAbsentOrHashNotEqual stores when absent or when the hash differs', async () => {
      expect((await cache.setIfAbsentOrHashNotEqual(CACHE, 'aohne', 'v1', new Uint8Array([1]))).type).toBe('Stored');
      const current = await hashOf('aohne');
      expect((await cache.setIfAbsentOrHashNotEqual(CACHE, 'aohne', 'v2', current)).type).toBe('NotStored');
      expect(await valueOf('aohne')).toBe('v1');
      expect((await cache.setIfAbsentOrHashNotEqual(CACHE, 'aohne', 'v2', new Uint8Array([1]))).type).toBe('Stored');
      expect(await valueOf('aohne')).toBe('v2');
    });
  });

  describe('increment', () => {
    it('creates a missing key with the amount, then adds to it', async () => {
      const created = await cache.increment(CACHE, 'counter', 5);
      expect(created.type).toBe('Success');
      expect(created.value()).toBe(5);
      expect(await valueOf('counter')).toBe('5');
      const added = await cache.increment(CACHE, 'counter', -7);
      expect(added.value()).toBe(-2);
      const byDefault = await cache.increment(CACHE, 'counter');
      expect(byDefault.value()).toBe(-1);
      expect(await valueOf('counter')).toBe('-1');
    });

    it('adds to a value that was set as an integer string', async () => {
      await cache.set(CACHE, 'int-string', '41');
      const added = await cache.increment(CACHE, 'int-string', 1);
      expect(added.type).toBe('Success');
      expect(added.value()).toBe(42);
    });

    it('refuses a value that is not an integer with FAILED_PRECONDITION and leaves it alone', async () => {
      for (const value of ['abc', '1.5']) {
        await cache.set(CACHE, 'not-int', value);
        const refused = await cache.increment(CACHE, 'not-int', 1);
        expect(errorCodeOf(refused)).toBe(MomentoErrorCode.FAILED_PRECONDITION_ERROR);
        expect(await valueOf('not-int')).toBe(value);
      }
    });
  });

  describe('keysExist and itemGetType', () => {
    it('reports, per key and in order, which keys exist, whatever their type', async () => {
      await cache.set(CACHE, 'ke-scalar', 'v');
      await cache.listPushBack(CACHE, 'ke-list', 'e');
      await cache.dictionarySetField(CACHE, 'ke-dict', 'f', 'v');
      const keys = ['ke-scalar', 'ke-missing', 'ke-list', 'ke-dict'];
      const exist = await cache.keysExist(CACHE, keys);
      expect(exist.type).toBe('Success');
      if (exist.type !== 'Success') return;
      expect(exist.exists()).toEqual([true, false, true, true]);
      expect(exist.valueRecord()).toEqual({ 'ke-scalar': true, 'ke-missing': false, 'ke-list': true, 'ke-dict': true });
      await cache.delete(CACHE, 'ke-scalar');
      expect((await cache.keysExist(CACHE, ['ke-scalar'])).exists()).toEqual([false]);
    });

    it('keysExist of no keys is an empty answer', async () => {
      const exist = await cache.keysExist(CACHE, []);
      expect(exist.type).toBe('Success');
      expect(exist.exists()).toEqual([]);
    });

    it('itemGetType tells scalars, lists and dictionaries apart, and misses an absent key', async () => {
      await cache.set(CACHE, 'type-scalar', 'v');
      await cache.listPushBack(CACHE, 'type-list', 'e');
      await cache.dictionarySetField(CACHE, 'type-dict', 'f', 'v');
      expect((await cache.itemGetType(CACHE, 'type-scalar')).itemType()).toBe(ItemType.SCALAR);
      expect((await cache.itemGetType(CACHE, 'type-list')).itemType()).toBe(ItemType.LIST);
      expect((await cache.itemGetType(CACHE, 'type-dict')).itemType()).toBe(ItemType.DICTIONARY);
      expect((await cache.itemGetType(CACHE, 'type-missing')).type).toBe('Miss');
    });

    it('a set replaces a collection under the same key with a scalar', async () => {
      await cache.listPushBack(CACHE, 'replaced', 'e');
      expect((await cache.set(CACHE, 'replaced', 'now-a-scalar')).type).toBe('Success');
      expect((await cache.itemGetType(CACHE, 'replaced')).itemType()).toBe(ItemType.SCALAR);
      expect(await valueOf('replaced')).toBe('now-a-scalar');
    });
  });

  describe('ttl calls', () => {
    const remaining = async (key: string): Promise<number | undefined> => {
      const ttl = await cache.itemGetTtl(CACHE, key);
      if (ttl.type === 'Error') throw new Error(ttl.toString());
      return ttl.remainingTtlMillis();
    };

    it('itemGetTtl reports the time left, counting down with the clock, and misses an absent key', async () => {
      await cache.set(CACHE, 'ttl-left', 'v', { ttl: 30 });
      expect(await remaining('ttl-left')).toBe(30_000);
      clock.advance(12_345);
      expect(await remaining('ttl-left')).toBe(17_655);
      expect((await cache.itemGetTtl(CACHE, 'ttl-absent')).type).toBe('Miss');
    });

    it('an item without an explicit ttl gets the client default', async () => {
      await cache.set(CACHE, 'ttl-default', 'v');
      expect(await remaining('ttl-default')).toBe(60_000);
    });

    it('updateTtl overwrites the ttl in either direction, and misses an absent key', async () => {
      await cache.set(CACHE, 'ttl-update', 'v', { ttl: 30 });
      expect((await cache.updateTtl(CACHE, 'ttl-update', 90_000)).type).toBe('Set');
      expect(await remaining('ttl-update')).toBe(90_000);
      expect((await cache.updateTtl(CACHE, 'ttl-update', 5_000)).type).toBe('Set');
      expect(await remaining('ttl-update')).toBe(5_000);
      expect(await valueOf('ttl-update')).toBe('v');
      expect((await cache.updateTtl(CACHE, 'ttl-update-absent', 5_000)).type).toBe('Miss');
      expect((await cache.get(CACHE, 'ttl-update-absent')).type).toBe('Miss');
    });

    it('increaseTtl only ever lengthens the ttl', async () => {
      await cache.set(CACHE, 'ttl-increase', 'v', { ttl: 30 });
      expect((await cache.increaseTtl(CACHE, 'ttl-increase', 10_000)).type).toBe('NotSet');
      expect(await remaining('ttl-increase')).toBe(30_000);
      expect((await cache.increaseTtl(CACHE, 'ttl-increase', 50_000)).type).toBe('Set');
      expect(await remaining('ttl-increase')).toBe(50_000);
      expect((await cache.increaseTtl(CACHE, 'ttl-increase-absent', 50_000)).type).toBe('Miss');
    });

    it('decreaseTtl only ever shortens the ttl', async () => {
      await cache.set(CACHE, 'ttl-decrease', 'v', { ttl: 30 });
      expect((await cache.decreaseTtl(CACHE, 'ttl-decrease', 50_000)).type).toBe('NotSet');
      expect(await remaining('ttl-decrease')).toBe(30_000);
      expect((await cache.decreaseTtl(CACHE, 'ttl-decrease', 10_000)).type).toBe('Set');
      expect(await remaining('ttl-decrease')).toBe(10_000);
      expect((await cache.decreaseTtl(CACHE, 'ttl-decrease-absent', 10_000)).type).toBe('Miss');
    });
  });
});
