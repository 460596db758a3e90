import * as http from 'node:http';
import * as https from 'node:https';

/** How one POST ended. `cancelled`: the server stopped or the webhook was deleted while it was in flight. */
export type PostOutcome = 'delivered' | 'failed' | 'timed-out' | 'cancelled';

/**
 * Makes webhook requests: one attempt each, a 2xx answer within the timeout counts as delivered, anything
 * else is dropped. Its own agents hold every socket, so {@link close} leaves no connection behind.
 */
export class WebhookPoster {
  // No keep-alive: a receiver closing an idle connection just as it is reused would fail a delivery that
  // nothing retries. A fresh loopback connection per message costs next to nothing.
  private readonly httpAgent = new http.Agent({ keepAlive: false });
  private readonly httpsAgent = new https.Agent({ keepAlive: false });

  /** @param timeoutMs how long a request may take, from sending to the end of the answer. */
  constructor(private readonly timeoutMs: number) {}

  /**
   * POSTs `body` to `url`.
   * @param signal aborts the request (outcome `cancelled`).
   * @returns how it ended; it never rejects.
   */
  post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<PostOutcome> {
    if (signal.aborted) return Promise.resolve('cancelled');
    return new Promise((resolve) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      let settled = false;
      const finish = (outcome: PostOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        // Destroying after an answer is harmless; before one, it frees the socket of a hanging receiver.
        request.destroy();
        resolve(outcome);
      };
      const onAbort = (): void => finish('cancelled');
      const timer = setTimeout(() => finish('timed-out'), this.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      const request = (secure ? https : http).request(
        target,
        { method: 'POST', headers, agent: secure ? this.httpsAgent : this.httpAgent },
        (response) => {
          const ok = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
          response.on('end', () => finish(ok ? 'delivered' : 'failed'));
          response.on('error', () => finish('failed'));
          response.resume(); // the answer's body means nothing to Momento; read it so the request completes
        },
      );
      // After finish() destroys the request it emits an error too; `settled` makes that a no-op.
      request.on('error', () => finish('failed'));
      request.end(body);
    });
  }

  /** Destroys every socket of both agents. In-flight requests are ended by their signals. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
