// The relay of the moderator-throughput row, in a process of its own so that its CPU time is its own:
// a Moderator (hook: accept) watching `thr-lib-<i>`, the hand-written relay of baselines/raw-relay.mjs on
// `thr-raw-<i>` and the same relay with the id claim on `thr-claim-<i>`, for every room. All stay
// subscribed; a round sends load to one side only. Over IPC:
//   → { type: 'round', side, count }   ← { type: 'armed' }
//   ← { type: 'done', side, count, cpuMs, wallMs }  once `count` messages were stored and published
//   → { type: 'stop' }                 ← { type: 'stopped' }
import { Moderator } from '../dist/moderator/index.js';
import { startRawRelay } from './baselines/raw-relay.mjs';
import { cacheClient, serverFromEnv, topicClient } from './harness/clients.mjs';

const CACHE = process.env.BENCH_CACHE;
const ROOMS = Number(process.env.BENCH_ROOMS);
const server = serverFromEnv();
const cache = await cacheClient(server);
const topics = topicClient(server);

let round;
const relayed = (side) => {
  if (!round || round.side !== side) return;
  if (++round.done === round.count) {
    const cpu = process.cpuUsage(round.cpu0);
    process.send({ type: 'done', side, count: round.count, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - round.wall0 });
    round = undefined;
  }
};

let failures = 0;
const moderator = new Moderator({ cacheClient: cache, topicClient: topics, cacheName: CACHE, moderate: () => ({ action: 'accept' }) });
moderator.on('outcome', ({ outcome }) => (outcome.status === 'accepted' ? relayed('library') : failures++));
moderator.on('error', () => failures++);
const relays = [];
for (let i = 0; i < ROOMS; i++) {
  await moderator.watch(`thr-lib-${i}`);
  relays.push(await startRawRelay({ cacheClient: cache, topicClient: topics, cacheName: CACHE, roomId: `thr-raw-${i}`, onRelayed: () => relayed('raw') }));
  relays.push(await startRawRelay({ cacheClient: cache, topicClient: topics, cacheName: CACHE, roomId: `thr-claim-${i}`, claim: true, onRelayed: () => relayed('claim') }));
}

process.on('message', async (message) => {
  if (message.type === 'round') {
    round = { side: message.side, count: message.count, done: 0, cpu0: process.cpuUsage(), wall0: performance.now() };
    process.send({ type: 'armed' });
  } else if (message.type === 'stop') {
    await moderator.stop();
    for (const relay of relays) relay.stop();
    cache.close();
    failures += relays.reduce((sum, relay) => sum + relay.failures(), 0);
    // The TopicClient has no close(): exit once the reply is out (--cpu-prof still writes its profile).
    process.send({ type: 'stopped', failures }, () => process.exit(0));
  }
});
// The group died without asking: never outlive it.
process.on('disconnect', () => process.exit(1));
process.send({ type: 'ready' });
