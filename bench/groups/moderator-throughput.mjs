// Row group 4: moderator throughput per core, many rooms.
//
// The Moderator (watch, hook: accept) and the hand-written relay (baselines/raw-relay.mjs) both run in
// bench/relay-process.mjs, each over 50 rooms; this process publishes the inputs, spread round-robin over
// the rooms, 64 in flight. A round loads one side with `count` messages and ends when the last of them is
// stored and published. The figure is messages per CPU-second of the relay process (its own user +
// system time over the round): throughput per core, which neither the publisher nor the local server
// (other processes) can blur. Wall-clock messages per second are kept beside it.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cacheClient, createCache, topicClient } from '../harness/clients.mjs';
import { within } from '../harness/deadline.mjs';
import { makeEnvelopes } from '../harness/envelopes.mjs';
import { summarize } from '../harness/percentiles.mjs';
import { newestProfileIn, selfTimeByPackage, topSelfTime } from '../harness/cpu-profile.mjs';
import { cpuMsOf } from '../harness/process-cpu.mjs';
import { alternate } from '../harness/rounds.mjs';
import { ratioRow } from '../harness/row.mjs';
import { target } from '../harness/target.mjs';

const CACHE = 'bench-throughput';
const ROOMS = 50;
const IN_FLIGHT = 64;
const ROUND_TIMEOUT_MS = 30_000;
const PROFILE_DIR = process.env.BENCH_PROFILE_RELAY ? fileURLToPath(new URL('../results/relay-profile', import.meta.url)) : undefined;

/** The relay process, and a way to wait for its next message of a type. */
async function startRelay() {
  const child = fork(fileURLToPath(new URL('../relay-process.mjs', import.meta.url)), [], {
    env: { ...process.env, BENCH_CACHE: CACHE, BENCH_ROOMS: String(ROOMS) },
    execArgv: PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map();
  child.on('message', (message) => {
    waiting.get(message.type)?.(message);
    waiting.delete(message.type);
  });
  const next = (type) => within(new Promise((resolve) => waiting.set(type, resolve)), ROUND_TIMEOUT_MS, `the relay's ${type}`);
  await next('ready');
  return { child, next, send: (message) => child.send(message) };
}

/** Publishes every input, `IN_FLIGHT` at a time. */
async function publishAll(topics, inputs) {
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const { topic, value } = inputs[next++];
      const published = await topics.publish(CACHE, topic, value);
      if (published.type === 'Error') throw new Error(`bench: unable to publish an input; ${published.message()}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** `count` inputs for one side, spread round-robin over its rooms; each room's ids are fresh and ascending. */
async function inputsFor(prefix, count) {
  const perRoom = Math.ceil(count / ROOMS);
  const byRoom = await Promise.all(
    Array.from({ length: ROOMS }, (_, i) => makeEnvelopes({ roomId: `${prefix}-${i}`, count: perRoom, mode: 'moderated' })),
  );
  const inputs = [];
  for (let k = 0; k < perRoom; k++) for (let i = 0; i < ROOMS; i++) inputs.push({ topic: `${prefix}-${i}-input`, value: byRoom[i][k] });
  return inputs.slice(0, count);
}

export async function run({ server, scale, log }) {
  const perRound = Math.max(ROOMS * 4, Math.round(1500 * scale));
  const rounds = 5;
  const admin = await cacheClient(server);
  await createCache(admin, CACHE);
  const topics = topicClient(server);
  const relay = await startRelay();
  const results = { library: [], raw: [], claim: [] };
  let serverCpuMs = 0;
  let wallMs = 0;
  try {
    const round = async (side, count, record) => {
      const inputs = await inputsFor({ library: 'thr-lib', raw: 'thr-raw', claim: 'thr-claim' }[side], count);
      relay.send({ type: 'round', side, count });
      await relay.next('armed');
      const done = relay.next('done');
      const server0 = cpuMsOf(server.pid);
      await publishAll(topics, inputs);
      const result = await done;
      if (record) {
        results[side].push(result);
        serverCpuMs += cpuMsOf(server.pid) - server0;
        wallMs += result.wallMs;
      }
    };
    for (const side of Object.keys(results)) await round(side, ROOMS * 10, false);
    await alternate(rounds, {
      library: () => round('library', perRound, true),
      raw: () => round('raw', perRound, true),
      claim: () => round('claim', perRound, true),
    });
    relay.send({ type: 'stop' });
    const stopped = await relay.next('stopped');
    await new Promise((resolve) => (relay.child.exitCode === null ? relay.child.once('exit', resolve) : resolve()));
    if (stopped.failures > 0) throw new Error(`bench: ${stopped.failures} inputs failed in the relay process`);
  } finally {
    if (relay.child.exitCode === null) relay.child.kill();
    admin.close();
  }
  const perCore = (side) => summarize(results[side].map((r) => (r.count / r.cpuMs) * 1000));
  const perWall = (side) => summarize(results[side].map((r) => (r.count / r.wallMs) * 1000));
  // Judged against the relay that makes the same four Momento calls (the id claim included); the relay
  // that skips the claim is shown too, for what that guarantee costs.
  const lib = perCore('library');
  const raw = perCore('claim');
  log(`${rounds} rounds of ${perRound} messages over ${ROOMS} rooms each side`);
  const written = PROFILE_DIR && newestProfileIn(PROFILE_DIR);
  const relayProfile = written && { file: written.file, byPackage: selfTimeByPackage(written.profile), top: topSelfTime(written.profile, 15) };
  if (relayProfile) for (const p of relayProfile.byPackage) log(`relay profile: ${(p.share * 100).toFixed(1).padStart(5)}%  ${p.package}`);
  return {
    rows: [
      ratioRow({
        group: 'moderator',
        name: `moderator, ${ROOMS} rooms, per core (msg per CPU-s)`,
        unit: 'msg/s',
        library: lib.p50,
        raw: raw.p50,
        target: target('at-least', 0.8),
        detail: { library: lib, raw, rounds: results },
      }),
      ratioRow({ group: 'moderator', name: `moderator, ${ROOMS} rooms, wall clock`, unit: 'msg/s', library: perWall('library').p50, raw: perWall('claim').p50 }),
      ratioRow({ group: 'moderator', name: '  per core, against a relay that skips the claim (3 calls, not 4)', unit: 'msg/s', library: lib.p50, raw: perCore('raw').p50, detail: { raw: perCore('raw') } }),
    ],
    extras: { serverCoreShareDuringRounds: Math.round((serverCpuMs / wallMs) * 100) / 100, relayProfile },
  };
}
