/**
 * The waits of one room session — pauses between attempts, calls that must answer in time — which a
 * leave ends at once, so nothing keeps a left room waiting or reachable.
 */
export class CancellableWaits {
  private readonly cancels = new Set<() => void>();

  /** Resolves after `ms`, or at once when cancelled. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.cancels.delete(done);
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
        this.cancels.delete(cancel);
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

  /** Ends every wait now. */
  cancelAll(): void {
    for (const cancel of [...this.cancels]) cancel();
  }
}
