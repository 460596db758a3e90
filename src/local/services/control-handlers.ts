import { control } from '@gomomento/generated-types';
import { requireAdmin } from '../auth/authorizer.js';
import { Status, StatusError, cacheNotFound, invalidArgument } from '../status-error.js';
import type { CallContext, UnaryHandler } from '../transport/call.js';
import type { ServiceDeps } from './service-deps.js';

const pb = control.control_client;
const CONTROL = '/control_client.ScsControl/';

/** Create, delete, list and flush caches. Only API keys may call them, as on Momento. */
export function controlHandlers(deps: ServiceDeps): Array<[string, UnaryHandler]> {
  const admin = (ctx: CallContext, operation: string): void =>
    requireAdmin(deps.keys.authenticate(ctx.header('authorization')), operation);
  return [
    [
      `${CONTROL}CreateCache`,
      (r: InstanceType<typeof pb._CreateCacheRequest>, ctx) => {
        admin(ctx, 'create caches');
        if (!r.cache_name) throw invalidArgument('the cache name is empty');
        if (!deps.store.create(r.cache_name)) throw new StatusError(Status.ALREADY_EXISTS, `cache already exists: ${r.cache_name}`);
        return new pb._CreateCacheResponse();
      },
    ],
    [
      `${CONTROL}DeleteCache`,
      (r: InstanceType<typeof pb._DeleteCacheRequest>, ctx) => {
        admin(ctx, 'delete caches');
        if (!deps.store.delete(r.cache_name)) throw cacheNotFound(r.cache_name);
        deps.topics.endWhere((s) => s.cacheName === r.cache_name, cacheNotFound(r.cache_name));
        deps.topics.forgetCache(r.cache_name);
        deps.webhooks.forgetCache(r.cache_name);
        return new pb._DeleteCacheResponse();
      },
    ],
    [
      `${CONTROL}ListCaches`,
      (_r: InstanceType<typeof pb._ListCachesRequest>, ctx) => {
        admin(ctx, 'list caches');
        const cache = deps.store.names().map(
          (cache_name) =>
            new pb._Cache({
              cache_name,
              cache_limits: new pb._CacheLimits({
                max_ttl_seconds: Math.floor(deps.limits.maxTtlMs / 1000),
                max_item_size_kb: Math.ceil(deps.limits.itemBytes / 1024),
              }),
              topic_limits: new pb._TopicLimits({
                max_publish_message_size_kb: Math.floor(deps.limits.topicMessageBytes / 1024),
                max_subscription_count: Number.isFinite(deps.limits.maxSubscriptions) ? deps.limits.maxSubscriptions : 0,
              }),
            }),
        );
        return new pb._ListCachesResponse({ cache });
      },
    ],
    [
      `${CONTROL}FlushCache`,
      (r: InstanceType<typeof pb._FlushCacheRequest>, ctx) => {
        admin(ctx, 'flush caches');
        deps.store.cache(r.cache_name).clear();
        return new pb._FlushCacheResponse();
      },
    ],
  ];
}
