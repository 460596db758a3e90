import { cache } from '@gomomento/generated-types';
import type { CacheData } from '../store/cache-store.js';
import { entryBytes } from '../store/entries.js';
import { invalidArgument } from '../status-error.js';
import type { UnaryHandler } from '../transport/call.js';
import { checkElementSizes, checkItemSize, collectionExpiry, scsHandler, type ServiceDeps } from './service-deps.js';

const pb = cache.cache_client;
const SCS = '/cache_client.Scs/';

interface RangeRequest {
  start_index: 'none' | 'unbounded_start' | 'inclusive_start';
  inclusive_start: number;
  end_index: 'none' | 'unbounded_end' | 'exclusive_end';
  exclusive_end: number;
}

/** Python-style slice bounds: negative indices count from the end, and out-of-range ends are clamped. */
function sliceOf(length: number, r: RangeRequest): [number, number] {
  const clamp = (i: number): number => (i < 0 ? Math.max(length + i, 0) : Math.min(i, length));
  const start = r.start_index === 'inclusive_start' ? clamp(r.inclusive_start) : 0;
  const end = r.end_index === 'exclusive_end' ? clamp(r.exclusive_end) : length;
  return [start, Math.max(start, end)];
}

interface WriteRequest {
  list_name: Uint8Array;
  ttl_milliseconds: number;
  refresh_ttl: boolean;
}

/**
 * Appends to a list in one step: every check (element size, item size, TTL) runs before anything
 * is stored, so a rejected write leaves the list as it was.
 */
function write(deps: ServiceDeps, data: CacheData, r: WriteRequest, values: Uint8Array[], atFront: boolean, truncateTo: number): number {
  checkElementSizes(deps, values);
  const existing = data.getList(r.list_name);
  const added = values.map((v) => Buffer.from(v));
  let next = atFront ? [...added, ...(existing?.values ?? [])] : [...(existing?.values ?? []), ...added];
  if (truncateTo > 0 && next.length > truncateTo) next = atFront ? next.slice(0, truncateTo) : next.slice(next.length - truncateTo);
  const expiresAt = collectionExpiry(deps, existing?.expiresAt, r.ttl_milliseconds, r.refresh_ttl);
  const entry = { kind: 'list' as const, values: next, expiresAt };
  checkItemSize(deps, entryBytes(Buffer.from(r.list_name), entry));
  // A collection never exists empty (see keep), so appending no values to a missing list creates nothing.
  if (next.length > 0) data.put(r.list_name, entry);
  return next.length;
}

/** Stores what remains of a list; Momento deletes a collection that becomes empty. */
function keep(data: CacheData, name: Uint8Array, values: Buffer[], expiresAt: number): void {
  if (values.length === 0) data.delete(name);
  else data.put(name, { kind: 'list', values, expiresAt });
}

/** Every list call: fetch, length, push and concatenate at either end, pop, remove, erase, retain. */
export function listHandlers(deps: ServiceDeps): Array<[string, UnaryHandler]> {
  const listKey = (r: { list_name: Uint8Array }) => [r.list_name];
  return [
    [
      `${SCS}ListFetch`,
      scsHandler(deps, 'read', listKey, (r: InstanceType<typeof pb._ListFetchRequest>, data) => {
        const list = data.getList(r.list_name);
        if (!list) return new pb._ListFetchResponse({ missing: new pb._ListFetchResponse._Missing() });
        const [start, end] = sliceOf(list.values.length, r);
        return new pb._ListFetchResponse({ found: new pb._ListFetchResponse._Found({ values: list.values.slice(start, end) }) });
      }),
    ],
    [
      `${SCS}ListLength`,
      scsHandler(deps, 'read', listKey, (r: InstanceType<typeof pb._ListLengthRequest>, data) => {
        const list = data.getList(r.list_name);
        return list
          ? new pb._ListLengthResponse({ found: new pb._ListLengthResponse._Found({ length: list.values.length }) })
          : new pb._ListLengthResponse({ missing: new pb._ListLengthResponse._Missing() });
      }),
    ],
    [
      `${SCS}ListPushBack`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListPushBackRequest>, data) => {
        const list_length = write(deps, data, r, [r.value], false, r.truncate_front_to_size);
        return new pb._ListPushBackResponse({ list_length });
      }),
    ],
    [
      `${SCS}ListPushFront`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListPushFrontRequest>, data) => {
        const list_length = write(deps, data, r, [r.value], true, r.truncate_back_to_size);
        return new pb._ListPushFrontResponse({ list_length });
      }),
    ],
    [
      `${SCS}ListConcatenateBack`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListConcatenateBackRequest>, data) => {
        const list_length = write(deps, data, r, r.values, false, r.truncate_front_to_size);
        return new pb._ListConcatenateBackResponse({ list_length });
      }),
    ],
    [
      `${SCS}ListConcatenateFront`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListConcatenateFrontRequest>, data) => {
        const list_length = write(deps, data, r, r.values, true, r.truncate_back_to_size);
        return new pb._ListConcatenateFrontResponse({ list_length });
      }),
    ],
    [
      `${SCS}ListPopFront`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListPopFrontRequest>, data) => {
        const list = data.getList(r.list_name);
        if (!list) return new pb._ListPopFrontResponse({ missing: new pb._ListPopFrontResponse._Missing() });
        const [front, ...rest] = list.values;
        keep(data, r.list_name, rest, list.expiresAt);
        return new pb._ListPopFrontResponse({ found: new pb._ListPopFrontResponse._Found({ front, list_length: rest.length }) });
      }),
    ],
    [
      `${SCS}ListPopBack`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListPopBackRequest>, data) => {
        const list = data.getList(r.list_name);
        if (!list) return new pb._ListPopBackResponse({ missing: new pb._ListPopBackResponse._Missing() });
        const rest = list.values.slice(0, -1);
        const back = list.values[list.values.length - 1];
        keep(data, r.list_name, rest, list.expiresAt);
        return new pb._ListPopBackResponse({ found: new pb._ListPopBackResponse._Found({ back, list_length: rest.length }) });
      }),
    ],
    [
      `${SCS}ListRemove`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListRemoveRequest>, data) => {
        if (r.remove !== 'all_elements_with_value') throw invalidArgument('a list removal needs a value');
        const list = data.getList(r.list_name);
        if (!list) return new pb._ListRemoveResponse({ missing: new pb._ListRemoveResponse._Missing() });
        const rest = list.values.filter((v) => !v.equals(r.all_elements_with_value));
        keep(data, r.list_name, rest, list.expiresAt);
        return new pb._ListRemoveResponse({ found: new pb._ListRemoveResponse._Found({ list_length: rest.length }) });
      }),
    ],
    [
      `${SCS}ListErase`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListEraseRequest>, data) => {
        const list = data.getList(r.list_name);
        if (!list) return new pb._ListEraseResponse({ missing: new pb._ListEraseResponse._Missing() });
        const erased = new Set<number>();
        for (const range of r.some?.ranges ?? []) for (let i = 0; i < range.count; i++) erased.add(range.begin_index + i);
        const rest = r.erase === 'all' ? [] : list.values.filter((_, i) => !erased.has(i));
        keep(data, r.list_name, rest, list.expiresAt);
        return new pb._ListEraseResponse({ found: new pb._ListEraseResponse._Found({ list_length: rest.length }) });
      }),
    ],
    [
      `${SCS}ListRetain`,
      scsHandler(deps, 'write', listKey, (r: InstanceType<typeof pb._ListRetainRequest>, data) => {
        const list = data.getList(r.list_name);
        if (!list) return new pb._ListRetainResponse({ missing: new pb._ListRetainResponse._Missing() });
        const [start, end] = sliceOf(list.values.length, r);
        const expiresAt = collectionExpiry(deps, list.expiresAt, r.ttl_milliseconds, r.refresh_ttl && r.ttl_milliseconds > 0);
        const rest = list.values.slice(start, end);
        keep(data, r.list_name, rest, expiresAt);
        return new pb._ListRetainResponse({ found: new pb._ListRetainResponse._Found({ list_length: rest.length }) });
      }),
    ],
  ];
}
