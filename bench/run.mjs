// `npm run bench`: momento-chat beside the raw Momento SDK doing the same work, measured side by side
// in the same run against the local server, as one table of ratios (printed, and written as JSON).
//
// One local server (its own process) serves the whole run; each group of rows runs in a process of its
// own. Knobs (environment):
//   BENCH_GROUPS=latency,join   run only these groups (default: all, in the order below)
//   BENCH_SCALE=0.5             scale every loop count (default 1; the table is meant at 1)
//   BENCH_OUT=path.json         where the JSON goes (default bench/results/latest.json; the Markdown
//                               table goes beside it, as latest.md)
//   BENCH_PROFILE_SERVER=1      run the server under --cpu-prof (bench/results/server-profile/); where its
//                               time went is printed and kept in the JSON
//   BENCH_PROFILE_RELAY=1       the same for the moderator-throughput relay process (bench/results/relay-profile/)
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startServer } from './harness/server-link.mjs';
import { busyMeter } from './harness/process-cpu.mjs';
import { formatMarkdown, formatTable } from './harness/table.mjs';
import { writeResults } from './harness/results-file.mjs';
import { newestProfileIn, selfTimeByPackage, topSelfTime } from './harness/cpu-profile.mjs';

const GROUPS = ['latency', 'join', 'receive-cpu', 'moderator-throughput', 'fan-out', 'memory', 'bytes'];
const GROUP_TIMEOUT_MS = 150_000;
const groups = process.env.BENCH_GROUPS ? process.env.BENCH_GROUPS.split(',').map((g) => g.trim()) : GROUPS;
for (const g of groups) if (!GROUPS.includes(g)) throw new Error(`bench: unknown group ${g}; the groups are ${GROUPS.join(', ')}`);
const out = process.env.BENCH_OUT ?? fileURLToPath(new URL('./results/latest.json', import.meta.url));
const profileDir = process.env.BENCH_PROFILE_SERVER ? fileURLToPath(new URL('./results/server-profile', import.meta.url)) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

const machine = {
  nproc: availableParallelism(),
  cpu: cpus()[0]?.model,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  date: new Date().toISOString(),
};
console.log(`momento-chat bench — ${machine.nproc} cores (${machine.cpu}), node ${machine.node}, ${machine.date}`);

function runGroup(name, server) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./group-process.mjs', import.meta.url)), [name], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, BENCH_SERVER_ADDRESS: server.address, BENCH_SERVER_KEY: server.adminApiKey, BENCH_SERVER_PID: String(server.pid) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench: group ${name} did not finish within ${GROUP_TIMEOUT_MS / 1000} s`));
    }, GROUP_TIMEOUT_MS);
    child.on('message', (message) => (result = message));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`bench: group ${name} failed (exit ${code})`));
    });
  });
}

const started = performance.now();
const server = await startServer({ profileDir });
const rows = [];
const extras = {};
const failures = [];
try {
  for (const name of groups) {
    const t0 = performance.now();
    console.log(`\n${name}…`);
    const busy = busyMeter(server.pid);
    try {
      const result = await runGroup(name, server);
      const { coreShare } = busy();
      rows.push(...result.rows);
      extras[name] = { ...result.extras, seconds: Math.round((performance.now() - t0) / 100) / 10, serverCoreShare: coreShare === undefined ? undefined : Math.round(coreShare * 100) / 100 };
    } catch (error) {
      failures.push(`${name}: ${error.message}`);
      console.error(error.message);
    }
  }
} finally {
  await server.stop();
}

let serverProfile;
const written = profileDir && newestProfileIn(profileDir);
if (written) serverProfile = { file: written.file, byPackage: selfTimeByPackage(written.profile), top: topSelfTime(written.profile, 15) };

console.log(`\n${formatTable(rows)}\n`);
for (const name of groups) {
  const e = extras[name];
  if (e) console.log(`${name}: ${e.seconds} s, local server busy ${e.serverCoreShare === undefined ? '?' : `${Math.round(e.serverCoreShare * 100)}%`} of one core`);
}
if (extras.bytes?.modules) {
  console.log('\nmain entry, minified + gzip bytes each source module adds (removing it would save):');
  for (const m of extras.bytes.modules) console.log(`  ${m.module.padEnd(28)} ${String(m.minified).padStart(6)} B min  ${String(m.gzipMarginal).padStart(5)} B gzip`);
}
if (serverProfile) {
  console.log(`\nlocal server, self time of its busy time (${serverProfile.file}):`);
  for (const p of serverProfile.byPackage) console.log(`  ${(p.share * 100).toFixed(1).padStart(5)}%  ${p.package}`);
  console.log('  top functions:');
  for (const f of serverProfile.top) console.log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.name}  ${f.at}`);
}
const seconds = Math.round((performance.now() - started) / 1000);
writeResults(out, { machine, seconds, scale: Number(process.env.BENCH_SCALE ?? 1), rows, extras, serverProfile, failures });
// The same table in Markdown beside it, to paste into docs/performance.md.
const markdown = out.replace(/\.json$/, '') + '.md';
writeFileSync(markdown, `${formatMarkdown(rows)}\n`);
console.log(`\n${rows.filter((r) => r.verdict === 'PASS').length} PASS, ${rows.filter((r) => r.verdict === 'MISS').length} MISS; ${seconds} s; written to ${out} and ${markdown}`);
if (failures.length > 0) {
  console.error(`failed groups:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
}
