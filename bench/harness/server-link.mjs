// Starts bench/server-process.mjs and stops it: the one local server every group of a run talks to.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../server-process.mjs', import.meta.url));
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * @param {{ profileDir?: string }} options with profileDir, the server runs under --cpu-prof and writes its profile there on stop.
 * @returns {Promise<{ address: string, adminApiKey: string, pid: number, stop(): Promise<void> }>}
 */
export async function startServer({ profileDir } = {}) {
  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = fork(SCRIPT, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('unable to start the local server; no answer within 20 s')), START_TIMEOUT_MS);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`unable to start the local server; it exited with ${code}`)));
  });
  return {
    address: ready.address,
    adminApiKey: ready.adminApiKey,
    pid: ready.pid,
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
