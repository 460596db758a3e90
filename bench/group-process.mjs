// One group of rows, in a process of its own (started by bench/run.mjs with --expose-gc): its heap,
// its gRPC channels and its JIT state never mix with another group's. Sends its rows over IPC, then
// exits: every group has closed its clients and ended its subscriptions by then.
import { serverFromEnv } from './harness/clients.mjs';

const name = process.argv[2];
const { run } = await import(`./groups/${name}.mjs`);
const scale = Number(process.env.BENCH_SCALE ?? 1);
const log = (...parts) => console.error(`  [${name}]`, ...parts);
const result = await run({ server: serverFromEnv(), scale, log });
process.send({ type: 'result', rows: result.rows, extras: result.extras ?? {} }, () => process.exit(0));
