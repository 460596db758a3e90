import type { CacheClient } from '@gomomento/sdk';

/** Reads that give a stored value, or undefined on a Miss; an Error response throws. */
export interface CacheReads {
  /** The scalar under `key`, as a string. */
  valueOf(key: string): Promise<string | undefined>;
  /** Every element of the list, in order. */
  listOf(list: string): Promise<string[] | undefined>;
  /** Every field of the dictionary. */
  dictionaryOf(dictionary: string): Promise<Record<string, string> | undefined>;
}

/**
 * Reads of one cache, so a test compares values: `expect(await listOf('l')).toEqual(['a'])`.
 * @param client the client to read with, asked for at each read (tests create it in `beforeAll`).
 */
export function cacheReads(client: () => CacheClient, cacheName: string): CacheReads {
  function fail(response: { toString(): string }): never {
    throw new Error(`unable to read from ${cacheName}; ${response.toString()}`);
  }
  return {
    async valueOf(key) {
      const got = await client().get(cacheName, key);
      if (got.type === 'Error') fail(got);
      return got.type === 'Hit' ? got.valueString() : undefined;
    },
    async listOf(list) {
      const fetched = await client().listFetch(cacheName, list);
      if (fetched.type === 'Error') fail(fetched);
      return fetched.type === 'Hit' ? fetched.valueList() : undefined;
    },
    async dictionaryOf(dictionary) {
      const fetched = await client().dictionaryFetch(cacheName, dictionary);
      if (fetched.type === 'Error') fail(fetched);
      return fetched.type === 'Hit' ? fetched.valueRecord() : undefined;
    },
  };
}
