import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as it came: signatures are computed over these bytes. */
  body: string;
  /** Resolves when the connection closes before the receiver answered (the sender gave up or stopped). */
  abandoned: Promise<void>;
}

/** How the receiver answers the request at `index` (0-based): a status, or `'hold'` to leave it unanswered until {@link WebhookReceiver.release}. */
export type Answer = (index: number) => number | 'hold';

/** A webhook endpoint on 127.0.0.1 that records what it gets and answers as the test says. */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly held = new Map<number, ServerResponse>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    public answer: Answer,
  ) {}

  /** Starts a receiver on a free port of 127.0.0.1; it answers 200 unless told otherwise. */
  static async start(answer: Answer = () => 200): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiver = new WebhookReceiver(server, (server.address() as { port: number }).port, answer);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const index = receiver.requests.length;
        const abandoned = new Promise<void>((resolve) => res.once('close', () => (res.writableEnded ? undefined : resolve())));
        receiver.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          abandoned,
        });
        const answer = receiver.answer(index);
        if (answer === 'hold') receiver.held.set(index, res);
        else res.writeHead(answer).end();
        for (const waiter of receiver.waiters) waiter();
      });
    });
    return receiver;
  }

  /** `http://127.0.0.1:PORT` plus `path`. */
  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The parsed JSON bodies, in arrival order. */
  bodies(): Array<Record<string, unknown>> {
    return this.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }

  /** Resolves once `count` requests have arrived; rejects after `timeoutMs` with what did arrive. */
  received(count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.requests.length < count) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(this.requests.slice(0, count));
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const got = this.requests.map((r) => r.body).join(', ');
        reject(new Error(`timed out waiting for ${count} webhook requests; got ${this.requests.length}: ${got}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Answers a held request with `status`. */
  release(index: number, status = 200): void {
    const res = this.held.get(index);
    if (!res) throw new Error(`request ${index} is not held`);
    this.held.delete(index);
    res.writeHead(status).end();
  }

  /** Stops listening and closes every connection, held ones included. */
  async stop(): Promise<void> {
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 where nothing listens: it was free a moment ago and is closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
