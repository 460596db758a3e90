// Benchmarks run against the local server with the real Node SDK. Each figure is printed next to
// what it is measured against, since absolute numbers on a shared machine mean little.
import { performance } from 'node:perf_hooks';
import { CacheClient, Configurations, TopicClient, TopicConfigurations } from '@gomomento/sdk';
import { startLocalMomento } from '../dist/local/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);

async function timeIt(label, rounds, fn) {
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await fn(i);
  const ms = performance.now() - start;
  return { label, rounds, ms, perOpUs: (ms * 1000) / rounds };
}

const momento = await startLocalMomento();
const cache = await CacheClient.create({ configuration: Configurations.Laptop.v1(), credentialProvider: momento.credentialProvider, defaultTtlSeconds: 600 });
const topics = new TopicClient({ configuration: TopicConfigurations.Default.latest(), credentialProvider: momento.credentialProvider });
await cache.createCache('bench');

// Warm the connection and the JIT before anything is timed.
for (let i = 0; i < 200; i++) await cache.get('bench', 'k');

const results = [];
results.push(await timeIt('get (baseline)', ROUNDS, () => cache.get('bench', 'k')));
results.push(await timeIt('set 200 B', ROUNDS, () => cache.set('bench', 'k', 'x'.repeat(200))));
results.push(await timeIt('listPushBack 200 B, truncate 100', ROUNDS, () => cache.listPushBack('bench', 'l', 'x'.repeat(200), { truncateFrontToSize: 100 })));
results.push(await timeIt('listFetch last 50', ROUNDS, () => cache.listFetch('bench', 'l', { startIndex: -50 })));

let received = 0;
let wake = () => {};
const sub = await topics.subscribe('bench', 't', { onItem: () => { received++; wake(); } });
results.push(
  await timeIt('publish → onItem round trip', ROUNDS, async (i) => {
    const arrived = new Promise((resolve) => (wake = resolve));
    await topics.publish('bench', 't', String(i));
    if (received <= i) await arrived;
  }),
);
if (sub.type === 'Subscription') sub.unsubscribe();

const base = results[0].perOpUs;
console.log(`local server, ${ROUNDS} sequential calls each (ratio = cost / get's cost in the same run)`);
for (const r of results) console.log(`  ${r.label.padEnd(36)} ${r.perOpUs.toFixed(1).padStart(8)} µs/op   ratio ${(r.perOpUs / base).toFixed(2)}`);
cache.close();
await momento.stop();
process.exit(0);
