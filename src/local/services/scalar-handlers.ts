import { createHash } from 'node:crypto';
import { cache } from '@gomomento/generated-types';
import type { CacheData } from '../store/cache-store.js';
import { invalidArgument } from '../status-error.js';
import type { UnaryHandler } from '../transport/call.js';
import { checkItemSize, expiryOf, incremented, scsHandler, type ServiceDeps } from './service-deps.js';

const pb = cache.cache_client;
const SCS = '/cache_client.Scs/';
const hashOf = (value: Buffer): Uint8Array => createHash('sha256').update(value).digest();

function putScalar(deps: ServiceDeps, data: CacheData, key: Uint8Array, body: Uint8Array, ttlMs: number): void {
  const value = Buffer.from(body);
  checkItemSize(deps, key.length + value.length);
  data.put(key, { kind: 'scalar', value, expiresAt: expiryOf(deps, ttlMs) });
}

function conditionOf(request: InstanceType<typeof pb._SetIfRequest>): (current?: Buffer) => boolean {
  switch (request.condition) {
    case 'present':
      return (current?: Buffer) => current !== undefined;
    case 'absent':
      return (current?: Buffer) => current === undefined;
    case 'equal':
      return (current?: Buffer) => current !== undefined && current.equals(request.equal.value_to_check);
    case 'not_equal':
      return (current?: Buffer) => current === undefined || !current.equals(request.not_equal.value_to_check);
    case 'present_and_not_equal':
      return (current?: Buffer) => current !== undefined && !current.equals(request.present_and_not_equal.value_to_check);
    case 'absent_or_equal':
      return (current?: Buffer) => current === undefined || current.equals(request.absent_or_equal.value_to_check);
    default:
      throw invalidArgument('a conditional set needs a condition');
  }
}

function hashConditionOf(request: InstanceType<typeof pb._SetIfHashRequest>): (current?: Buffer) => boolean {
  const same = (current: Buffer | undefined, hash: Uint8Array): boolean => current !== undefined && Buffer.from(hashOf(current)).equals(hash);
  switch (request.condition) {
    case 'present_and_hash_equal':
      return (c) => same(c, request.present_and_hash_equal.hash_to_check);
    case 'present_and_not_hash_equal':
      return (c) => c !== undefined && !same(c, request.present_and_not_hash_equal.hash_to_check);
    case 'absent_or_hash_equal':
      return (c) => c === undefined || same(c, request.absent_or_hash_equal.hash_to_check);
    case 'absent_or_not_hash_equal':
      return (c) => c === undefined || !same(c, request.absent_or_not_hash_equal.hash_to_check);
    case 'unconditional':
      return () => true;
    default:
      throw invalidArgument('a conditional set needs a condition');
  }
}

// Conditions compare against the stored scalar; a collection under the key counts as a type mismatch.
const currentScalar = (data: CacheData, key: Uint8Array): Buffer | undefined => data.getScalar(key)?.value;

/** Get, set, delete, the conditional sets, increment and the TTL calls. */
export function scalarHandlers(deps: ServiceDeps): Array<[string, UnaryHandler]> {
  const oneKey = (r: { cache_key: Uint8Array }) => [r.cache_key];
  return [
    [
      `${SCS}Get`,
      scsHandler(deps, 'read', oneKey, (r: InstanceType<typeof pb._GetRequest>, data) => {
        const value = currentScalar(data, r.cache_key);
        return value === undefined
          ? new pb._GetResponse({ result: cache.cache_client.ECacheResult.Miss })
          : new pb._GetResponse({ result: cache.cache_client.ECacheResult.Hit, cache_body: value });
      }),
    ],
    [
      `${SCS}GetWithHash`,
      scsHandler(deps, 'read', oneKey, (r: InstanceType<typeof pb._GetWithHashRequest>, data) => {
        const value = currentScalar(data, r.cache_key);
        return value === undefined
          ? new pb._GetWithHashResponse({ missing: new pb._GetWithHashResponse._Missing() })
          : new pb._GetWithHashResponse({ found: new pb._GetWithHashResponse._Found({ value, hash: hashOf(value) }) });
      }),
    ],
    [
      `${SCS}Set`,
      scsHandler(deps, 'write', oneKey, (r: InstanceType<typeof pb._SetRequest>, data) => {
        putScalar(deps, data, r.cache_key, r.cache_body, r.ttl_milliseconds);
        return new pb._SetResponse({ result: cache.cache_client.ECacheResult.Ok });
      }),
    ],
    [
      `${SCS}SetIf`,
      scsHandler(deps, 'write', oneKey, (r: InstanceType<typeof pb._SetIfRequest>, data) => {
        const allowed = conditionOf(r);
        if (!allowed(currentScalar(data, r.cache_key))) return new pb._SetIfResponse({ not_stored: new pb._SetIfResponse._NotStored() });
        putScalar(deps, data, r.cache_key, r.cache_body, r.ttl_milliseconds);
        return new pb._SetIfResponse({ stored: new pb._SetIfResponse._Stored() });
      }),
    ],
    [
      `${SCS}SetIfNotExists`,
      scsHandler(deps, 'write', oneKey, (r: InstanceType<typeof pb._SetIfNotExistsRequest>, data) => {
        if (data.get(r.cache_key) !== undefined) return new pb._SetIfNotExistsResponse({ not_stored: new pb._SetIfNotExistsResponse._NotStored() });
        putScalar(deps, data, r.cache_key, r.cache_body, r.ttl_milliseconds);
        return new pb._SetIfNotExistsResponse({ stored: new pb._SetIfNotExistsResponse._Stored() });
      }),
    ],
    [
      `${SCS}SetIfHash`,
      scsHandler(deps, 'write', oneKey, (r: InstanceType<typeof pb._SetIfHashRequest>, data) => {
        if (!hashConditionOf(r)(currentScalar(data, r.cache_key))) {
          return new pb._SetIfHashResponse({ not_stored: new pb._SetIfHashResponse._NotStored() });
        }
        putScalar(deps, data, r.cache_key, r.cache_body, r.ttl_milliseconds);
        return new pb._SetIfHashResponse({ stored: new pb._SetIfHashResponse._Stored({ new_hash: hashOf(Buffer.from(r.cache_body)) }) });
      }),
    ],
    [
      `${SCS}Delete`,
      scsHandler(deps, 'write', oneKey, (r: InstanceType<typeof pb._DeleteRequest>, data) => {
        data.delete(r.cache_key);
        return new pb._DeleteResponse();
      }),
    ],
    [
      `${SCS}KeysExist`,
      scsHandler(
        deps,
        'read',
        (r: InstanceType<typeof pb._KeysExistRequest>) => r.cache_keys,
        (r: InstanceType<typeof pb._KeysExistRequest>, data) =>
          new pb._KeysExistResponse({ exists: r.cache_keys.map((key) => data.get(key) !== undefined) }),
      ),
    ],
    [
      `${SCS}Increment`,
      scsHandler(deps, 'write', oneKey, (r: InstanceType<typeof pb._IncrementRequest>, data) => {
        const value = incremented(currentScalar(data, r.cache_key), r.amount, 'value');
        putScalar(deps, data, r.cache_key, Buffer.from(String(value)), r.ttl_milliseconds);
        return new pb._IncrementResponse({ value });
      }),
    ],
    [
      `${SCS}UpdateTtl`,
      scsHandler(deps, 'write', oneKey, (r: InstanceType<typeof pb._UpdateTtlRequest>, data) => {
        const entry = data.get(r.cache_key);
        if (!entry) return new pb._UpdateTtlResponse({ missing: new pb._UpdateTtlResponse._Missing() });
        if (r.update_ttl === 'none') throw invalidArgument('an update of the ttl needs a new ttl');
        // Checked even when the update would not apply, so an out-of-range ttl is always refused.
        const expiresAt = expiryOf(deps, r[r.update_ttl]);
        const apply =
          r.update_ttl === 'overwrite_to_milliseconds' ||
          (r.update_ttl === 'increase_to_milliseconds' && expiresAt > entry.expiresAt) ||
          (r.update_ttl === 'decrease_to_milliseconds' && expiresAt < entry.expiresAt);
        if (!apply) return new pb._UpdateTtlResponse({ not_set: new pb._UpdateTtlResponse._NotSet() });
        entry.expiresAt = expiresAt;
        return new pb._UpdateTtlResponse({ set: new pb._UpdateTtlResponse._Set() });
      }),
    ],
    [
      `${SCS}ItemGetTtl`,
      scsHandler(deps, 'read', oneKey, (r: InstanceType<typeof pb._ItemGetTtlRequest>, data) => {
        const entry = data.get(r.cache_key);
        return entry
          ? new pb._ItemGetTtlResponse({ found: new pb._ItemGetTtlResponse._Found({ remaining_ttl_millis: entry.expiresAt - deps.now() }) })
          : new pb._ItemGetTtlResponse({ missing: new pb._ItemGetTtlResponse._Missing() });
      }),
    ],
    [
      `${SCS}ItemGetType`,
      scsHandler(deps, 'read', oneKey, (r: InstanceType<typeof pb._ItemGetTypeRequest>, data) => {
        const entry = data.get(r.cache_key);
        if (!entry) return new pb._ItemGetTypeResponse({ missing: new pb._ItemGetTypeResponse._Missing() });
        const ItemType = pb._ItemGetTypeResponse.ItemType;
        const item_type = entry.kind === 'list' ? ItemType.LIST : entry.kind === 'dictionary' ? ItemType.DICTIONARY : ItemType.SCALAR;
        return new pb._ItemGetTypeResponse({ found: new pb._ItemGetTypeResponse._Found({ item_type }) });
      }),
    ],
  ];
}

