import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('examples', () => {
  it('node-chat: a token backend and two users chatting through the local server', async () => {
    const child = spawn(process.execPath, ['examples/node-chat/main.mjs'], { cwd: root });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const [code] = await once(child, 'exit');
    expect(output).toContain('[history] Ann: Hi, is anyone here?');
    expect(output).toContain('Ann hears Bob (verified id bob): Hello Ann!');
    expect(code).toBe(0);
  });
});
