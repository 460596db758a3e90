import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshEnv, installedVersion, root, run } from './support/processes.js';
import { browserSnippet, chatScript, chatScriptResult, nodeSnippets, readmeSnippet } from './support/projects.js';

// `npm pack` the built package, install the tarball into fresh projects under the OS's temp folder, and use
// it the way the README shows: ESM, CommonJS, TypeScript (node16 and bundler resolution), and beside
// @gomomento/sdk-web. Installs come from the npm cache: the versions are the ones this repository has.

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const SLOW = 180_000;

/** Writes files (path → text) under a folder. */
async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** The last line a script printed, parsed. */
function lastJsonLine(stdout: string): unknown {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`expected a JSON line last, got:\n${stdout}`);
  }
}

/** Type-checks a project with this repository's TypeScript and writes its JavaScript into `out/`. */
function compile(projectDir: string): Promise<unknown> {
  return run(process.execPath, [tsc, '-p', join(projectDir, 'tsconfig.json')], { cwd: projectDir });
}

describe('the packed package, installed in fresh projects', { timeout: SLOW }, () => {
  let work: string;
  let files: string[];
  // One install serves the four @gomomento/sdk projects: each is a folder with its own package.json (its
  // module type) and tsconfig under the install, so Node and TypeScript find the installed package the
  // ordinary way, walking up to node_modules, and resolve it through its `exports`.
  let nodeProjects: string;
  let webProject: string;

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: `npm test` builds it first (pretest), or run `npm run build`');
    work = await mkdtemp(join(tmpdir(), 'momento-chat-package-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
    const [pack] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    files = pack.files.map((file) => file.path);
    const tarball = `file:../${pack.filename}`;

    nodeProjects = join(work, 'node');
    await writeFiles(nodeProjects, {
      'package.json': json({
        name: 'node-projects',
        private: true,
        dependencies: { 'momento-chat': tarball, '@gomomento/sdk': installedVersion('@gomomento/sdk'), '@types/node': installedVersion('@types/node') },
      }),
      'esm/package.json': json({ type: 'module' }),
      'esm/main.mjs': chatScript({ label: 'esm', module: 'esm', typescript: false }),
      'cjs/package.json': json({ type: 'commonjs' }),
      'cjs/main.cjs': chatScript({ label: 'cjs', module: 'cjs', typescript: false }),
      'ts-node16/package.json': json({ type: 'module' }),
      'ts-node16/tsconfig.json': tsconfig({ module: 'node16', moduleResolution: 'node16' }),
      'ts-node16/src/main.ts': chatScript({ label: 'ts-node16', module: 'esm', typescript: true }),
      'ts-node16/src/main-cjs.cts': chatScript({ label: 'ts-node16-cts', module: 'cjs', typescript: true }),
      'ts-bundler/package.json': json({ type: 'module' }),
      'ts-bundler/tsconfig.json': tsconfig({ module: 'preserve', moduleResolution: 'bundler' }),
      'ts-bundler/src/main.ts': chatScript({ label: 'ts-bundler', module: 'esm', typescript: true }),
      ...Object.fromEntries(
        nodeSnippets.flatMap((snippet) => [
          [`ts-node16/src/${snippet.file}`, readmeSnippet(snippet)],
          [`ts-bundler/src/${snippet.file}`, readmeSnippet(snippet)],
        ]),
      ),
    });

    // The browser's side: the main entry beside @gomomento/sdk-web alone (which brings its own, exactly pinned, sdk-core).
    webProject = join(work, 'web');
    await writeFiles(webProject, {
      'package.json': json({
        name: 'web-project',
        private: true,
        type: 'module',
        dependencies: { 'momento-chat': tarball, '@gomomento/sdk-web': installedVersion('@gomomento/sdk-web') },
      }),
      'tsconfig.json': tsconfig({ module: 'preserve', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] }),
      [`src/${browserSnippet.file}`]: readmeSnippet(browserSnippet),
      'main.mjs': webScript,
    });

    const install = (dir: string) => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeoutMs: SLOW });
    await Promise.all([install(nodeProjects), install(webProject)]);
  }, 2 * SLOW);

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('packs dist/, the README and package.json, and nothing of src/, test/ or the CommonJS copy of the bin', () => {
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('dist/local/cli.js');
    expect(files.filter((file) => !['package.json', 'README.md', 'LICENSE'].includes(file) && !file.startsWith('dist/'))).toEqual([]);
    expect(files).not.toContain('dist/local/cli.cjs');
  });

  it('ESM (`import` in .mjs): main, moderator and local entries run a client-only and a moderated room', async () => {
    const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: join(nodeProjects, 'esm') });
    expect(lastJsonLine(stdout)).toEqual(chatScriptResult('esm'));
  });

  it('CommonJS (`require` in .cjs): the same', async () => {
    const { stdout } = await run(process.execPath, ['main.cjs'], { cwd: join(nodeProjects, 'cjs') });
    expect(lastJsonLine(stdout)).toEqual(chatScriptResult('cjs'));
  });

  it('TypeScript, moduleResolution node16: the README snippets and a script type-check from ESM (.ts) and CommonJS (.cts), and run', async () => {
    const project = join(nodeProjects, 'ts-node16');
    await compile(project);
    const esm = await run(process.execPath, ['out/main.js'], { cwd: project });
    expect(lastJsonLine(esm.stdout)).toEqual(chatScriptResult('ts-node16'));
    const cjs = await run(process.execPath, ['out/main-cjs.cjs'], { cwd: project });
    expect(lastJsonLine(cjs.stdout)).toEqual(chatScriptResult('ts-node16-cts'));
  });

  it('TypeScript, moduleResolution bundler: the README snippets and a script type-check, and run', async () => {
    const project = join(nodeProjects, 'ts-bundler');
    await compile(project);
    const { stdout } = await run(process.execPath, ['out/main.js'], { cwd: project });
    expect(lastJsonLine(stdout)).toEqual(chatScriptResult('ts-bundler'));
  });

  it('beside @gomomento/sdk-web: the README browser quickstart type-checks; a room is built from sdk-web clients', async () => {
    await compile(webProject);
    const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: webProject });
    expect(lastJsonLine(stdout)).toEqual({ status: 'initialized', beforeJoin: 'NOT_JOINED', idLength: 26 });
  });

  it('the bin: `npx momento-chat-local --help` prints the usage', async () => {
    // `--no`: never fetch a package of that name from the registry; `--`: the rest is the bin's.
    const { stdout } = await run('npx', ['--no', '--', 'momento-chat-local', '--help'], { cwd: nodeProjects });
    expect(stdout).toContain('usage: momento-chat-local [--port N] [--cache NAME]');
  });

  it('the bin starts a server that prints its address and key, and stops on SIGTERM', async () => {
    const bin = join(nodeProjects, 'node_modules', '.bin', 'momento-chat-local');
    const child = spawn(bin, ['--port', '0', '--cache', 'chat'], { cwd: nodeProjects, env: freshEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    let output = '';
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          output += String(chunk);
          if (output.includes('Ctrl-C stops it.')) resolve();
        });
        child.once('exit', () => reject(new Error(`the bin exited before it was ready:\n${output}`)));
      });
      const address = /listening on (127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (address === undefined) throw new Error(`no loopback address in the output:\n${output}`);
      expect(output).toMatch(/MOMENTO_API_KEY=\S+/);
      // The server answers on the address it printed, with the 404 that says what the port serves.
      const response = await fetch(`http://${address}/`);
      expect(await response.text()).toContain('grpc-web');
      expect(response.status).toBe(404);
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

/** A strict tsconfig for a project of `src/` into `out/`. */
function tsconfig(options: { module: string; moduleResolution: string; lib?: string[]; types?: string[] }): string {
  const { lib = ['ES2022'], types = ['node'], ...resolution } = options;
  return json({
    compilerOptions: {
      ...resolution,
      target: 'ES2022',
      lib,
      types,
      strict: true,
      // Checked like our own code: a broken import in the package's .d.ts must fail, not become `any`.
      skipLibCheck: false,
      noEmitOnError: true,
      rootDir: 'src',
      outDir: 'out',
    },
    include: ['src'],
  });
}

/**
 * The main entry with @gomomento/sdk-web clients, in Node. sdk-web needs a browser's XHR to reach a server,
 * so this builds a room and stops short of joining.
 */
const webScript = `import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk-web';
import { ChatRoom, createMessageIdGenerator, isChatError } from 'momento-chat';
import { startLocalMomento } from 'momento-chat/local';

const momento = await startLocalMomento();
try {
  const credentialProvider = CredentialProvider.fromString({ apiKey: momento.adminApiKey, endpointOverrides: momento.endpoints.web });
  const room = new ChatRoom({
    cacheClient: new CacheClient({ configuration: Configurations.Browser.v1(), credentialProvider, defaultTtlSeconds: 600 }),
    topicClient: new TopicClient({ configuration: TopicConfigurations.Browser.v1(), credentialProvider }),
    cacheName: 'chat',
    roomId: 'lobby',
  });
  let beforeJoin = 'sent';
  try {
    await room.send('too early');
  } catch (error) {
    beforeJoin = isChatError(error) ? error.code : String(error);
  }
  console.log(JSON.stringify({ status: room.status, beforeJoin, idLength: createMessageIdGenerator()().length }));
} finally {
  await momento.stop();
}
`;
