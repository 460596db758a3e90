import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { root, run } from './support/processes.js';

// The main entry runs in browsers, Node and other runtimes because of what it leaves out: no Node
// built-in, no gRPC, no Momento code of its own (the user hands in the clients), and no browser global
// touched before `join()`. These tests hold the *built* entry to that.

const entry = join(root, 'dist', 'index.js');
// The main entry's size budget, gzip -9 of the minified browser bundle with Momento external. The goal is
// 5 KB (docs/performance.md, where the bytes of each module are listed); the budget holds the size where
// it stands, with a little room, so that growth fails here and has to be argued for.
const MAIN_ENTRY_BUDGET_GZIP = 11_500;

interface BrowserBundle {
  code: string;
  metafile: Metafile;
  /** The original files in the bundle, from its source map (esbuild follows dist/index.js.map), relative to the repository. */
  sources: string[];
}

/** Bundles the main entry as a browser app would, leaving out only the Momento SDK a browser app installs. */
async function bundleForBrowser(minify: boolean): Promise<BrowserBundle> {
  const outfile = join(tmpdir(), 'momento-chat-browser-bundle', 'app.js'); // never written: write is false
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    external: ['@gomomento/sdk-core', '@gomomento/sdk-web'],
    metafile: true,
    minify,
    sourcemap: 'external',
    outfile,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'))!.text;
  const map = JSON.parse(result.outputFiles.find((file) => file.path.endsWith('.js.map'))!.text) as { sources: string[] };
  const sources = map.sources.map((source) => relative(root, resolve(dirname(outfile), source)).split(sep).join('/'));
  return { code, metafile: result.metafile, sources };
}

describe('the main entry, bundled for a browser', () => {
  let bundle: BrowserBundle;
  let minified: BrowserBundle;
  beforeAll(async () => {
    if (!existsSync(entry)) throw new Error('dist/ is missing: `npm test` builds it first (pretest), or run `npm run build`');
    // esbuild refuses a Node built-in for the browser platform: that failure is this suite's first check.
    [bundle, minified] = await Promise.all([bundleForBrowser(false), bundleForBrowser(true)]);
  });

  it('a browser bundle of it holds only src/ files of the main entry: nothing of local/, moderator/, grpc-js, generated-types or @gomomento', () => {
    // Everything esbuild read: the entry itself, no other file of dist/ and nothing of node_modules.
    expect(Object.keys(bundle.metafile.inputs)).toEqual([relative(process.cwd(), entry).split(sep).join('/')]);
    // What went into dist/index.js, from its source map: the main entry's own modules only.
    expect(bundle.sources.length).toBeGreaterThan(5);
    for (const source of bundle.sources) {
      expect(source).toMatch(/^src\/[a-z0-9-]+\.ts$/);
    }
    expect(bundle.sources).toContain('src/chat-room.ts');
  });

  it('imports nothing at run time but, at most, the Momento SDK the app brings; no Node built-in', () => {
    const imports = Object.values(bundle.metafile.outputs).flatMap((output) => output.imports);
    for (const imported of imports) {
      expect(imported.external).toBe(true);
      expect(['@gomomento/sdk-core', '@gomomento/sdk-web']).toContain(imported.path);
    }
    // And nothing that escaped the metafile: a built-in, a require, a CommonJS module wrapped in, gRPC.
    for (const code of [bundle.code, minified.code]) {
      expect(code).not.toMatch(/["']node:/);
      expect(code).not.toMatch(/\brequire\(/);
      expect(code).not.toContain('__commonJS');
      expect(code).not.toMatch(/grpc|jspb|google-protobuf|@gomomento\/(?!sdk-core|sdk-web)/);
    }
  });

  it(`its minified browser bundle stays within its budget of ${MAIN_ENTRY_BUDGET_GZIP} B gzip`, () => {
    const bytes = Buffer.byteLength(minified.code);
    const gzip = gzipSync(minified.code, { level: 9 }).length;
    console.info(`momento-chat main entry, browser bundle without the SDK: ${bytes} B minified, ${gzip} B gzip (budget ${MAIN_ENTRY_BUDGET_GZIP})`);
    expect(gzip).toBeGreaterThan(1024);
    expect(gzip).toBeLessThanOrEqual(MAIN_ENTRY_BUDGET_GZIP);
  });
});

describe('the main entry, loaded where no browser is', () => {

  it('touches no browser global (window, document, navigator, XMLHttpRequest, crypto…) when imported or required, nor in `new ChatRoom()`; only TextEncoder', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', watchGlobalsScript], { cwd: root, env: process.env, timeoutMs: 30_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      // The one global it needs from any runtime at import (README, Runtimes): an encoder, made once.
      import: ['TextEncoder'],
      construct: [],
      require: ['TextEncoder'],
      constructFromRequire: [],
      // The control: the detector does see an access. Message ids take their randomness from
      // crypto.getRandomValues, read when an id is made, not before.
      makeMessageId: ['crypto'],
    });
  });
});

// Runs in a fresh Node process: a getter on globalThis for each browser-ish global records each read
// (and still returns what Node has, if anything, read beforehand), then the entry is loaded and used, stage by stage.
const watchGlobalsScript = `
import { createRequire } from 'node:module';
const watched = [
  'window', 'self', 'document', 'navigator', 'location', 'localStorage', 'sessionStorage', 'XMLHttpRequest', 'WebSocket', 'fetch', 'crypto',
  // Not browser-only, but not everywhere either (React Native): watched so the README can say what the entry needs.
  'TextEncoder', 'TextDecoder',
];
const stages = {};
let stage = 'setup';
for (const name of watched) {
  // Read now: Node's own lazy getters (crypto, TextEncoder...) replace themselves, and so would replace ours.
  const value = globalThis[name];
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      (stages[stage] ??= []).push(name);
      return value;
    },
  });
}
const never = () => { throw new Error('a client was called'); };
// A client whose every method throws: no call may happen before join().
const fake = () => new Proxy({}, { get: (_, key) => (key === 'then' ? undefined : never) });
const options = () => ({ cacheClient: fake(), topicClient: fake(), cacheName: 'chat', roomId: 'lobby', sender: { displayName: 'Ann' } });
const run = async (name, work) => {
  stage = name;
  stages[name] = [];
  await work();
  stage = 'between';
};

let esm;
await run('import', async () => { esm = await import(${JSON.stringify(pathToFileURL(entry).href)}); });
await run('construct', () => {
  const room = new esm.ChatRoom(options());
  room.on('message', () => {});
  if (room.status !== 'initialized') throw new Error('status ' + room.status);
});
let cjs;
await run('require', () => { cjs = createRequire(import.meta.url)(${JSON.stringify(join(root, 'dist', 'index.cjs'))}); });
await run('constructFromRequire', () => void new cjs.ChatRoom(options()));
await run('makeMessageId', () => void esm.createMessageIdGenerator()());
delete stages.between;
for (const names of Object.values(stages)) names.sort();
console.log(JSON.stringify(stages));
`;
