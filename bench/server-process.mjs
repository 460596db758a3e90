// The local Momento server in a process of its own, so that its CPU time and heap never count as the
// library's or the raw SDK's (groups read its CPU time from /proc to tell whether it was the bottleneck).
// It reports its address over IPC and stops when asked.
import { startLocalMomento } from '../dist/local/index.js';

const momento = await startLocalMomento();

let stopping;
const stop = () =>
  (stopping ??= momento.stop().then(() => {
    // A normal exit, not process.exit(): under --cpu-prof the profile is written then.
    if (process.connected) process.disconnect();
  }));
process.on('message', (message) => {
  if (message?.type === 'stop') void stop();
});
// The runner died without asking: stop anyway, never outlive it.
process.on('disconnect', () => void stop());

process.send({ type: 'ready', address: momento.address, adminApiKey: momento.adminApiKey, pid: process.pid });
