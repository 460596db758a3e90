import type { KeyRing } from '../auth/key-ring.js';
import { authorizeCache, type CacheAccess } from '../auth/authorizer.js';
import type { LocalMomentoLimits } from '../options.js';
import type { CacheData, CacheStore } from '../store/cache-store.js';
import type { TopicHub } from '../topics/topic-hub.js';
import type { WebhookRegistry } from '../webhooks/webhook-registry.js';
import { elementTooLarge, failedPrecondition, invalidArgument, itemTooLarge } from '../status-error.js';
import type { CallContext, UnaryHandler } from '../transport/call.js';

/** What the service handlers share. */
export interface ServiceDeps {
  store: CacheStore;
  keys: KeyRing;
  topics: TopicHub;
  webhooks: WebhookRegistry;
  limits: LocalMomentoLimits;
  now: () => number;
  /** The `host:port` put into the tokens the server vends. */
  endpoint(): string;
}

/**
 * Builds a cache data-plane handler: authenticates, takes the cache name from the `cache` header
 * (where Momento's SDKs send it), checks the permission on every key, then runs.
 */
export function scsHandler<Req>(
  deps: ServiceDeps,
  access: CacheAccess,
  keysOf: (request: Req) => Uint8Array[],
  run: (request: Req, cache: CacheData) => unknown,
): UnaryHandler {
  return (request: Req, ctx: CallContext) => {
    const principal = deps.keys.authenticate(ctx.header('authorization'));
    const cacheName = ctx.header('cache');
    if (!cacheName) throw invalidArgument('the cache header is missing');
    authorizeCache(principal, cacheName, access, keysOf(request));
    return run(request, deps.store.cache(cacheName));
  };
}

/** @returns the expiry time for a TTL, after checking it is positive and within the limit. */
export function expiryOf(deps: ServiceDeps, ttlMs: number): number {
  if (!(ttlMs > 0)) throw invalidArgument('ttl must be positive');
  if (ttlMs > deps.limits.maxTtlMs) throw invalidArgument(`ttl exceeds the maximum of ${deps.limits.maxTtlMs} ms`);
  return deps.now() + ttlMs;
}

export function checkItemSize(deps: ServiceDeps, bytes: number): void {
  if (bytes > deps.limits.itemBytes) throw itemTooLarge(deps.limits.itemBytes);
}

export function checkElementSizes(deps: ServiceDeps, values: Uint8Array[]): void {
  for (const value of values) if (value.length > deps.limits.collectionElementBytes) throw elementTooLarge(deps.limits.collectionElementBytes);
}

/**
 * The expiry of a collection after a write: a new collection gets now + ttl; an existing one keeps its
 * expiry unless `refresh_ttl` asks to reset it.
 */
export function collectionExpiry(deps: ServiceDeps, existingExpiry: number | undefined, ttlMs: number, refresh: boolean): number {
  if (existingExpiry !== undefined && !refresh) return existingExpiry;
  return expiryOf(deps, ttlMs);
}

const INTEGER = /^-?\d+$/;

/**
 * What increment and dictionaryIncrement store: the stored integer (0 when missing) plus `amount`.
 * @param what `value` or `field`, for the error text.
 * @throws FAILED_PRECONDITION when the stored bytes are not an integer.
 */
export function incremented(current: Buffer | undefined, amount: number, what: string): number {
  const text = current?.toString('utf8') ?? '0';
  if (!INTEGER.test(text)) throw failedPrecondition(`the ${what} is not an integer, so it cannot be incremented`);
  return Number(BigInt(text) + BigInt(amount));
}
