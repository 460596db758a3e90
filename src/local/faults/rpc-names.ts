/**
 * The names momento-local gives each RPC in its fault-injection metadata (`error-rpcs`, `delay-rpcs`...).
 * The programmatic faults use the same names, so one vocabulary serves both.
 */
const SCS_NAMES: Record<string, RpcName> = {
  Get: 'get',
  GetWithHash: 'get-with-hash',
  Set: 'set',
  Delete: 'delete',
  Increment: 'increment',
  SetIf: 'set-if',
  SetIfNotExists: 'set-if',
  SetIfHash: 'set-if-hash',
  GetBatch: 'get-batch',
  SetBatch: 'set-batch',
  KeysExist: 'keys-exist',
  UpdateTtl: 'update-ttl',
  ItemGetTtl: 'item-get-ttl',
  ItemGetType: 'item-get-type',
  DictionaryGet: 'dictionary-get',
  DictionaryFetch: 'dictionary-fetch',
  DictionarySet: 'dictionary-set',
  DictionaryIncrement: 'dictionary-increment',
  DictionaryDelete: 'dictionary-delete',
  DictionaryLength: 'dictionary-length',
  ListPushFront: 'list-push-front',
  ListPushBack: 'list-push-back',
  ListPopFront: 'list-pop-front',
  ListPopBack: 'list-pop-back',
  ListRemove: 'list-remove',
  ListErase: 'list-remove',
  ListFetch: 'list-fetch',
  ListLength: 'list-length',
  ListConcatenateFront: 'list-concatenate-front',
  ListConcatenateBack: 'list-concatenate-back',
  ListRetain: 'list-retain',
};

/** An RPC name as momento-local spells it, e.g. `get`, `list-push-back`, `topic-subscribe`. */
export type RpcName =
  | 'get'
  | 'get-with-hash'
  | 'set'
  | 'delete'
  | 'increment'
  | 'set-if'
  | 'set-if-hash'
  | 'get-batch'
  | 'set-batch'
  | 'keys-exist'
  | 'update-ttl'
  | 'item-get-ttl'
  | 'item-get-type'
  | 'dictionary-get'
  | 'dictionary-fetch'
  | 'dictionary-set'
  | 'dictionary-increment'
  | 'dictionary-delete'
  | 'dictionary-length'
  | 'list-push-front'
  | 'list-push-back'
  | 'list-pop-front'
  | 'list-pop-back'
  | 'list-remove'
  | 'list-fetch'
  | 'list-length'
  | 'list-concatenate-front'
  | 'list-concatenate-back'
  | 'list-retain'
  | 'topic-publish'
  | 'topic-subscribe';

/** @returns the fault name of a gRPC path, or undefined for calls that cannot be faulted (control plane, tokens). */
export function rpcNameOf(path: string): RpcName | undefined {
  if (path === '/cache_client.pubsub.Pubsub/Publish') return 'topic-publish';
  if (path === '/cache_client.pubsub.Pubsub/Subscribe') return 'topic-subscribe';
  const prefix = '/cache_client.Scs/';
  return path.startsWith(prefix) ? SCS_NAMES[path.slice(prefix.length)] : undefined;
}
