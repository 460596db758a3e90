/**
 * Sends the jobs of one webhook one at a time, in the order they were pushed, so a receiver sees a topic's
 * messages in publish order. Publishing only pushes, and never waits for a send. The queue is bounded:
 * beyond `limit` waiting jobs a push is dropped and counted, so a slow or hanging receiver costs bounded memory.
 */
export class DeliveryQueue<T> {
  private readonly pending: T[] = [];
  private readonly controller = new AbortController();
  private sending = false;
  private closed = false;

  /**
   * @param send delivers one job; its signal aborts when the queue closes. A rejection counts as done.
   * @param limit how many jobs may wait behind the one being sent.
   * @param onDrop called for each job refused because the queue is full.
   */
  constructor(
    private readonly send: (job: T, signal: AbortSignal) => Promise<unknown>,
    private readonly limit: number,
    private readonly onDrop: () => void,
  ) {}

  /** Jobs waiting, not counting the one being sent. */
  get size(): number {
    return this.pending.length;
  }

  /** Queues a job; ignored once closed. */
  push(job: T): void {
    if (this.closed) return;
    if (this.pending.length >= this.limit) {
      this.onDrop();
      return;
    }
    this.pending.push(job);
    if (!this.sending) void this.drain();
  }

  /** Forgets waiting jobs and aborts the one being sent: its webhook is gone, or the server stops. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    this.controller.abort();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    for (let job = this.pending.shift(); job !== undefined && !this.closed; job = this.pending.shift()) {
      try {
        await this.send(job, this.controller.signal);
      } catch {
        // At most once: a failed send is never retried, and must not stop the jobs behind it.
      }
    }
    this.sending = false;
  }
}
