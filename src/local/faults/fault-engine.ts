import { StatusError, type StatusCode } from '../status-error.js';
import { parseFaultStatus } from './fault-status.js';

/** Reads one request header (lowercase name). */
export type HeaderReader = (name: string) => string | undefined;

/** What the faults decide for one call: hold it, then fail it, or fail its stream after some messages. */
export interface CallFaults {
  delayMs: number;
  error?: StatusError;
  streamError?: { error: StatusError; afterMessages: number };
}

interface Rule {
  rpcs: Set<string>;
  remaining: number;
}
interface ErrorRule extends Rule {
  status: StatusCode;
  message: string;
}
interface DelayRule extends Rule {
  ms: number;
}

interface MetadataCounter {
  errors: number;
  delays: number;
}

const MAX_TRACKED_REQUEST_IDS = 10_000;

/** Whether a space-separated list of RPC names (`error-rpcs`...) names `rpc`. */
const lists = (names: string | undefined, rpc: string): boolean => names !== undefined && names.split(' ').includes(rpc);

/** A fault's count header; absent or unreadable means no limit, as momento-local reads it. */
const parseCount = (value: string | undefined): number => {
  if (value === undefined || value.trim() === '') return Number.POSITIVE_INFINITY;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : Number.POSITIVE_INFINITY;
};

/** Spends one use of the first rule for `rpc`, and drops the rule once it is used up. */
function take<R extends Rule>(rules: R[], rpc: string): R | undefined {
  const index = rules.findIndex((r) => r.rpcs.has(rpc));
  if (index < 0) return undefined;
  const rule = rules[index]!;
  if (--rule.remaining <= 0) rules.splice(index, 1);
  return rule;
}

/**
 * Decides the faults of each call, from rules set through the server object and from the
 * fault-injection metadata that Momento's SDK tests send to momento-local.
 */
export class FaultEngine {
  private readonly errorRules: ErrorRule[] = [];
  private readonly delayRules: DelayRule[] = [];
  // Counters of the metadata protocol, one pair per request-id, counted when a matching call arrives.
  private readonly counters = new Map<string, MetadataCounter>();

  addError(rpcs: string[], count: number, status: StatusCode, message: string): void {
    if (count > 0) this.errorRules.push({ rpcs: new Set(rpcs), remaining: count, status, message });
  }

  addDelay(rpcs: string[], count: number, ms: number): void {
    if (count > 0) this.delayRules.push({ rpcs: new Set(rpcs), remaining: count, ms });
  }

  clear(): void {
    this.errorRules.length = 0;
    this.delayRules.length = 0;
    this.counters.clear();
  }

  /** @param rpc the call's fault name; undefined for calls that cannot be faulted. */
  plan(rpc: string | undefined, header: HeaderReader): CallFaults {
    const faults: CallFaults = { delayMs: 0 };
    if (rpc === undefined) return faults;
    const delay = take(this.delayRules, rpc);
    if (delay) faults.delayMs += delay.ms;
    const error = take(this.errorRules, rpc);
    if (error) faults.error = new StatusError(error.status, error.message);
    this.applyMetadata(rpc, header, faults);
    return faults;
  }

  // Each fault of the protocol names the RPCs it hits, so a call that none names reads three headers and no more.
  private applyMetadata(rpc: string, header: HeaderReader, faults: CallFaults): void {
    if (lists(header('delay-rpcs'), rpc)) {
      const ms = Number.parseInt(header('delay-ms') ?? '', 10);
      if (ms > 0 && this.spend(header, 'delays', 'delay-count')) faults.delayMs += ms;
    }
    if (faults.error === undefined && lists(header('error-rpcs'), rpc)) {
      const status = parseFaultStatus(header('return-error'));
      if (status !== undefined && this.spend(header, 'errors', 'error-count')) faults.error = new StatusError(status, 'injected failure');
    }
    if (lists(header('stream-error-rpcs'), rpc)) {
      const status = parseFaultStatus(header('stream-error'));
      const limit = Number.parseInt(header('stream-error-message-limit') ?? '', 10);
      if (status !== undefined && limit >= 0) faults.streamError = { error: new StatusError(status, 'injected stream failure'), afterMessages: limit };
    }
  }

  /** Counts one more use of a fault for the call's request-id. @returns false once its count is spent. */
  private spend(header: HeaderReader, kind: keyof MetadataCounter, countHeader: string): boolean {
    const counter = this.counterFor(header('request-id') ?? '');
    if (counter[kind] >= parseCount(header(countHeader))) return false;
    counter[kind]++;
    return true;
  }

  private counterFor(requestId: string): MetadataCounter {
    let counter = this.counters.get(requestId);
    if (!counter) {
      if (this.counters.size >= MAX_TRACKED_REQUEST_IDS) {
        const oldest = this.counters.keys().next().value;
        if (oldest !== undefined) this.counters.delete(oldest);
      }
      counter = { errors: 0, delays: 0 };
      this.counters.set(requestId, counter);
    }
    return counter;
  }
}
