// Row group 6: memory.
//
// Idle rooms: the heap of N joined, idle ChatRooms (empty history, one `message` listener each, sharing
// one CacheClient and one TopicClient) against N raw subscriptions (an onItem closure each) on the same
// kind of client, each measured as growth over the heap just before it was set up, after full GCs
// (--expose-gc). The row is (rooms − raw) / N: what a room costs beyond the subscription it holds. Beside
// it, the heap of 1,000 rooms joined over the in-process ports (no SDK): the room's own objects alone.
//
// 10,000 messages: one joined room (a `message` listener that counts) receives 10,000 messages from a raw
// publisher (envelopes the library made; publish only, since only what arrives on the topic can reach a
// reader's heap), and the heap is read at the start and every 1,000 (1k, 5k and 10k shown as ratios to
// the start). A raw subscriber (JSON.parse, then drop) goes through the same first, as the figure a
// reader that keeps nothing stays at.
import { ChatRoom } from '../../dist/index.js';
import { cacheClient, createCache, topicClient } from '../harness/clients.mjs';
import { countdown, within } from '../harness/deadline.mjs';
import { makeEnvelopes } from '../harness/envelopes.mjs';
import { settledHeap } from '../harness/heap.mjs';
import { summarize } from '../harness/percentiles.mjs';
import { alternate } from '../harness/rounds.mjs';
import { absoluteRow } from '../harness/row.mjs';
import { target } from '../harness/target.mjs';

const CACHE = 'bench-memory';
const IDLE = 300;
const BATCH = 50;
const CHECKPOINTS = Array.from({ length: 10 }, (_, i) => (i + 1) * 1000);
const SHOWN = [1000, 5000, 10_000];
// The steady state: from here on, a room that keeps a bounded number of messages has stopped growing.
const SLOPE_FROM = 2000;
const IN_FLIGHT = 32;
const WAIT_MS = 30_000;

/** The least-squares slope of y over x. */
function slopeOf(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

async function inBatches(n, fn) {
  for (let i = 0; i < n; i += BATCH) await Promise.all(Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => fn(i + k)));
}

export async function run({ server, scale, log }) {
  const admin = await cacheClient(server);
  await createCache(admin, CACHE);
  const cache = await cacheClient(server);
  const topics = topicClient(server);
  const publisher = topicClient(server);
  const rows = [];
  const detail = { idle: { library: [], raw: [] }, stream: {} };
  try {
    // ---- idle rooms ----
    const idleRounds = 4;
    // Round 0 of each side is a warm-up (the first rooms and subscriptions of a process also compile code
    // and fill the SDK's pools): not kept.
    await alternate(idleRounds + 1, {
      library: async (round) => {
        const before = await settledHeap();
        const rooms = [];
        await inBatches(IDLE, async () => {
          const room = new ChatRoom({ cacheClient: cache, topicClient: topics, cacheName: CACHE, roomId: `idle-lib-${round}` });
          room.on('message', () => {});
          await room.join();
          rooms.push(room);
        });
        if (round > 0) detail.idle.library.push((await settledHeap()) - before);
        for (const room of rooms) await room.leave();
      },
      raw: async (round) => {
        const before = await settledHeap();
        const subscriptions = [];
        await inBatches(IDLE, async () => {
          const subscription = await topics.subscribe(CACHE, `idle-raw-${round}`, { onItem: (item) => JSON.parse(item.valueString()), onError: () => {} });
          if (subscription.type !== 'Subscription') throw new Error(`bench: unable to subscribe; ${subscription.message()}`);
          subscriptions.push(subscription);
        });
        if (round > 0) detail.idle.raw.push((await settledHeap()) - before);
        for (const subscription of subscriptions) subscription.unsubscribe();
      },
    });
    const perRoom = (side) => summarize(detail.idle[side]).p50 / IDLE;
    rows.push(
      absoluteRow({
        group: 'memory',
        name: 'heap per idle joined room, above a raw subscription',
        unit: 'KB',
        library: (perRoom('library') - perRoom('raw')) / 1024,
        target: target('at-most', 2, 'KB'),
        detail: { rooms: IDLE, perRoomKb: perRoom('library') / 1024, perRawSubscriptionKb: perRoom('raw') / 1024 },
      }),
    );
    // bench/analysis/idle-room-heap.mjs breaks a room's own objects down by constructor, from heap snapshots.
    log(`idle: ${idleRounds} rounds of ${IDLE} rooms and ${IDLE} subscriptions`);

    // ---- 10,000 messages through one reader ----
    const total = CHECKPOINTS.at(-1);
    const warmUp = async () => {
      const count = 3000;
      const envelopes = await makeEnvelopes({ roomId: 'warm', count });
      const room = new ChatRoom({ cacheClient: cache, topicClient: topics, cacheName: CACHE, roomId: 'warm' });
      const arrived = countdown(2 * count);
      room.on('message', arrived.arrive);
      await room.join();
      const subscription = await topics.subscribe(CACHE, 'warm', { onItem: (item) => (JSON.parse(item.valueString()), arrived.arrive()), onError: () => {} });
      let sent = 0;
      const worker = async () => {
        while (sent < count) await publisher.publish(CACHE, 'warm', envelopes[sent++]);
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      await within(arrived.done, WAIT_MS, 'the warm-up messages to arrive');
      subscription.unsubscribe();
      await room.leave();
    };
    const through = async (side, topic, subscribe) => {
      const envelopes = await makeEnvelopes({ roomId: topic, count: total });
      let received = 0;
      let waiting = countdown(0);
      const { stop } = await subscribe(() => {
        received++;
        waiting.arrive();
      });
      const heap = { 0: await settledHeap() };
      let sent = 0;
      for (const checkpoint of CHECKPOINTS) {
        waiting = countdown(checkpoint - received);
        const worker = async () => {
          while (sent < checkpoint) {
            const published = await publisher.publish(CACHE, topic, envelopes[sent++]);
            if (published.type === 'Error') throw new Error(`bench: unable to publish; ${published.message()}`);
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
        await within(waiting.done, WAIT_MS, `${checkpoint} messages to arrive`);
        heap[checkpoint] = await settledHeap();
      }
      await stop();
      detail.stream[side] = heap;
    };
    // The first few thousand messages through a process grow its heap once (compiled code, gRPC's
    // buffers and pools) whoever reads them: warm both readers up first, on topics of their own.
    await warmUp();
    await through('raw', 'stream-raw', async (arrive) => {
      const subscription = await topics.subscribe(CACHE, 'stream-raw', {
        onItem: (item) => {
          JSON.parse(item.valueString());
          arrive();
        },
        onError: () => {},
      });
      return { stop: () => subscription.unsubscribe() };
    });
    await through('library', 'stream-lib', async (arrive) => {
      const room = new ChatRoom({ cacheClient: cache, topicClient: topics, cacheName: CACHE, roomId: 'stream-lib' });
      room.on('message', arrive);
      await room.join();
      return { stop: () => room.leave() };
    });
    const { library, raw } = detail.stream;
    for (const checkpoint of SHOWN) {
      rows.push(
        absoluteRow({
          group: 'memory',
          name: `heap after ${checkpoint.toLocaleString('en-US')} messages, ratio to start`,
          unit: '× start',
          library: library[checkpoint] / library[0],
          raw: raw[checkpoint] / raw[0],
          detail: { libraryMb: library[checkpoint] / 2 ** 20, rawMb: raw[checkpoint] / 2 ** 20 },
        }),
      );
    }
    // Flat means the heap stops growing with the messages: judged on the slope (least squares over the
    // checkpoints from 2,000 on), which does not depend on how big the rest of the process is, and lets a
    // room keep a bounded number of messages. A raw reader, which keeps nothing, measures within about
    // ±20 B/msg of zero here (GC and pool noise); a room that keeps every message, ~450 B/msg.
    const slope = (side) => slopeOf(CHECKPOINTS.filter((c) => c >= SLOPE_FROM).map((c) => [c, detail.stream[side][c]]));
    rows.push(
      absoluteRow({
        group: 'memory',
        name: `heap growth per message, ${(SLOPE_FROM / 1000).toFixed(0)}k → ${(total / 1000).toFixed(0)}k messages`,
        unit: 'B/msg',
        library: slope('library'),
        raw: slope('raw'),
        target: target('at-most', 50, 'B/msg'),
      }),
    );
    log(`stream: ${total} messages through a room and a raw subscriber`);
  } finally {
    cache.close();
    admin.close();
  }
  return { rows, extras: { heap: detail } };
}
