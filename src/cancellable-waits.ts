/**
 * The waits of one room session — pauses between attempts, calls that must answer in time — which a
 * leave ends at once, so nothing keeps a left room waiting or reachable.
 */
export class CancellableWaits {
  // Made by the first wait: an idle room has none.
  private pending: Set<() => void> | undefined;

  private get cancels(): Set<() => void> {
    return (this.pending ??= new Set());
  }

  /** Resolves after `ms`, or at once when cancelled. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.forget(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.cancels.add(done);
    });
  }

  /**
   * Settles as `promise` does, or rejects with `timedOut()` after `ms`, or with `cancelled()` when the
   * waits are cancelled, whichever comes first.
   */
  bounded<T>(promise: Promise<T>, ms: number, timedOut: () => Error, cancelled: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const stop = (): void => {
        clearTimeout(timer);
        this.forget(cancel);
      };
      const cancel = (): void => {
        stop();
        reject(cancelled());
      };
      const timer = setTimeout(() => {
        stop();
        reject(timedOut());
      }, ms);
      this.cancels.add(cancel);
      promise.then(
        (value) => {
          stop();
          resolve(value);
        },
        (error: unknown) => {
          stop();
          reject(error);
        },
      );
    });
  }

  // An empty set is dropped: a room that waits for nothing holds no table.
  private forget(cancel: () => void): void {
    this.pending?.delete(cancel);
    if (this.pending?.size === 0) this.pending = undefined;
  }

  /** Ends every wait now. */
  cancelAll(): void {
    for (const cancel of [...(this.pending ?? [])]) cancel();
  }
}
