import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs an example to its end. @returns its stdout and stderr, and its exit code. */
async function run(example: string): Promise<{ output: string; code: number | null }> {
  const child = spawn(process.execPath, [example], { cwd: root });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { output, code };
}

describe('examples', () => {
  it('node-chat: a token backend and two users chatting through the local server', async () => {
    const { output, code } = await run('examples/node-chat/main.mjs');
    expect(output).toContain('[history] Ann: Hi, is anyone here?');
    expect(output).toContain('Ann hears Bob (verified id bob): Hello Ann!');
    expect(code).toBe(0);
  });

  it('moderated-chat: one hook run by a watching moderator and behind a signed webhook', async () => {
    const { output, code } = await run('examples/moderated-chat/main.mjs');
    const lines = output.split('\n');
    for (const [way, room] of [['a', 'lobby'], ['b', 'help']] as const) {
      const start = lines.findIndex((line) => line.startsWith(`(${way}) room ${room}:`));
      expect(start, output).toBeGreaterThanOrEqual(0);
      expect(lines.slice(start + 1, start + 6), output).toEqual([
        `  accepted: Bob sees "Ann" (verified id ann, #1): Hi Bob, welcome to ${room}.`,
        '  masked: Bob sees "Ann" (verified id ann, #2): This **** printer jammed again! (Ann typed "This darn printer jammed again!")',
        "  rejected: Ann's send fails with MESSAGE_REJECTED, reason: too long: 89 characters, the limit is 80",
        `  spoofed: Ann sees "Ann" (verified id bob, #3): Hi, it is me, Ann. (the name is claimed; the verified id is the token's)`,
        '  history: #1 by ann, #2 by ann, #3 by bob (nothing of the rejected message)',
      ]);
    }
    expect(output).toContain('webhook requests from the local server: 4 delivered, 0 failed');
    expect(output).toContain('forged webhook request: 401');
    expect(output).not.toContain('[moderator]');
    expect(code).toBe(0);
  });
});
