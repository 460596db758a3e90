import { request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';

/**
 * Just enough of a browser's XMLHttpRequest, over `node:http`, for grpc-web 1.4 (which `@gomomento/sdk-web`
 * uses through Closure's XhrIo) to run in Node. Unlike the `xhr2` package, `responseText` grows with each
 * chunk and each chunk fires readystatechange (LOADING): grpc-web decodes server-stream messages (Subscribe)
 * only from those events, so with xhr2 `subscribe()` never resolves. Test support only: http, no redirects,
 * no credentials, text responses.
 */
export class NodeXhr {
  static readonly UNSENT = 0;
  static readonly OPENED = 1;
  static readonly HEADERS_RECEIVED = 2;
  static readonly LOADING = 3;
  static readonly DONE = 4;

  readyState = NodeXhr.UNSENT;
  status = 0;
  statusText = '';
  responseText = '';
  responseType = '';
  withCredentials = false;
  /** Read by XhrIo's feature test; grpc-web keeps its own timer instead. */
  timeout = 0;
  onreadystatechange: (() => void) | null = null;

  private method = 'GET';
  private url = '';
  private requestHeaders: Record<string, string> = {};
  private responseHeaders: IncomingHttpHeaders = {};
  private request: ClientRequest | undefined;
  private sent = false;

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
    this.requestHeaders = {};
    this.sent = false;
    this.setState(NodeXhr.OPENED);
  }

  setRequestHeader(name: string, value: string): void {
    this.requestHeaders[name] = value;
  }

  send(body?: string | null): void {
    this.sent = true;
    const req = request(this.url, { method: this.method, headers: this.requestHeaders });
    this.request = req;
    req.on('response', (res) => {
      if (this.request !== req) return res.resume();
      this.status = res.statusCode ?? 0;
      this.statusText = res.statusMessage ?? '';
      this.responseHeaders = res.headers;
      this.setState(NodeXhr.HEADERS_RECEIVED);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (this.request !== req) return;
        this.responseText += chunk;
        this.setState(NodeXhr.LOADING);
      });
      res.on('end', () => this.finish(req));
      // The server dropped the connection mid-answer: a browser shows that as a network error.
      res.on('aborted', () => this.fail(req));
      res.on('error', () => this.fail(req));
    });
    req.on('error', () => this.fail(req));
    req.end(body ?? undefined);
  }

  /** As a browser: a request in flight ends DONE with status 0 (one readystatechange), then goes back to UNSENT silently. */
  abort(): void {
    const req = this.request;
    this.request = undefined;
    req?.destroy();
    if (this.sent && this.readyState !== NodeXhr.DONE && this.readyState !== NodeXhr.UNSENT) {
      this.status = 0;
      this.setState(NodeXhr.DONE);
    }
    this.readyState = NodeXhr.UNSENT;
  }

  getResponseHeader(name: string): string | null {
    if (this.readyState < NodeXhr.HEADERS_RECEIVED) return null;
    const value = this.responseHeaders[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }

  getAllResponseHeaders(): string {
    if (this.readyState < NodeXhr.HEADERS_RECEIVED) return '';
    return Object.entries(this.responseHeaders)
      .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : (value ?? '')}\r\n`)
      .join('');
  }

  private finish(req: ClientRequest): void {
    if (this.request !== req) return;
    this.request = undefined;
    this.setState(NodeXhr.DONE);
  }

  /** A network error: DONE with status 0, which grpc-web reports as "http status code: 0" and the web SDK resubscribes on. */
  private fail(req: ClientRequest): void {
    if (this.request !== req) return;
    this.request = undefined;
    this.status = 0;
    this.setState(NodeXhr.DONE);
  }

  private setState(state: number): void {
    this.readyState = state;
    this.onreadystatechange?.();
  }
}

/**
 * Gives Node what `@gomomento/sdk-web` reads from a browser: `XMLHttpRequest` and `navigator.userAgent`
 * (Node 20 has neither).
 * @returns a function that puts the globals back as they were.
 */
export function installBrowserGlobals(userAgent = 'Mozilla/5.0 (X11; Linux x86_64) momento-chat-tests'): () => void {
  const g = globalThis as Record<string, unknown>;
  const saved = { xhr: Object.getOwnPropertyDescriptor(g, 'XMLHttpRequest'), navigator: Object.getOwnPropertyDescriptor(g, 'navigator') };
  Object.defineProperty(g, 'XMLHttpRequest', { value: NodeXhr, configurable: true, writable: true });
  Object.defineProperty(g, 'navigator', { value: { userAgent }, configurable: true, writable: true });
  return () => {
    for (const [name, descriptor] of [['XMLHttpRequest', saved.xhr], ['navigator', saved.navigator]] as const) {
      if (descriptor) Object.defineProperty(g, name, descriptor);
      else delete g[name];
    }
  };
}
