// Row group 2: joining a room with 0, 100 and 1,000 messages of history.
//
// momento-chat: ChatRoom.join() with historyLength = pageSize = the history size, so the first page is the
// whole history — it subscribes, waits for the subscription to be live, reads the list, decodes and merges.
// Raw: subscribe (the SDK resolves on the first heartbeat), listFetch of the same range, JSON.parse of
// every item. Same clients, the same list, alternating rounds; the median of each side is compared.
// Leaving and unsubscribing happen outside the timed part. Twenty more joins of the largest history run
// under the profiler, for where the library's time goes.
import { ChatRoom } from '../../dist/index.js';
import { cacheClient, createCache, topicClient } from '../harness/clients.mjs';
import { profileWhile, topSelfTime } from '../harness/cpu-profile.mjs';
import { within } from '../harness/deadline.mjs';
import { makeEnvelopes } from '../harness/envelopes.mjs';
import { summarize } from '../harness/percentiles.mjs';
import { alternate } from '../harness/rounds.mjs';
import { ratioRow } from '../harness/row.mjs';
import { sideMeter } from '../harness/side-meter.mjs';
import { target } from '../harness/target.mjs';

const CACHE = 'bench-join';
const SIZES = [0, 100, 1000];
const WAIT_MS = 10_000;
const JOIN_TARGET = target('at-most', 1.15);

export async function run({ server, scale, log }) {
  const rounds = Math.max(6, Math.round(150 * scale));
  const admin = await cacheClient(server);
  await createCache(admin, CACHE);
  const cache = await cacheClient(server);
  const topics = topicClient(server);
  const meter = sideMeter(server.pid);
  const rows = [];
  const profiles = {};
  try {
    for (const size of SIZES) {
      const roomId = `join-${size}`;
      if (size > 0) {
        const stored = await admin.listConcatenateBack(CACHE, roomId, await makeEnvelopes({ roomId, count: size }));
        if (stored.type === 'Error') throw new Error(`bench: unable to write the history; ${stored.message()}`);
      }
      const page = Math.max(size, 1);
      const samples = { library: [], raw: [] };
      const library = async (record = true) => {
        const room = new ChatRoom({ cacheClient: cache, topicClient: topics, cacheName: CACHE, roomId, historyLength: page, pageSize: page });
        const t0 = performance.now();
        const loaded = await within(room.join(), WAIT_MS, 'a join');
        const t1 = performance.now();
        await room.leave();
        if (loaded.length !== size) throw new Error(`bench: join loaded ${loaded.length} messages, not ${size}`);
        if (record) samples.library.push(t1 - t0);
      };
      const raw = async (record = true) => {
        const t0 = performance.now();
        const subscription = await within(topics.subscribe(CACHE, roomId, { onItem: () => {}, onError: () => {} }), WAIT_MS, 'a subscribe');
        if (subscription.type !== 'Subscription') throw new Error(`bench: unable to subscribe; ${subscription.message()}`);
        const fetched = await cache.listFetch(CACHE, roomId, { startIndex: -page });
        if (fetched.type === 'Error') throw new Error(`bench: unable to read the history; ${fetched.message()}`);
        const messages = fetched.type === 'Hit' ? fetched.valueListString().map((item) => JSON.parse(item)) : [];
        const t1 = performance.now();
        subscription.unsubscribe();
        if (messages.length !== size) throw new Error(`bench: listFetch read ${messages.length} messages, not ${size}`);
        if (record) samples.raw.push(t1 - t0);
      };
      for (let i = 0; i < 5; i++) {
        await library(false);
        await raw(false);
      }
      await alternate(rounds, {
        library: () => meter.measure(`${size} library`, 1, library),
        raw: () => meter.measure(`${size} raw`, 1, raw),
      });
      // The largest join once more under the profiler: where a join's client time goes.
      if (size === SIZES.at(-1)) {
        const profile = await profileWhile(async () => {
          for (let i = 0; i < 20; i++) await library(false);
        });
        profiles[size] = topSelfTime(profile, 12);
      }
      const lib = summarize(samples.library);
      const rawSummary = summarize(samples.raw);
      log(`${size}: ${lib.count} joins each side`);
      rows.push(
        ratioRow({
          group: 'join',
          name: `join, ${size.toLocaleString('en-US')} messages of history, median`,
          unit: 'ms',
          library: lib.p50,
          raw: rawSummary.p50,
          target: JOIN_TARGET,
          detail: { library: lib, raw: rawSummary },
        }),
      );
    }
  } finally {
    cache.close();
    admin.close();
  }
  return { rows, extras: { sides: meter.report(), profiles } };
}
