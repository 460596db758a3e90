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

const MAX_TRACKED_REQUEST_IDS = 10_000;

const splitNames = (value: string | undefined): Set<string> => new Set((value ?? '').split(' ').filter(Boolean));
const parseCount = (value: string | undefined): number => {
  if (value === undefined || value.trim() === '') return Number.POSITIVE_INFINITY;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : Number.POSITIVE_INFINITY;
};

/**
 * Decides the faults of each call, from rules set through the server object and from the
 * fault-injection metadata that Momento's SDK tests send to momento-local.
 */
export class FaultEngine {
  private errorRules: ErrorRule[] = [];
  private delayRules: DelayRule[] = [];
  // Counters of the metadata protocol, one pair per request-id, counted when a matching call arrives.
  private readonly counters = new Map<string, { errors: number; delays: number }>();

  addError(rpcs: string[], count: number, status: StatusCode, message: string): void {
    this.errorRules.push({ rpcs: new Set(rpcs), remaining: count, status, message });
  }

  addDelay(rpcs: string[], count: number, ms: number): void {
    this.delayRules.push({ rpcs: new Set(rpcs), remaining: count, ms });
  }

  clear(): void {
    this.errorRules = [];
    this.delayRules = [];
    this.counters.clear();
  }

  plan(rpc: string | undefined, header: HeaderReader): CallFaults {
    const faults: CallFaults = { delayMs: 0 };
    if (rpc === undefined) return faults;
    this.applyRules(rpc, faults);
    this.applyMetadata(rpc, header, faults);
    return faults;
  }

  private applyRules(rpc: string, faults: CallFaults): void {
    const delay = this.take(this.delayRules, rpc);
    if (delay) faults.delayMs += delay.ms;
    const error = this.take(this.errorRules, rpc);
    if (error) faults.error = new StatusError(error.status, error.message);
    this.errorRules = this.errorRules.filter((r) => r.remaining > 0);
    this.delayRules = this.delayRules.filter((r) => r.remaining > 0);
  }

  private take<R extends Rule>(rules: R[], rpc: string): R | undefined {
    const rule = rules.find((r) => r.remaining > 0 && r.rpcs.has(rpc));
    if (rule) rule.remaining--;
    return rule;
  }

  private applyMetadata(rpc: string, header: HeaderReader, faults: CallFaults): void {
    const counter = this.counterFor(header('request-id') ?? '');

    const delayMs = Number.parseInt(header('delay-ms') ?? '', 10);
    if (splitNames(header('delay-rpcs')).has(rpc) && Number.isFinite(delayMs) && delayMs > 0) {
      if (counter.delays < parseCount(header('delay-count'))) {
        counter.delays++;
        faults.delayMs += delayMs;
      }
    }

    const status = parseFaultStatus(header('return-error'));
    if (faults.error === undefined && status !== undefined && splitNames(header('error-rpcs')).has(rpc)) {
      if (counter.errors < parseCount(header('error-count'))) {
        counter.errors++;
        faults.error = new StatusError(status, 'injected failure');
      }
    }

    const streamStatus = parseFaultStatus(header('stream-error'));
    const limit = Number.parseInt(header('stream-error-message-limit') ?? '', 10);
    if (streamStatus !== undefined && splitNames(header('stream-error-rpcs')).has(rpc) && Number.isFinite(limit) && limit >= 0) {
      faults.streamError = { error: new StatusError(streamStatus, 'injected stream failure'), afterMessages: limit };
    }
  }

  private counterFor(requestId: string): { errors: number; delays: number } {
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
