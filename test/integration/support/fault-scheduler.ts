import type { FaultStatus, LocalMomentoFaults, RpcName } from '../../../src/local/index.js';
import type { SeededRandom } from './seeded-random.js';

/** The kinds of fault the scheduler injects through `momento.faults`. */
export type FaultKind = 'drop' | 'drop-ok' | 'disconnect' | 'fail' | 'delay' | 'expire';

const FAULT_KINDS: readonly FaultKind[] = ['drop', 'drop-ok', 'disconnect', 'fail', 'delay', 'expire'];

/** The calls a chat room and a moderator make on the data path, which `fail` and `delay` pick from. */
const CHAT_RPCS: readonly RpcName[] = ['list-push-back', 'list-fetch', 'topic-publish', 'topic-subscribe'];
/** Transient statuses: what a flaky network or an overloaded Momento answers. */
const TRANSIENT: readonly FaultStatus[] = ['unavailable', 'internal', 'deadline-exceeded'];

/** How often the scheduler strikes, and what with. */
export interface FaultPlan {
  /** The pause before each fault, drawn from [min, max] milliseconds. */
  gapMs: readonly [number, number];
  /** The weight of each kind; a kind left out, or weighing 0, is never injected. */
  weights: Partial<Record<FaultKind, number>>;
  /** The tokenIds `expire` picks from: the members', never a moderator's. */
  expirable: readonly string[];
  /** The longest `delay`, in milliseconds; keep it under the SDKs' 5 s deadline, so a delay is not a failure. */
  maxDelayMs: number;
}

/**
 * Injects faults into a local server at random times, until stopped. What it injects, with which
 * parameters and after which pause, comes from its own seeded source only, so one seed gives one
 * schedule; only where the schedule falls among the sends varies from run to run.
 */
export class FaultScheduler {
  /** How many faults of each kind were injected. */
  readonly counts: Record<FaultKind, number> = { drop: 0, 'drop-ok': 0, disconnect: 0, fail: 0, delay: 0, expire: 0 };
  /** One line per fault, with its time from `start()`, for the report of a failed run. */
  readonly log: string[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private startedAt = 0;

  constructor(
    private readonly faults: LocalMomentoFaults,
    private readonly random: SeededRandom,
    private readonly plan: FaultPlan,
  ) {}

  /** Every fault injected. */
  get total(): number {
    return Object.values(this.counts).reduce((sum, n) => sum + n, 0);
  }

  start(): void {
    if (this.running) return;
    this.startedAt = Date.now();
    this.running = this.loop();
  }

  /** Stops injecting and removes every fault still pending (a failure or delay not yet consumed). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.faults.clear();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.random.int(...this.plan.gapMs));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.stopped) return;
      this.injectOne();
    }
  }

  private injectOne(): void {
    const { random, faults, plan } = this;
    const kinds = FAULT_KINDS.filter((kind) => (plan.weights[kind] ?? 0) > 0 && (kind !== 'expire' || plan.expirable.length > 0));
    if (kinds.length === 0) return;
    const kind = random.weighted(kinds.map((k) => [k, plan.weights[k]!] as const));
    let detail: string;
    switch (kind) {
      case 'drop':
        detail = `ended ${faults.dropSubscriptions()} streams (unavailable)`;
        break;
      case 'drop-ok':
        detail = `ended ${faults.dropSubscriptions({ status: 'ok' })} streams (ok)`;
        break;
      case 'disconnect':
        detail = `closed ${faults.disconnectAll()} connections`;
        break;
      case 'fail': {
        const rpcs = this.someRpcs();
        const count = random.int(1, 3);
        const status = random.pick(TRANSIENT);
        faults.failNext(rpcs, { count, status });
        detail = `next ${count} of ${rpcs.join('+')} ${status}`;
        break;
      }
      case 'delay': {
        const rpcs = this.someRpcs();
        const count = random.int(1, 3);
        const ms = random.int(100, plan.maxDelayMs);
        faults.delay(rpcs, { ms, count });
        detail = `next ${count} of ${rpcs.join('+')} by ${ms} ms`;
        break;
      }
      case 'expire': {
        const tokenId = random.pick(plan.expirable);
        detail = `${tokenId}: ${faults.expireToken(tokenId)} tokens`;
        break;
      }
    }
    this.counts[kind]++;
    this.log.push(`+${Date.now() - this.startedAt}ms ${kind} ${detail}`);
  }

  /** One or two distinct RPCs of the chat's data path. */
  private someRpcs(): RpcName[] {
    const first = this.random.pick(CHAT_RPCS);
    if (this.random.chance(0.5)) return [first];
    const second = this.random.pick(CHAT_RPCS.filter((rpc) => rpc !== first));
    return [first, second];
  }
}
