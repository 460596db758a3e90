// Row group 5: fan-out in one process — one sender, 200 receivers of one room.
//
// momento-chat: 200 ChatRoom instances joined to one room id (sharing one CacheClient and one
// TopicClient, as 200 rooms in one process would), one joined sender room; each message is timed from
// send() to the `message` event of every receiver: 200 samples per message. Raw: 200 raw subscriptions
// (JSON.parse in onItem) on the same kind of client, a subscribed raw sender doing listPushBack +
// publish of the same envelope. One message at a time, until all 200 have it.
//
// Each round sets one side up on a fresh room id (no history), measures the heap once its receivers are
// in place and again after the round's messages, sends, then tears the side down. The heap rows are each
// side's growth over the heap measured before it was set up.
import { CollectionTtl } from '@gomomento/sdk';
import { ChatRoom } from '../../dist/index.js';
import { cacheClient, createCache, topicClient } from '../harness/clients.mjs';
import { countdown, within } from '../harness/deadline.mjs';
import { BENCH_TEXT, makeEnvelopes } from '../harness/envelopes.mjs';
import { settledHeap } from '../harness/heap.mjs';
import { summarize } from '../harness/percentiles.mjs';
import { alternate } from '../harness/rounds.mjs';
import { ratioRow } from '../harness/row.mjs';
import { sideMeter } from '../harness/side-meter.mjs';
import { target } from '../harness/target.mjs';

const CACHE = 'bench-fan-out';
const RECEIVERS = 200;
const WAIT_MS = 10_000;
const BATCH = 50;

/** Runs `fn` for 0…n-1, `BATCH` at a time. */
async function inBatches(n, fn) {
  for (let i = 0; i < n; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => fn(i + k)));
}

export async function run({ server, scale, log }) {
  const rounds = 8;
  const perRound = Math.max(5, Math.round(50 * scale));
  const admin = await cacheClient(server);
  await createCache(admin, CACHE);
  const sender = { cache: await cacheClient(server), topics: topicClient(server) };
  const receivers = { cache: await cacheClient(server), topics: topicClient(server) };
  const ttl = CollectionTtl.of(86_400);
  const meter = sideMeter(server.pid);
  const latency = { library: [], raw: [] };
  const heap = { library: [], raw: [] };

  // Arrival times of the current message, one per receiver.
  let arrivedAt = [];
  let arrived = countdown(0);
  const arrive = () => {
    arrivedAt.push(performance.now());
    arrived.arrive();
  };
  const expect = () => {
    arrivedAt = [];
    arrived = countdown(RECEIVERS);
  };

  const library = async (round, record = true) => {
    const roomId = `fan-lib-${round}`;
    const before = await settledHeap();
    const rooms = [];
    await inBatches(RECEIVERS, async () => {
      const room = new ChatRoom({ cacheClient: receivers.cache, topicClient: receivers.topics, cacheName: CACHE, roomId });
      room.on('message', arrive);
      await room.join();
      rooms.push(room);
    });
    const senderRoom = new ChatRoom({ cacheClient: sender.cache, topicClient: sender.topics, cacheName: CACHE, roomId, sender: { displayName: 'bench' } });
    await senderRoom.join();
    const joined = await settledHeap();
    await meter.measure('library', perRound * RECEIVERS, async () => {
      for (let i = 0; i < perRound; i++) {
        expect();
        const t0 = performance.now();
        await within(Promise.all([arrived.done, senderRoom.send(BENCH_TEXT)]), WAIT_MS, 'a fan-out message');
        if (record) for (const t of arrivedAt) latency.library.push(t - t0);
      }
    });
    const after = await settledHeap();
    if (record) heap.library.push({ joined: joined - before, after: after - before });
    await senderRoom.leave();
    for (const room of rooms) await room.leave();
  };

  const raw = async (round, record = true) => {
    const topic = `fan-raw-${round}`;
    const envelopes = await makeEnvelopes({ roomId: topic, count: perRound });
    const before = await settledHeap();
    const subscriptions = [];
    await inBatches(RECEIVERS, async () => {
      const subscription = await receivers.topics.subscribe(CACHE, topic, {
        onItem: (item) => {
          JSON.parse(item.valueString());
          arrive();
        },
        onError: () => {},
      });
      if (subscription.type !== 'Subscription') throw new Error(`bench: unable to subscribe; ${subscription.message()}`);
      subscriptions.push(subscription);
    });
    const senderSubscription = await sender.topics.subscribe(CACHE, topic, { onItem: (item) => JSON.parse(item.valueString()), onError: () => {} });
    const joined = await settledHeap();
    await meter.measure('raw', perRound * RECEIVERS, async () => {
      for (let i = 0; i < perRound; i++) {
        expect();
        const t0 = performance.now();
        const stored = await sender.cache.listPushBack(CACHE, topic, envelopes[i], { truncateFrontToSize: 100, ttl });
        const published = await sender.topics.publish(CACHE, topic, envelopes[i]);
        if (stored.type === 'Error' || published.type === 'Error') throw new Error('bench: a raw send failed');
        await within(arrived.done, WAIT_MS, 'a raw fan-out message');
        if (record) for (const t of arrivedAt) latency.raw.push(t - t0);
      }
    });
    const after = await settledHeap();
    if (record) heap.raw.push({ joined: joined - before, after: after - before });
    senderSubscription.unsubscribe();
    for (const subscription of subscriptions) subscription.unsubscribe();
  };

  try {
    await library('warm', false);
    await raw('warm', false);
    await alternate(rounds, { library, raw });
  } finally {
    sender.cache.close();
    receivers.cache.close();
    admin.close();
  }
  const lib = summarize(latency.library);
  const rawSummary = summarize(latency.raw);
  const median = (side, key) => summarize(heap[side].map((h) => h[key])).p50;
  const kb = (bytes) => bytes / 1024;
  log(`${rounds} rounds of ${perRound} messages to ${RECEIVERS} receivers each side`);
  const sides = meter.report();
  return {
    rows: [
      ratioRow({ group: 'fan-out', name: `fan-out to ${RECEIVERS} rooms, delivery p50`, unit: 'ms', library: lib.p50, raw: rawSummary.p50, target: target('at-most', 1.1), detail: { library: lib, raw: rawSummary } }),
      ratioRow({ group: 'fan-out', name: `fan-out to ${RECEIVERS} rooms, delivery p99`, unit: 'ms', library: lib.p99, raw: rawSummary.p99, target: target('at-most', 1.25) }),
      ratioRow({ group: 'fan-out', name: '  client CPU per delivery', unit: 'µs', library: sides.library.clientCpuUsPerMessage, raw: sides.raw.clientCpuUsPerMessage }),
      ratioRow({ group: 'fan-out', name: `fan-out, heap of ${RECEIVERS} receivers, joined`, unit: 'KB', library: kb(median('library', 'joined')), raw: kb(median('raw', 'joined')), detail: heap }),
      ratioRow({ group: 'fan-out', name: `fan-out, heap after ${perRound} messages`, unit: 'KB', library: kb(median('library', 'after')), raw: kb(median('raw', 'after')) }),
    ],
    extras: { sides },
  };
}
