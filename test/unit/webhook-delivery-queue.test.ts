import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../src/local/webhooks/delivery-queue.js';

/** A send that records each job and completes only when the test says, so order and overlap are visible. */
class FakeSend {
  readonly started: string[] = [];
  readonly signals: AbortSignal[] = [];
  private readonly pending: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  active = 0;
  maxActive = 0;

  readonly send = (job: string, signal: AbortSignal): Promise<void> => {
    this.started.push(job);
    this.signals.push(signal);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    return new Promise<void>((resolve, reject) => this.pending.push({ resolve, reject })).finally(() => this.active--);
  };

  /** Completes the oldest send in flight, then lets the queue move on. */
  async finish(outcome: 'ok' | 'reject' = 'ok'): Promise<void> {
    const next = this.pending.shift();
    if (!next) throw new Error('no send in flight');
    if (outcome === 'ok') next.resolve();
    else next.reject(new Error('send failed'));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('DeliveryQueue', () => {
  it('sends one job at a time, in push order', async () => {
    const fake = new FakeSend();
    const queue = new DeliveryQueue(fake.send, 10, () => undefined);
    for (const job of ['a', 'b', 'c']) queue.push(job);
    expect(fake.started).toEqual(['a']);
    expect(queue.size).toBe(2);
    await fake.finish();
    await fake.finish();
    await fake.finish();
    expect(fake.started).toEqual(['a', 'b', 'c']);
    expect(fake.maxActive).toBe(1);
    expect(queue.size).toBe(0);
  });

  it('goes on after a send that rejects', async () => {
    const fake = new FakeSend();
    const queue = new DeliveryQueue(fake.send, 10, () => undefined);
    queue.push('a');
    queue.push('b');
    await fake.finish('reject');
    expect(fake.started).toEqual(['a', 'b']);
  });

  it('drops and counts pushes beyond the limit of waiting jobs, and takes them again once there is room', async () => {
    const fake = new FakeSend();
    let dropped = 0;
    const queue = new DeliveryQueue(fake.send, 2, () => dropped++);
    for (const job of ['sending', 'w1', 'w2', 'x1', 'x2']) queue.push(job);
    expect([queue.size, dropped]).toEqual([2, 2]);
    await fake.finish();
    queue.push('w3');
    for (let i = 0; i < 3; i++) await fake.finish();
    expect(fake.started).toEqual(['sending', 'w1', 'w2', 'w3']);
    expect(dropped).toBe(2);
  });

  it('close aborts the send in flight, forgets the waiting jobs and ignores later pushes', async () => {
    const fake = new FakeSend();
    const queue = new DeliveryQueue(fake.send, 10, () => undefined);
    queue.push('a');
    queue.push('b');
    queue.close();
    expect(fake.signals[0]!.aborted).toBe(true);
    expect(queue.size).toBe(0);
    queue.push('c');
    await fake.finish();
    expect(fake.started).toEqual(['a']);
  });
});
