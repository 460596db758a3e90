import { CacheClient, CollectionTtl, MomentoErrorCode } from '@gomomento/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { cacheReads } from './support/cache-reads.js';
import { cacheClientFor } from './support/clients.js';
import { useLocalServer } from './support/local-server.js';
import { errorCodeOf } from './support/outcomes.js';

const CACHE = 'limits';
/** Limits lowered so each one is reached with a few bytes. The client's default TTL (60 s) stays within maxTtlMs. */
const ITEM_BYTES = 1024;
const ELEMENT_BYTES = 128;
const MAX_TTL_SECONDS = 120;

const bytes = (n: number, fill = 0x61): Uint8Array => new Uint8Array(n).fill(fill);

describe('limits, missing caches and the control plane through the real SDK', () => {
  const env = useLocalServer({
    limits: { itemBytes: ITEM_BYTES, collectionElementBytes: ELEMENT_BYTES, maxTtlMs: MAX_TTL_SECONDS * 1000 },
  });
  let cache: CacheClient;
  beforeAll(async () => {
    cache = env.clients.cache;
    expect((await cache.createCache(CACHE)).type).toBe('Success');
  });
  const { listOf } = cacheReads(() => cache, CACHE);

  describe('item size', () => {
    it('accepts an item of exactly the limit (key plus value) and refuses one byte more', async () => {
      // Key 'k' is 1 byte.
      expect((await cache.set(CACHE, 'k', bytes(ITEM_BYTES - 1))).type).toBe('Success');
      const refused = await cache.set(CACHE, 'k', bytes(ITEM_BYTES, 0x62));
      expect(errorCodeOf(refused)).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
      if (refused.type === 'Error') expect(refused.message()).toContain('Item size limit exceeded');
      // The refused write left the old value in place.
      const got = await cache.get(CACHE, 'k');
      expect(got.type).toBe('Hit');
      if (got.type === 'Hit') expect(got.valueUint8Array()).toEqual(bytes(ITEM_BYTES - 1));
    });

    it('refuses an oversize conditional set without storing anything', async () => {
      expect(errorCodeOf(await cache.setIfAbsent(CACHE, 'cond', bytes(ITEM_BYTES)))).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
      expect((await cache.get(CACHE, 'cond')).type).toBe('Miss');
    });

    it('refuses a push that would grow a list past the item size, leaving the list unchanged', async () => {
      // Key 'grow' is 4 bytes; ten 100-byte elements make 1004 bytes.
      const tens = Array.from({ length: 10 }, (_, i) => String(i).repeat(100));
      expect((await cache.listConcatenateBack(CACHE, 'grow', tens)).type).toBe('Success');
      const refused = await cache.listPushBack(CACHE, 'grow', 'x'.repeat(100));
      expect(errorCodeOf(refused)).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
      if (refused.type === 'Error') expect(refused.message()).toContain('Item size limit exceeded');
      // 1004 + 21 bytes is one byte over.
      expect(errorCodeOf(await cache.listConcatenateFront(CACHE, 'grow', ['a'.repeat(10), 'b'.repeat(11)]))).toBe(
        MomentoErrorCode.LIMIT_EXCEEDED_ERROR,
      );
      expect(await listOf('grow')).toEqual(tens);
    });

    it('a list trimmed with truncateFrontToSize keeps taking writes without reaching the item size', async () => {
      for (let i = 0; i < 30; i++) {
        const pushed = await cache.listPushBack(CACHE, 'bounded', String(i % 10).repeat(100), { truncateFrontToSize: 5 });
        expect(pushed.type).toBe('Success');
      }
      expect((await cache.listLength(CACHE, 'bounded')).value()).toBe(5);
    });

    it('refuses dictionary writes that would grow it past the item size, leaving it unchanged', async () => {
      const fields = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`f${i}`, 'v'.repeat(100)]));
      expect((await cache.dictionarySetFields(CACHE, 'dict-grow', fields)).type).toBe('Success');
      expect(errorCodeOf(await cache.dictionarySetFields(CACHE, 'dict-grow', { g1: 'w'.repeat(100), g2: 'w'.repeat(100) }))).toBe(
        MomentoErrorCode.LIMIT_EXCEEDED_ERROR,
      );
      expect((await cache.dictionaryFetch(CACHE, 'dict-grow')).value()).toEqual(fields);
    });
  });

  describe('collection element size', () => {
    it('accepts an element of exactly the limit and refuses one byte more', async () => {
      expect((await cache.listPushBack(CACHE, 'elements', bytes(ELEMENT_BYTES))).type).toBe('Success');
      const refused = await cache.listPushBack(CACHE, 'elements', bytes(ELEMENT_BYTES + 1));
      expect(errorCodeOf(refused)).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
      if (refused.type === 'Error') expect(refused.message()).toContain('Element size limit exceeded');
      expect((await cache.listLength(CACHE, 'elements')).value()).toBe(1);
    });

    it('a concatenation with one oversize element is refused whole: the list is never half-written', async () => {
      expect((await cache.listConcatenateBack(CACHE, 'atomic', ['a', 'b'])).type).toBe('Success');
      const refused = await cache.listConcatenateBack(CACHE, 'atomic', ['c', 'x'.repeat(ELEMENT_BYTES + 1), 'd']);
      expect(errorCodeOf(refused)).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
      expect(errorCodeOf(await cache.listConcatenateFront(CACHE, 'atomic', ['x'.repeat(ELEMENT_BYTES + 1), 'z']))).toBe(
        MomentoErrorCode.LIMIT_EXCEEDED_ERROR,
      );
      expect(await listOf('atomic')).toEqual(['a', 'b']);
    });

    it('a refused first write does not create the list', async () => {
      expect(errorCodeOf(await cache.listConcatenateBack(CACHE, 'never', ['ok', 'x'.repeat(ELEMENT_BYTES + 1)]))).toBe(
        MomentoErrorCode.LIMIT_EXCEEDED_ERROR,
      );
      expect((await cache.listFetch(CACHE, 'never')).type).toBe('Miss');
    });

    it('an oversize dictionary value is refused and no field of the call is written', async () => {
      await cache.dictionarySetField(CACHE, 'dict-elements', 'a', '1');
      const refused = await cache.dictionarySetFields(CACHE, 'dict-elements', { b: '2', c: 'x'.repeat(ELEMENT_BYTES + 1) });
      expect(errorCodeOf(refused)).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
      expect((await cache.dictionaryFetch(CACHE, 'dict-elements')).value()).toEqual({ a: '1' });
    });
  });

  describe('maximum ttl', () => {
    it('accepts the maximum ttl and refuses more with INVALID_ARGUMENT, storing nothing', async () => {
      expect((await cache.set(CACHE, 'ttl-max', 'v', { ttl: MAX_TTL_SECONDS })).type).toBe('Success');
      expect((await cache.itemGetTtl(CACHE, 'ttl-max')).type).toBe('Hit');
      expect(errorCodeOf(await cache.set(CACHE, 'ttl-over', 'v', { ttl: MAX_TTL_SECONDS + 1 }))).toBe(
        MomentoErrorCode.INVALID_ARGUMENT_ERROR,
      );
      expect((await cache.get(CACHE, 'ttl-over')).type).toBe('Miss');
    });

    it('refuses a collection ttl above the maximum without creating the collection', async () => {
      const tooLong = CollectionTtl.of(MAX_TTL_SECONDS + 1);
      expect(errorCodeOf(await cache.listPushBack(CACHE, 'ttl-list', 'a', { ttl: tooLong }))).toBe(MomentoErrorCode.INVALID_ARGUMENT_ERROR);
      expect((await cache.listFetch(CACHE, 'ttl-list')).type).toBe('Miss');
      expect(errorCodeOf(await cache.dictionarySetField(CACHE, 'ttl-dict', 'f', 'v', { ttl: tooLong }))).toBe(
        MomentoErrorCode.INVALID_ARGUMENT_ERROR,
      );
      expect((await cache.dictionaryFetch(CACHE, 'ttl-dict')).type).toBe('Miss');
    });

    it('refuses to update a ttl above the maximum and keeps the old one', async () => {
      await cache.set(CACHE, 'ttl-update', 'v', { ttl: 30 });
      expect(errorCodeOf(await cache.updateTtl(CACHE, 'ttl-update', MAX_TTL_SECONDS * 1000 + 1))).toBe(
        MomentoErrorCode.INVALID_ARGUMENT_ERROR,
      );
      expect(errorCodeOf(await cache.increaseTtl(CACHE, 'ttl-update', MAX_TTL_SECONDS * 1000 + 1))).toBe(
        MomentoErrorCode.INVALID_ARGUMENT_ERROR,
      );
      const ttl = await cache.itemGetTtl(CACHE, 'ttl-update');
      expect(ttl.type).toBe('Hit');
      expect(ttl.remainingTtlMillis()).toBeLessThanOrEqual(30_000);
    });

    it('a client whose default ttl is above the maximum has its writes refused', async () => {
      const longLived = await cacheClientFor(env.momento, env.momento.adminApiKey, MAX_TTL_SECONDS + 1);
      try {
        expect(errorCodeOf(await longLived.set(CACHE, 'default-over', 'v'))).toBe(MomentoErrorCode.INVALID_ARGUMENT_ERROR);
        expect(errorCodeOf(await longLived.listPushBack(CACHE, 'default-over-list', 'v'))).toBe(MomentoErrorCode.INVALID_ARGUMENT_ERROR);
        expect((await longLived.get(CACHE, 'default-over')).type).toBe('Miss');
      } finally {
        longLived.close();
      }
    });
  });

  describe("Momento's own limits", () => {
    // A second server with the default limits: items of several MB must pass the transport (gRPC
    // servers receive 4 MiB by default) and still hit the item-size check past 5 MB.
    const defaults = useLocalServer({ caches: ['big'] });

    it('round-trips a 4.5 MB item and refuses a 5.5 MB one with LIMIT_EXCEEDED', async () => {
      const big = defaults.clients.cache;
      const value = bytes(4_500_000, 0x7a);
      expect((await big.set('big', 'k', value)).type).toBe('Success');
      const got = await big.get('big', 'k');
      expect(got.type).toBe('Hit');
      if (got.type === 'Hit') expect(Buffer.from(got.valueUint8Array()).equals(Buffer.from(value))).toBe(true);
      const refused = await big.set('big', 'too-big', bytes(5_500_000));
      expect(errorCodeOf(refused)).toBe(MomentoErrorCode.LIMIT_EXCEEDED_ERROR);
      if (refused.type === 'Error') expect(refused.message()).toContain('Item size limit exceeded');
    });
  });

  describe('missing cache', () => {
    it('answers every data call on a cache that does not exist with CACHE_NOT_FOUND', async () => {
      const missing = 'no-such-cache';
      const responses = [
        await cache.get(missing, 'k'),
        await cache.set(missing, 'k', 'v'),
        await cache.delete(missing, 'k'),
        await cache.setIfAbsent(missing, 'k', 'v'),
        await cache.increment(missing, 'k', 1),
        await cache.keysExist(missing, ['k']),
        await cache.itemGetTtl(missing, 'k'),
        await cache.listPushBack(missing, 'l', 'v'),
        await cache.listFetch(missing, 'l'),
        await cache.dictionarySetField(missing, 'd', 'f', 'v'),
        await cache.dictionaryFetch(missing, 'd'),
      ];
      for (const response of responses) expect(errorCodeOf(response)).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
      expect(MomentoErrorCode.CACHE_NOT_FOUND_ERROR).toBe(MomentoErrorCode.NOT_FOUND_ERROR);
    });
  });

  describe('control plane', () => {
    const cacheNames = async (): Promise<string[]> => {
      const listed = await cache.listCaches();
      if (listed.type !== 'Success') throw new Error(listed.toString());
      return listed.getCaches().map((c) => c.getName());
    };

    it('createCache creates once; the second call answers AlreadyExists, not an error', async () => {
      expect((await cache.createCache('created-twice')).type).toBe('Success');
      expect((await cache.createCache('created-twice')).type).toBe('AlreadyExists');
      expect(await cacheNames()).toContain('created-twice');
    });

    it('listCaches lists every cache with the limits the server enforces', async () => {
      await cache.createCache('listed-a');
      await cache.createCache('listed-b');
      const listed = await cache.listCaches();
      expect(listed.type).toBe('Success');
      if (listed.type !== 'Success') return;
      const names = listed.getCaches().map((c) => c.getName());
      expect(names).toEqual(expect.arrayContaining([CACHE, 'listed-a', 'listed-b']));
      expect(new Set(names).size).toBe(names.length);
      const info = listed.getCaches().find((c) => c.getName() === 'listed-a');
      expect(info?.getCacheLimits().maxTtlSeconds).toBe(MAX_TTL_SECONDS);
      expect(info?.getCacheLimits().maxItemSizeKb).toBe(ITEM_BYTES / 1024);
    });

    it('deleteCache removes the cache and everything in it; recreating it starts empty', async () => {
      await cache.createCache('doomed');
      await cache.set('doomed', 'k', 'v');
      expect((await cache.deleteCache('doomed')).type).toBe('Success');
      expect(await cacheNames()).not.toContain('doomed');
      expect(errorCodeOf(await cache.get('doomed', 'k'))).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
      expect((await cache.createCache('doomed')).type).toBe('Success');
      expect((await cache.get('doomed', 'k')).type).toBe('Miss');
    });

    it('deleteCache of a cache that does not exist answers CACHE_NOT_FOUND', async () => {
      expect(errorCodeOf(await cache.deleteCache('never-created'))).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
    });

    it('flushCache empties the cache but keeps it, and leaves other caches alone', async () => {
      await cache.createCache('flushed');
      await cache.createCache('bystander');
      await cache.set('flushed', 'scalar', 'v');
      await cache.listPushBack('flushed', 'list', 'e');
      await cache.dictionarySetField('flushed', 'dict', 'f', 'v');
      await cache.set('bystander', 'scalar', 'kept');
      expect((await cache.flushCache('flushed')).type).toBe('Success');
      expect((await cache.keysExist('flushed', ['scalar', 'list', 'dict'])).exists()).toEqual([false, false, false]);
      expect(await cacheNames()).toContain('flushed');
      expect((await cache.set('flushed', 'scalar', 'again')).type).toBe('Success');
      expect((await cache.get('flushed', 'scalar')).value()).toBe('again');
      expect((await cache.get('bystander', 'scalar')).value()).toBe('kept');
    });

    it('flushCache of a cache that does not exist answers CACHE_NOT_FOUND', async () => {
      expect(errorCodeOf(await cache.flushCache('never-created'))).toBe(MomentoErrorCode.CACHE_NOT_FOUND_ERROR);
    });
  });
});
