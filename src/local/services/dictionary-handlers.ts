import { cache } from '@gomomento/generated-types';
import type { CacheData } from '../store/cache-store.js';
import { entryBytes, fromKey, toKey } from '../store/entries.js';
import type { UnaryHandler } from '../transport/call.js';
import { checkElementSizes, checkItemSize, collectionExpiry, incremented, scsHandler, type ServiceDeps } from './service-deps.js';

const pb = cache.cache_client;
const SCS = '/cache_client.Scs/';

interface WriteRequest {
  dictionary_name: Uint8Array;
  ttl_milliseconds: number;
  refresh_ttl: boolean;
}

/** Sets fields in one step; every check runs before anything is stored. */
function write(deps: ServiceDeps, data: CacheData, r: WriteRequest, pairs: Array<[Uint8Array, Uint8Array]>): void {
  checkElementSizes(deps, pairs.map(([, value]) => value));
  const existing = data.getDictionary(r.dictionary_name);
  const fields = new Map(existing?.fields);
  for (const [field, value] of pairs) fields.set(toKey(field), Buffer.from(value));
  const expiresAt = collectionExpiry(deps, existing?.expiresAt, r.ttl_milliseconds, r.refresh_ttl);
  const entry = { kind: 'dictionary' as const, fields, expiresAt };
  checkItemSize(deps, entryBytes(Buffer.from(r.dictionary_name), entry));
  // A collection never exists empty, so setting no fields on a missing dictionary creates nothing.
  if (fields.size > 0) data.put(r.dictionary_name, entry);
}

/** Dictionary get, fetch, set, increment, delete and length. */
export function dictionaryHandlers(deps: ServiceDeps): Array<[string, UnaryHandler]> {
  const dictionaryKey = (r: { dictionary_name: Uint8Array }) => [r.dictionary_name];
  return [
    [
      `${SCS}DictionaryGet`,
      scsHandler(deps, 'read', dictionaryKey, (r: InstanceType<typeof pb._DictionaryGetRequest>, data) => {
        const dictionary = data.getDictionary(r.dictionary_name);
        if (!dictionary) return new pb._DictionaryGetResponse({ missing: new pb._DictionaryGetResponse._Missing() });
        const items = r.fields.map((field) => {
          const value = dictionary.fields.get(toKey(field));
          return value === undefined
            ? new pb._DictionaryGetResponse._DictionaryGetResponsePart({ result: pb.ECacheResult.Miss })
            : new pb._DictionaryGetResponse._DictionaryGetResponsePart({ result: pb.ECacheResult.Hit, cache_body: value });
        });
        return new pb._DictionaryGetResponse({ found: new pb._DictionaryGetResponse._Found({ items }) });
      }),
    ],
    [
      `${SCS}DictionaryFetch`,
      scsHandler(deps, 'read', dictionaryKey, (r: InstanceType<typeof pb._DictionaryFetchRequest>, data) => {
        const dictionary = data.getDictionary(r.dictionary_name);
        if (!dictionary) return new pb._DictionaryFetchResponse({ missing: new pb._DictionaryFetchResponse._Missing() });
        const items = [...dictionary.fields].map(([field, value]) => new pb._DictionaryFieldValuePair({ field: fromKey(field), value }));
        return new pb._DictionaryFetchResponse({ found: new pb._DictionaryFetchResponse._Found({ items }) });
      }),
    ],
    [
      `${SCS}DictionarySet`,
      scsHandler(deps, 'write', dictionaryKey, (r: InstanceType<typeof pb._DictionarySetRequest>, data) => {
        write(deps, data, r, r.items.map((item) => [item.field, item.value]));
        return new pb._DictionarySetResponse();
      }),
    ],
    [
      `${SCS}DictionaryIncrement`,
      scsHandler(deps, 'write', dictionaryKey, (r: InstanceType<typeof pb._DictionaryIncrementRequest>, data) => {
        const value = incremented(data.getDictionary(r.dictionary_name)?.fields.get(toKey(r.field)), r.amount, 'field');
        write(deps, data, r, [[r.field, Buffer.from(String(value))]]);
        return new pb._DictionaryIncrementResponse({ value });
      }),
    ],
    [
      `${SCS}DictionaryDelete`,
      scsHandler(deps, 'write', dictionaryKey, (r: InstanceType<typeof pb._DictionaryDeleteRequest>, data) => {
        const dictionary = data.getDictionary(r.dictionary_name);
        if (!dictionary) return new pb._DictionaryDeleteResponse();
        if (r.delete === 'all') data.delete(r.dictionary_name);
        else {
          for (const field of r.some?.fields ?? []) dictionary.fields.delete(toKey(field));
          // Momento deletes a collection that becomes empty.
          if (dictionary.fields.size === 0) data.delete(r.dictionary_name);
        }
        return new pb._DictionaryDeleteResponse();
      }),
    ],
    [
      `${SCS}DictionaryLength`,
      scsHandler(deps, 'read', dictionaryKey, (r: InstanceType<typeof pb._DictionaryLengthRequest>, data) => {
        const dictionary = data.getDictionary(r.dictionary_name);
        return dictionary
          ? new pb._DictionaryLengthResponse({ found: new pb._DictionaryLengthResponse._Found({ length: dictionary.fields.size }) })
          : new pb._DictionaryLengthResponse({ missing: new pb._DictionaryLengthResponse._Missing() });
      }),
    ],
  ];
}
