// Row group 3: the receive path's CPU — messages decoded and delivered per second.
//
// momento-chat: a joined ChatRoom over the in-process topic client (the library's own port,
// src/momento-ports.ts), which hands it prepared topic items synchronously through `onItem`; each item is
// decoded, checked, merged into the room's timeline and delivered to a `message` listener. Raw: a loop of
// JSON.parse over the same strings. No network and no SDK on either side: this is the library's own cost.
// A fresh room per round (a room keeps what it received), alternating rounds, the median round compared.
// One extra library round runs under the inspector's profiler: its top functions are the evidence kept.
import { ChatRoom } from '../../dist/index.js';
import { profileWhile, topSelfTime } from '../harness/cpu-profile.mjs';
import { makeEnvelopes } from '../harness/envelopes.mjs';
import { InProcessCacheClient, InProcessTopicClient, InProcessTopicItem } from '../harness/in-process-ports.mjs';
import { summarize } from '../harness/percentiles.mjs';
import { alternate } from '../harness/rounds.mjs';
import { ratioRow } from '../harness/row.mjs';
import { target } from '../harness/target.mjs';

const ROOM = 'receive';

export async function run({ scale, log }) {
  const perRound = Math.max(1000, Math.round(5000 * scale));
  const rounds = 20;
  const envelopes = await makeEnvelopes({ roomId: ROOM, count: perRound });
  const items = envelopes.map((value, i) => new InProcessTopicItem(value, 'user-1', i + 1));

  /** Feeds every item to a freshly joined room. @returns messages per second */
  const library = async () => {
    const topicClient = new InProcessTopicClient();
    const room = new ChatRoom({ cacheClient: new InProcessCacheClient(), topicClient, cacheName: 'bench', roomId: ROOM });
    await room.join();
    let delivered = 0;
    room.on('message', () => delivered++);
    const t0 = performance.now();
    topicClient.deliver(ROOM, items);
    const seconds = (performance.now() - t0) / 1000;
    await room.leave();
    if (delivered !== items.length) throw new Error(`bench: the room delivered ${delivered} of ${items.length} messages`);
    return items.length / seconds;
  };
  let sink = 0;
  const raw = () => {
    const t0 = performance.now();
    for (const text of envelopes) sink += JSON.parse(text).text.length;
    return envelopes.length / ((performance.now() - t0) / 1000);
  };

  for (let i = 0; i < 5; i++) {
    await library();
    raw();
  }
  const rates = { library: [], raw: [] };
  await alternate(rounds, {
    library: async () => rates.library.push(await library()),
    raw: async () => rates.raw.push(raw()),
  });
  if (sink === 0) throw new Error('bench: JSON.parse read nothing');
  const lib = summarize(rates.library);
  const rawRates = summarize(rates.raw);
  log(`${rounds} rounds of ${perRound} messages each side`);
  // Many rounds, so the profile holds enough samples to rank functions.
  const profile = await profileWhile(async () => {
    for (let i = 0; i < 20; i++) await library();
  });
  return {
    rows: [
      ratioRow({
        group: 'receive-cpu',
        name: 'receive path, messages decoded + delivered',
        unit: 'msg/s',
        library: lib.p50,
        raw: rawRates.p50,
        target: target('at-least', 0.8),
        detail: { library: lib, raw: rawRates, messagesPerRound: perRound, payloadBytes: Buffer.byteLength(envelopes[0]) },
      }),
    ],
    extras: { profile: topSelfTime(profile, 15) },
  };
}
