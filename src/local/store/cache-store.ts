import { cacheNotFound, failedPrecondition } from '../status-error.js';
import type { DictionaryEntry, Entry, ListEntry, ScalarEntry } from './entries.js';
import { toKey } from './entries.js';

/** The items of one cache. Expired items are invisible at once and removed on access or by {@link sweep}. */
export class CacheData {
  private readonly items = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  get(key: Uint8Array): Entry | undefined {
    const k = toKey(key);
    const entry = this.items.get(k);
    if (entry && entry.expiresAt <= this.now()) {
      this.items.delete(k);
      return undefined;
    }
    return entry;
  }

  put(key: Uint8Array, entry: Entry): void {
    this.items.set(toKey(key), entry);
  }

  delete(key: Uint8Array): boolean {
    return this.items.delete(toKey(key));
  }

  clear(): void {
    this.items.clear();
  }

  /** Removes expired items, so memory stays bounded by what is live. */
  sweep(): void {
    const now = this.now();
    for (const [k, entry] of this.items) if (entry.expiresAt <= now) this.items.delete(k);
  }

  getScalar(key: Uint8Array): ScalarEntry | undefined {
    return this.typed(key, 'scalar');
  }

  getList(key: Uint8Array): ListEntry | undefined {
    return this.typed(key, 'list');
  }

  getDictionary(key: Uint8Array): DictionaryEntry | undefined {
    return this.typed(key, 'dictionary');
  }

  private typed<K extends Entry['kind']>(key: Uint8Array, kind: K): Extract<Entry, { kind: K }> | undefined {
    const entry = this.get(key);
    if (entry === undefined) return undefined;
    if (entry.kind !== kind) throw failedPrecondition(`the item is a ${entry.kind}, not a ${kind}`);
    return entry as Extract<Entry, { kind: K }>;
  }
}

/** Every cache of the local server. */
export class CacheStore {
  private readonly caches = new Map<string, CacheData>();

  constructor(private readonly now: () => number) {}

  /** @returns false when the cache already exists. */
  create(name: string): boolean {
    if (this.caches.has(name)) return false;
    this.caches.set(name, new CacheData(this.now));
    return true;
  }

  /** @returns false when there was no such cache. */
  delete(name: string): boolean {
    return this.caches.delete(name);
  }

  names(): string[] {
    return [...this.caches.keys()].sort();
  }

  /** @throws NOT_FOUND when the cache does not exist. */
  cache(name: string): CacheData {
    const cache = this.caches.get(name);
    if (!cache) throw cacheNotFound(name);
    return cache;
  }

  sweep(): void {
    for (const cache of this.caches.values()) cache.sweep();
  }
}
