import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

function run(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } });
  children.push(child);
  return child;
}

/** Collects a child's stdout until `pattern` matches. */
async function readUntil(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<RegExpMatchArray> {
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    const match = out.match(pattern);
    if (match) return match;
  }
  throw new Error(`the process ended before printing ${pattern}: ${out}`);
}

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('the momento-chat-local command', () => {
  it('prints how to connect, serves a script that uses only @gomomento/sdk, and stops on SIGTERM', async () => {
    const server = run(['dist/local/cli.js', '--port', '0']);
    const [, address, apiKey] = await readUntil(server, /MOMENTO_LOCAL_ADDRESS=(\S+)\s+MOMENTO_API_KEY=(\S+)/);
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);

    const script = run(['examples/local-server-quickstart.mjs'], { MOMENTO_LOCAL_ADDRESS: address!, MOMENTO_API_KEY: apiKey! });
    let output = '';
    script.stdout.on('data', (chunk) => (output += String(chunk)));
    script.stderr.on('data', (chunk) => (output += String(chunk)));
    const [code] = await once(script, 'exit');
    expect(output).toContain("token listFetch room-1: [ 'hello from the backend' ]");
    expect(output).toContain('token listFetch room-2: PERMISSION_ERROR');
    expect(code).toBe(0);

    server.kill('SIGTERM');
    const [serverCode] = await once(server, 'exit');
    expect(serverCode).toBe(0);
  });

  it('refuses a port that is not a number', async () => {
    const server = run(['dist/local/cli.js', '--port', 'abc']);
    let errors = '';
    server.stderr.on('data', (chunk) => (errors += String(chunk)));
    const [code] = await once(server, 'exit');
    expect(code).toBe(2);
    expect(errors).toContain('--port must be a port number');
  });
});
