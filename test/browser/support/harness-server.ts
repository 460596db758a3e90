import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { ChatHarness, Outcome, PageError } from '../page/chat-harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const harnessEntry = fileURLToPath(new URL('../page/chat-harness.ts', import.meta.url));

/**
 * Bundles the page script as an app's bundler would: for the browser, `momento-chat` by its package name
 * (so the package's `exports` pick dist/, the built code) and the real `@gomomento/sdk-web`.
 * @throws when the bundle holds sources of src/ instead of dist/ (a missing build).
 */
export async function bundleHarness(): Promise<string> {
  const result = await build({
    entryPoints: [harnessEntry],
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  if (!inputs.includes('dist/index.js') || inputs.some((input) => input.startsWith('src/'))) {
    throw new Error(`the page must run the built package; it bundled ${inputs.filter((i) => !i.startsWith('node_modules/')).join(', ')}`);
  }
  return result.outputFiles[0]!.text;
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>momento-chat browser tests</title></head>
<body><script type="module" src="/chat-harness.js"></script></body></html>`;

/** The test page's HTTP server: its own port of 127.0.0.1, so every call to Momento is cross-origin. */
export interface HarnessServer {
  /** `http://127.0.0.1:PORT/`. */
  readonly url: string;
}

/** Bundles the page script and serves it, from before the file's tests to after them. */
export function useHarnessServer(): HarnessServer {
  let url: string | undefined;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const script = await bundleHarness();
    const server = createServer((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      if (req.url === '/chat-harness.js') return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    stop = async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  }, 30_000);
  afterAll(async () => stop?.());
  return {
    get url() {
      if (!url) throw new Error('the harness server runs from beforeAll to afterAll');
      return url;
    },
  };
}

/** Each method of the page's harness, called from the test through `page.evaluate`. */
export type RemoteHarness = { [K in keyof ChatHarness]: (...args: Parameters<ChatHarness[K]>) => Promise<Awaited<ReturnType<ChatHarness[K]>>> };

/** Waits for the page's script, then gives its harness as async calls. */
export async function harnessOf(page: Page): Promise<RemoteHarness> {
  await page.waitForFunction(() => 'chatHarness' in window);
  const call =
    (method: string) =>
    (...args: unknown[]): Promise<unknown> =>
      page.evaluate(({ method, args }) => (window.chatHarness as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args), { method, args });
  // Not `then`: an awaited proxy with a `then` would be taken for a promise.
  return new Proxy({} as RemoteHarness, { get: (_, method) => (typeof method === 'string' && method !== 'then' ? call(method) : undefined) });
}

/** The value of a successful call; a failed one fails the test with the page's error. */
export function valueOf<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new Error(`the page's call failed: ${outcome.error.code ?? outcome.error.name}: ${outcome.error.message}`);
}

/** The error of a failed call; a successful one fails the test. */
export function errorOf(outcome: Outcome<unknown>): PageError {
  if (!outcome.ok) return outcome.error;
  throw new Error(`expected the page's call to fail; it returned ${JSON.stringify(outcome.value)}`);
}
