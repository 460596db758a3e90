import type { KeyRing } from '../auth/key-ring.js';
import { StatusError, type StatusCode } from '../status-error.js';
import type { TopicHub } from '../topics/topic-hub.js';
import type { FaultEngine } from './fault-engine.js';
import { parseFaultStatus, type FaultStatus } from './fault-status.js';
import type { RpcName } from './rpc-names.js';

/** Faults a test injects into the local server, to prove that code recovers. */
export interface LocalMomentoFaults {
  /**
   * Fails the next `count` calls of the named RPCs with a status.
   * @param rpcs one RPC or several, named as momento-local names them (`get`, `list-push-back`, `topic-publish`...).
   * @param options `count` (default 1), `status` (default `unavailable`), `message`.
   */
  failNext(rpcs: RpcName | RpcName[], options?: { count?: number; status?: FaultStatus; message?: string }): void;
  /**
   * Holds the next `count` calls (default: every call) of the named RPCs for `ms` milliseconds before answering.
   * For `topic-subscribe`, nothing of the stream is sent until the delay has passed.
   */
  delay(rpcs: RpcName | RpcName[], options: { ms: number; count?: number }): void;
  /**
   * Ends every open subscription stream, as a dropped connection to Momento would.
   * @param options `status` to end with (default `unavailable`, which the SDKs resubscribe after); `'ok'` ends the streams cleanly.
   * @returns how many streams ended.
   */
  dropSubscriptions(options?: { status?: FaultStatus | 'ok' }): number;
  /**
   * Closes every client connection at the TCP level, without a status.
   * @returns how many connections closed.
   */
  disconnectAll(): number;
  /**
   * Expires disposable tokens now: later calls with them fail with UNAUTHENTICATED and their subscriptions end.
   * @param tokenIdOrApiKey the tokenId given when the token was vended (every token with that id), or the token's api key.
   * @returns how many tokens expired.
   */
  expireToken(tokenIdOrApiKey: string): number;
  /** Removes every pending fault. */
  clear(): void;
}

const asList = (rpcs: RpcName | RpcName[]): string[] => (Array.isArray(rpcs) ? rpcs : [rpcs]);

function statusOf(name: FaultStatus): StatusCode {
  const status = parseFaultStatus(name);
  if (status === undefined) throw new TypeError(`unknown fault status: ${name}`);
  return status;
}

/** The `faults` of a running server, over its fault engine, topics and keys. */
export function createLocalFaults(engine: FaultEngine, hub: TopicHub, keys: KeyRing, disconnect: () => number): LocalMomentoFaults {
  return {
    failNext(rpcs, options = {}) {
      engine.addError(asList(rpcs), options.count ?? 1, statusOf(options.status ?? 'unavailable'), options.message ?? 'injected failure');
    },
    delay(rpcs, options) {
      engine.addDelay(asList(rpcs), options.count ?? Number.POSITIVE_INFINITY, options.ms);
    },
    dropSubscriptions(options = {}) {
      const status = options.status ?? 'unavailable';
      const error = status === 'ok' ? undefined : new StatusError(statusOf(status), 'subscription dropped');
      return hub.endWhere(() => true, error);
    },
    disconnectAll: disconnect,
    expireToken: (tokenIdOrApiKey) => keys.expire(tokenIdOrApiKey),
    clear: () => engine.clear(),
  };
}
