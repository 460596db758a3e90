// Row group 1: send → receive latency, one message at a time, p50 and p99.
//
// Client-only: ChatRoom.send on one room, until the `message` event of another room joined to the same
// room id — beside listPushBack + publish of the same envelope by hand, until `onItem` of a raw
// subscriber (which JSON.parses it, as an app must). Each side's sender is subscribed to its room too,
// as a chat user is.
//
// Moderated: ChatRoom.send (moderated) through a Moderator that watches the room (hook: accept), until
// the `message` event of another moderated room — beside a raw publish to `<room>-input`, the
// hand-written relay of baselines/raw-relay.mjs, and a raw subscriber on `<room>`. A third side runs the
// same relay with the Moderator's id claim added (info rows), which tells that call's cost from the rest.
//
// Both sides share the same client objects (so the same gRPC channels), and run in alternating rounds.
import { CollectionTtl } from '@gomomento/sdk';
import { ChatRoom } from '../../dist/index.js';
import { Moderator } from '../../dist/moderator/index.js';
import { startRawRelay } from '../baselines/raw-relay.mjs';
import { cacheClient, createCache, topicClient } from '../harness/clients.mjs';
import { within } from '../harness/deadline.mjs';
import { BENCH_TEXT, makeEnvelopes } from '../harness/envelopes.mjs';
import { summarize } from '../harness/percentiles.mjs';
import { alternate } from '../harness/rounds.mjs';
import { ratioRow } from '../harness/row.mjs';
import { sideMeter } from '../harness/side-meter.mjs';
import { target } from '../harness/target.mjs';

const CACHE = 'bench-latency';
const HISTORY = 100;
const WAIT_MS = 5_000;
const P50_TARGET = target('at-most', 1.1);
const P99_TARGET = target('at-most', 1.25);

/** Resolves the next call of `arrive` with the time it came. */
function arrivals() {
  let resolve;
  return {
    next: () => new Promise((r) => (resolve = r)),
    arrive: () => resolve?.(performance.now()),
  };
}

const ok = (response, what) => {
  if (response.type === 'Error') throw new Error(`bench: ${what} failed; ${response.message()}`);
  return response;
};

export async function run({ server, scale, log }) {
  const rounds = 16;
  const clientOnlyPerRound = Math.max(10, Math.round(150 * scale));
  const moderatedPerRound = Math.max(10, Math.round(100 * scale));
  const warmup = 50;

  const admin = await cacheClient(server);
  await createCache(admin, CACHE);
  const sender = { cache: await cacheClient(server), topics: topicClient(server) };
  const receiver = { cache: await cacheClient(server), topics: topicClient(server) };
  const relayClients = { cache: await cacheClient(server), topics: topicClient(server) };
  const roomOf = (clients, roomId, mode) => new ChatRoom({ cacheClient: clients.cache, topicClient: clients.topics, cacheName: CACHE, roomId, mode, sender: { displayName: 'bench' } });
  const ttl = CollectionTtl.of(86_400);
  const cleanup = [];
  const meter = sideMeter(server.pid);
  const rows = [];
  const extras = {};

  try {
    // ---- client-only ----
    const libArrivals = arrivals();
    const libSender = roomOf(sender, 'lat-lib');
    const libReceiver = roomOf(receiver, 'lat-lib');
    await libSender.join();
    await libReceiver.join();
    cleanup.push(() => libSender.leave(), () => libReceiver.leave());
    libReceiver.on('message', libArrivals.arrive);

    const rawArrivals = arrivals();
    const rawTotal = warmup + rounds * clientOnlyPerRound;
    const rawEnvelopes = await makeEnvelopes({ roomId: 'lat-raw', count: rawTotal });
    let rawNext = 0;
    const rawSenderSub = ok(await sender.topics.subscribe(CACHE, 'lat-raw', { onItem: (item) => JSON.parse(item.valueString()), onError: () => {} }), 'subscribe');
    const rawReceiverSub = ok(
      await receiver.topics.subscribe(CACHE, 'lat-raw', {
        onItem: (item) => {
          JSON.parse(item.valueString());
          rawArrivals.arrive();
        },
        onError: () => {},
      }),
      'subscribe',
    );
    cleanup.push(() => rawSenderSub.unsubscribe(), () => rawReceiverSub.unsubscribe());

    const clientOnly = { library: [], raw: [] };
    const libSend = async (samples) => {
      const arrived = libArrivals.next();
      const t0 = performance.now();
      const [t1] = await within(Promise.all([arrived, libSender.send(BENCH_TEXT)]), WAIT_MS, 'a client-only message');
      samples?.push(t1 - t0);
    };
    const rawSend = async (samples) => {
      const payload = rawEnvelopes[rawNext++];
      const arrived = rawArrivals.next();
      const t0 = performance.now();
      ok(await sender.cache.listPushBack(CACHE, 'lat-raw', payload, { truncateFrontToSize: HISTORY, ttl }), 'listPushBack');
      ok(await sender.topics.publish(CACHE, 'lat-raw', payload), 'publish');
      const t1 = await within(arrived, WAIT_MS, 'a raw message');
      samples?.push(t1 - t0);
    };
    for (let i = 0; i < warmup; i++) {
      await libSend();
      await rawSend();
    }
    await alternate(rounds, {
      library: () => meter.measure('client-only library', clientOnlyPerRound, async () => {
        for (let i = 0; i < clientOnlyPerRound; i++) await libSend(clientOnly.library);
      }),
      raw: () => meter.measure('client-only raw', clientOnlyPerRound, async () => {
        for (let i = 0; i < clientOnlyPerRound; i++) await rawSend(clientOnly.raw);
      }),
    });
    log(`client-only: ${clientOnly.library.length} + ${clientOnly.raw.length} messages`);

    // ---- moderated ----
    const moderator = new Moderator({ cacheClient: relayClients.cache, topicClient: relayClients.topics, cacheName: CACHE, moderate: () => ({ action: 'accept' }), historyLength: HISTORY });
    let moderatorErrors = 0;
    moderator.on('error', () => moderatorErrors++);
    await moderator.watch('lat-mod-lib');
    cleanup.push(() => moderator.stop());
    const modArrivals = arrivals();
    const modSender = roomOf(sender, 'lat-mod-lib', 'moderated');
    const modReceiver = roomOf(receiver, 'lat-mod-lib', 'moderated');
    await modSender.join();
    await modReceiver.join();
    cleanup.push(() => modSender.leave(), () => modReceiver.leave());
    modReceiver.on('message', modArrivals.arrive);

    // The hand-written relay, and the same relay with the Moderator's id claim (setIfAbsent) added: four
    // calls, like the Moderator. The second one tells the claim's cost from the library's own.
    const relaySide = async (roomId, claim) => {
      const relay = await startRawRelay({ cacheClient: relayClients.cache, topicClient: relayClients.topics, cacheName: CACHE, roomId, historyLength: HISTORY, claim });
      cleanup.push(() => relay.stop());
      const relayArrivals = arrivals();
      const inputs = await makeEnvelopes({ roomId, count: warmup + rounds * moderatedPerRound, mode: 'moderated' });
      let inputNext = 0;
      const senderSub = ok(await sender.topics.subscribe(CACHE, roomId, { onItem: (item) => JSON.parse(item.valueString()), onError: () => {} }), 'subscribe');
      const receiverSub = ok(
        await receiver.topics.subscribe(CACHE, roomId, {
          onItem: (item) => {
            JSON.parse(item.valueString());
            relayArrivals.arrive();
          },
          onError: () => {},
        }),
        'subscribe',
      );
      cleanup.push(() => senderSub.unsubscribe(), () => receiverSub.unsubscribe());
      return {
        failures: () => relay.failures(),
        send: async (samples) => {
          const payload = inputs[inputNext++];
          const arrived = relayArrivals.next();
          const t0 = performance.now();
          ok(await sender.topics.publish(CACHE, `${roomId}-input`, payload), 'publish');
          const t1 = await within(arrived, WAIT_MS, 'a relayed message');
          samples?.push(t1 - t0);
        },
      };
    };
    const relay = await relaySide('lat-mod-raw', false);
    const claimRelay = await relaySide('lat-mod-claim', true);

    const moderated = { library: [], raw: [], claim: [] };
    const modSend = async (samples) => {
      const arrived = modArrivals.next();
      const t0 = performance.now();
      const [t1] = await within(Promise.all([arrived, modSender.send(BENCH_TEXT)]), WAIT_MS, 'a moderated message');
      samples?.push(t1 - t0);
    };
    for (let i = 0; i < warmup; i++) {
      await modSend();
      await relay.send();
      await claimRelay.send();
    }
    const moderatedRound = (side, send) => () =>
      meter.measure(`moderated ${side}`, moderatedPerRound, async () => {
        for (let i = 0; i < moderatedPerRound; i++) await send(moderated[side]);
      });
    await alternate(rounds, {
      library: moderatedRound('library', modSend),
      raw: moderatedRound('raw', relay.send),
      claim: moderatedRound('claim', claimRelay.send),
    });
    log(`moderated: ${moderated.library.length} + ${moderated.raw.length} + ${moderated.claim.length} messages`);
    const relayFailures = relay.failures() + claimRelay.failures();
    if (moderatorErrors + relayFailures > 0) throw new Error(`bench: ${moderatorErrors} moderator errors, ${relayFailures} relay failures`);

    // The moderated side is judged against the relay that makes the same Momento calls: claiming each id
    // once is what keeps a redelivered input (webhooks, two moderators) from being stored twice. The
    // relay that skips the claim is shown below it, for what that guarantee costs.
    for (const [mode, samples, against] of [
      ['client-only', clientOnly, 'raw'],
      ['moderated', moderated, 'claim'],
    ]) {
      const lib = summarize(samples.library);
      const raw = summarize(samples[against]);
      const detail = { samples: lib.count, library: lib, raw };
      rows.push(ratioRow({ group: 'latency', name: `send → receive, ${mode}, p50`, unit: 'ms', library: lib.p50, raw: raw.p50, target: P50_TARGET, detail }));
      rows.push(ratioRow({ group: 'latency', name: `send → receive, ${mode}, p99`, unit: 'ms', library: lib.p99, raw: raw.p99, target: P99_TARGET }));
    }
    // Where each message's time went: this process (rooms or raw clients, and the moderator or relay) and
    // the local server, per message. The latency rows include both; these say which one differs.
    const lib = summarize(moderated.library);
    const unclaimed = summarize(moderated.raw);
    rows.push(ratioRow({ group: 'latency', name: '  moderated p50, against a relay that skips the claim (3 calls, not 4)', unit: 'ms', library: lib.p50, raw: unclaimed.p50, detail: { raw: unclaimed } }));
    rows.push(ratioRow({ group: 'latency', name: '  moderated p99, against a relay that skips the claim (3 calls, not 4)', unit: 'ms', library: lib.p99, raw: unclaimed.p99 }));
    extras.sides = meter.report();
    for (const mode of ['client-only', 'moderated']) {
      const lib = extras.sides[`${mode} library`];
      const raw = extras.sides[`${mode} raw`];
      rows.push(ratioRow({ group: 'latency', name: `  ${mode}: client CPU per message`, unit: 'µs', library: lib.clientCpuUsPerMessage, raw: raw.clientCpuUsPerMessage }));
      rows.push(ratioRow({ group: 'latency', name: `  ${mode}: local server CPU per message`, unit: 'µs', library: lib.serverCpuUsPerMessage, raw: raw.serverCpuUsPerMessage }));
    }
    extras.payloadBytes = Buffer.byteLength(rawEnvelopes[0]);
  } finally {
    for (const stop of cleanup.reverse()) await stop();
    for (const c of [admin, sender.cache, receiver.cache, relayClients.cache]) c.close();
  }
  return { rows, extras };
}
