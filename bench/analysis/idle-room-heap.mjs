// What an idle joined ChatRoom holds, by kind of object: the evidence behind the "heap per idle joined
// room" row. Not part of `npm run bench` (heap snapshots take a while); run it after a build:
//
//   npm run build && node --expose-gc bench/analysis/idle-room-heap.mjs
//
// The rooms are joined over the in-process ports (bench/harness/in-process-ports.mjs), so no Momento SDK
// object is in the picture: every byte counted is the library's (the fake subscription handle aside, a
// few dozen bytes that the SDK's own handle replaces). Two heap snapshots, before and after N joined
// rooms with one `message` listener each; per constructor, the self size per room. A Set's or Map's hash
// table shows as an `(array)`, the variables closures capture as `system / Context`.
import v8 from 'node:v8';
import { ChatRoom } from '../../dist/index.js';
import { settledHeap } from '../harness/heap.mjs';
import { InProcessCacheClient, InProcessTopicClient } from '../harness/in-process-ports.mjs';

const N = 1000;

/** Self size and count per kind of object. */
async function census() {
  await settledHeap();
  const chunks = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(chunk);
  const snapshot = JSON.parse(Buffer.concat(chunks).toString());
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [width, typeAt, nameAt, sizeAt] = [fields.length, fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const kinds = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = snapshot.strings[snapshot.nodes[i + nameAt]];
    const kind = type.includes('string') ? '(string)' : type === 'code' ? '(code)' : type === 'number' ? '(number)' : type === 'closure' ? `closure ${name}` : type === 'object' || type === 'native' ? name : `(${type}) ${name.slice(0, 30)}`;
    const k = kinds.get(kind) ?? { count: 0, bytes: 0 };
    k.count++;
    k.bytes += snapshot.nodes[i + sizeAt];
    kinds.set(kind, k);
  }
  return kinds;
}

const join = async (n, rooms) => {
  for (let i = 0; i < n; i++) {
    const room = new ChatRoom({ cacheClient: new InProcessCacheClient(), topicClient: new InProcessTopicClient(), cacheName: 'analysis', roomId: `room-${i}` });
    room.on('message', () => {});
    await room.join();
    rooms.push(room);
  }
};

// Once first, unmeasured: the first rooms of a process also compile code.
const warm = [];
await join(50, warm);
for (const room of warm) await room.leave();
warm.length = 0;

// The ports themselves, measured alone, to subtract.
const before = await census();
const ports = Array.from({ length: N }, () => [new InProcessCacheClient(), new InProcessTopicClient()]);
const afterPorts = await census();
ports.length = 0;
const rooms = [];
const beforeRooms = await census();
await join(N, rooms);
const afterRooms = await census();

const perRoom = new Map();
for (const [kind, a] of afterRooms) {
  const b = beforeRooms.get(kind) ?? { count: 0, bytes: 0 };
  const p = (afterPorts.get(kind)?.bytes ?? 0) - (before.get(kind)?.bytes ?? 0);
  perRoom.set(kind, { count: (a.count - b.count) / N, bytes: (a.bytes - b.bytes - p) / N });
}
const total = [...perRoom.values()].reduce((sum, k) => sum + k.bytes, 0);
console.log(`${N} joined idle rooms over in-process ports: ${Math.round(total)} B per room (self sizes, the ports' own ${Math.round([...afterPorts.values()].reduce((s, k) => s + k.bytes, 0) / N - [...before.values()].reduce((s, k) => s + k.bytes, 0) / N)} B taken off)\n`);
console.log('   B/room  objects/room  kind');
for (const [kind, k] of [...perRoom.entries()].filter(([, k]) => Math.abs(k.bytes) >= 8).sort((a, b) => b[1].bytes - a[1].bytes)) {
  console.log(`${Math.round(k.bytes).toString().padStart(9)}  ${k.count.toFixed(1).padStart(12)}  ${kind}`);
}
for (const room of rooms) await room.leave();
