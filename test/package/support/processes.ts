import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This repository's root. */
export const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The version of a package installed in this repository, so a fresh project gets it from the npm cache. */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The environment for a command in a fresh project: without the `npm_*` variables of the `npm test`
 * that runs us (`npm_config_local_prefix` would point npm back at this repository), and without this
 * repository's `node_modules/.bin` on the PATH, so a bin is found only where the project installed it.
 * The npm cache and user config stay, so installs are served as in this repository.
 */
export function freshEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.toLowerCase().startsWith('npm_') && !keep.has(key.toLowerCase())) continue;
    if (key === 'INIT_CWD') continue;
    env[key] = value;
  }
  const ownBins = join(root, 'node_modules');
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.startsWith(ownBins))
    .join(delimiter);
  return env;
}

/** What a finished command printed. */
export interface Finished {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to its end.
 * @returns its output.
 * @throws when it exits non-zero, is killed or outlives `timeoutMs`, with everything it printed.
 */
export function run(command: string, args: string[], options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<Finished> {
  const { cwd, timeoutMs = 120_000, env = freshEnv() } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve({ stdout, stderr });
      const how = signal === 'SIGKILL' ? `was killed after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
      reject(new Error(`\`${command} ${args.join(' ')}\` in ${cwd} ${how}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`));
    });
  });
}
