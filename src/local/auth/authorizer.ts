import { permission_messages } from '@gomomento/generated-types/dist/permissionmessages.js';
import { permissionDenied } from '../status-error.js';
import type { Principal } from './key-ring.js';

const { CacheRole, TopicRole } = permission_messages;
type CachePermissions = permission_messages.PermissionsType.CachePermissions;
type TopicPermissions = permission_messages.PermissionsType.TopicPermissions;

/**
 * What a cache call does to its items. Momento documents readonly as the non-destructive reads and
 * writeonly as every change; a call that reads and changes (pop, increment, conditional set) is a write.
 */
export type CacheAccess = 'read' | 'write';

/** What a topic call does. */
export type TopicAccess = 'publish' | 'subscribe';

function cacheSelected(selector: 'none' | 'all_caches' | 'cache_selector', named: string, cacheName: string): boolean {
  return selector === 'all_caches' || (selector === 'cache_selector' && named === cacheName);
}

function cacheRoleAllows(role: permission_messages.CacheRole, access: CacheAccess): boolean {
  if (role === CacheRole.CacheReadWrite) return true;
  if (role === CacheRole.CacheReadOnly) return access === 'read';
  if (role === CacheRole.CacheWriteOnly) return access === 'write';
  return false;
}

function topicRoleAllows(role: permission_messages.TopicRole, access: TopicAccess): boolean {
  if (role === TopicRole.TopicReadWrite) return true;
  if (role === TopicRole.TopicReadOnly) return access === 'subscribe';
  if (role === TopicRole.TopicWriteOnly) return access === 'publish';
  return false;
}

function keySelected(p: CachePermissions, key: Buffer): boolean {
  if (p.cache_item !== 'item_selector') return true; // all_items, or no item selector at all
  const selector = p.item_selector;
  if (selector.kind === 'key') return key.equals(Buffer.from(selector.key));
  if (selector.kind === 'key_prefix') {
    const prefix = Buffer.from(selector.key_prefix);
    return key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix);
  }
  return false;
}

function topicSelected(p: TopicPermissions, topic: string): boolean {
  if (p.topic === 'all_topics') return true;
  if (p.topic !== 'topic_selector') return false;
  const selector = p.topic_selector;
  if (selector.kind === 'topic_name') return selector.topic_name === topic;
  if (selector.kind === 'topic_name_prefix') return topic.startsWith(selector.topic_name_prefix);
  return false;
}

/**
 * Checks a cache call. Every key the call touches must be covered by one permission (not necessarily the same one).
 * @throws PERMISSION_DENIED
 */
export function authorizeCache(principal: Principal, cacheName: string, access: CacheAccess, keys: Uint8Array[]): void {
  if (principal.kind === 'admin') return;
  const candidates = principal.permissions
    .filter((p) => p.kind === 'cache_permissions')
    .map((p) => p.cache_permissions)
    .filter((p) => cacheSelected(p.cache, p.cache_selector?.cache_name ?? '', cacheName) && cacheRoleAllows(p.role, access));
  const allowed = keys.every((key) => candidates.some((p) => keySelected(p, Buffer.from(key))));
  if (candidates.length === 0 || !allowed) {
    throw permissionDenied(`insufficient permissions to ${access} ${keys.length === 1 ? 'this item' : 'these items'} in cache ${cacheName}`);
  }
}

/**
 * Checks a topic call.
 * @throws PERMISSION_DENIED
 */
export function authorizeTopic(principal: Principal, cacheName: string, topic: string, access: TopicAccess): void {
  if (principal.kind === 'admin') return;
  const allowed = principal.permissions.some((p) => {
    if (p.kind !== 'topic_permissions') return false;
    const t = p.topic_permissions;
    return cacheSelected(t.cache, t.cache_selector?.cache_name ?? '', cacheName) && topicRoleAllows(t.role, access) && topicSelected(t, topic);
  });
  if (!allowed) throw permissionDenied(`insufficient permissions to ${access} to topic ${topic} in cache ${cacheName}`);
}

/**
 * Control-plane calls and token generation need an API key; disposable tokens reach the data plane only.
 * @throws PERMISSION_DENIED
 */
export function requireAdmin(principal: Principal, operation: string): void {
  if (principal.kind !== 'admin') throw permissionDenied(`disposable tokens cannot ${operation}`);
}
