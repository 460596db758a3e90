import { CredentialProvider, TopicClient as WebTopicClient, TopicConfigurations as WebTopicConfigurations } from '@gomomento/sdk-web';
import { describe, expect, it } from 'vitest';
import type { ChatError } from '../../src/errors.js';
import type { RoomClients } from '../../src/room-clients.js';
import { FakeMomento, flush, momentoError } from './support/fake-momento.js';
import { latest, recordedRoom, run, sleep, texts, write } from './support/recovering-room.js';

// Recovery in the corners: each test states a behaviour the docs promise, in an interleaving that once broke it.

const setup = recordedRoom;
const subscribes = (momento: FakeMomento) => momento.calls.filter((c) => c === 'subscribe:lobby').length;


function provider(momento: FakeMomento, expiresInSeconds?: number, onClose: () => void = () => undefined) {
  let made = 0;
  const provide = async (): Promise<RoomClients> => {
    made++;
    return {
      cacheClient: momento.cacheClient(),
      topicClient: momento.topicClient(`token-${made}`),
      expiresAt: expiresInSeconds === undefined ? undefined : Date.now() / 1000 + expiresInSeconds,
      close: onClose,
    };
  };
  return { provide, made: () => made };
}

describe('catching up finds what was missed before the oldest live message', () => {
  it('a room that joined with history recovers a message whose publish was lost, written just before a live one', async () => {
    const { momento, room, gaps } = setup();
    write(momento, 1, false); // history before the join
    await room.join();
    write(momento, 2, false); // A wrote first; its publish is lost
    write(momento, 3); // B wrote after, and published
    momento.deliverAll();
    latest(momento).callbacks.onDiscontinuity!(); // Momento says items were missed
    await run(momento);
    expect(texts(room)).toEqual(['m1', 'm2', 'm3']);
    expect(gaps).toEqual([]);
  });

  it('a room that joined empty recovers it too: only history read from the list bounds the catch-up', async () => {
    const { momento, room, messages, gaps } = setup();
    await room.join(); // a new room: the list does not exist yet
    write(momento, 2, false); // A wrote first; its publish is lost
    write(momento, 3); // B wrote after, and published
    momento.deliverAll();
    latest(momento).callbacks.onDiscontinuity!();
    await run(momento);
    expect({ shown: texts(room), announced: messages, gaps: gaps.length }).toEqual({ shown: ['m2', 'm3'], announced: ['m3', 'm2'], gaps: 0 });
  });

  it("a room that joined empty and sent during a stream blip recovers the other member's earlier message, and says no discontinuity", async () => {
    const { momento, room, gaps } = setup();
    await room.join(); // a new room
    const sub = latest(momento);
    sub.callbacks.onConnectionLost!(); // e.g. the Node SDK's 5 s deadline on every fresh subscription
    sub.active = false; // nothing reaches this stream while it is down
    write(momento, 1, false); // another member writes (its publish is lost with the stream)
    const mine = await room.send('mine'); // then this member sends; its echo is lost too
    sub.active = true;
    sub.callbacks.onHeartbeat!(); // the SDK restored the stream
    await run(momento);
    expect({ shown: texts(room), gaps: gaps.length }).toEqual({ shown: ['m1', mine.text], gaps: 0 });
  });
});

describe('a gap that opens while joining', () => {
  it('reads back over the whole gap instead of anchoring on an item that arrived after it', async () => {
    const momento = new FakeMomento();
    write(momento, 1, false);
    write(momento, 2, false);
    const { room, gaps } = setup({ pageSize: 2 }, momento);
    momento.manual = true;
    const joined = room.join();
    await flush();
    momento.pending.shift()!.complete(); // subscribe
    await flush();
    expect(momento.pending.map((c) => c.op)).toEqual(['listFetch']);
    momento.pending.shift()!.complete(); // the newest page is read: [m1, m2]
    // Before the join goes on: Momento drops m3..m6 on this stream and says so, then m7 arrives.
    for (let n = 3; n <= 6; n++) write(momento, n, false);
    latest(momento).callbacks.onDiscontinuity!();
    write(momento, 7);
    momento.deliverAll();
    momento.manual = false;
    await momento.completeAll();
    await joined;
    await run(momento);
    expect({ shown: texts(room), gaps: gaps.length }).toEqual({ shown: ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7'], gaps: 0 });
  });
});

describe('loadOlder while the room forgets its oldest messages (maxMessages)', () => {
  it('leaves no hole in room.messages when live messages make the room forget its oldest while a page is read', async () => {
    const momento = new FakeMomento();
    for (let n = 1; n <= 30; n++) write(momento, n, false);
    const { room } = setup({ pageSize: 5, maxMessages: 10 }, momento);
    await room.join(); // m26..m30
    await room.loadOlder(); // m21..m25
    momento.manual = true;
    const older = room.loadOlder(); // reads m16..m20, anchored on m21
    await flush();
    write(momento, 31);
    write(momento, 32);
    momento.deliverAll(); // 12 messages > 11: the room forgets m21 and m22
    momento.manual = false;
    await momento.completeAll();
    await older;
    const numbers = texts(room).map((t) => Number(t.slice(1)));
    expect(numbers).toEqual(Array.from({ length: 33 - numbers[0]! }, (_, i) => numbers[0]! + i));
  });

  it('pages the forgotten messages in again afterwards', async () => {
    const momento = new FakeMomento();
    for (let n = 1; n <= 30; n++) write(momento, n, false);
    const { room } = setup({ pageSize: 5, maxMessages: 10 }, momento);
    await room.join();
    await room.loadOlder();
    momento.manual = true;
    const older = room.loadOlder();
    await flush();
    write(momento, 31);
    write(momento, 32);
    momento.deliverAll();
    momento.manual = false;
    await momento.completeAll();
    await older;
    while ((await room.loadOlder()).hasMore);
    expect(texts(room)).toContain('m21');
  });
});

describe('when catching up fails', () => {
  it('reads again with growing pauses, and keeps the healthy stream', async () => {
    const { momento, room, statuses } = setup({ reconnect: { initialDelayMs: 20, maxDelayMs: 5000 } });
    await room.join();
    // The cache side fails (say, a rate limit on reads) while the topic works.
    momento.fail('listFetch', ...Array.from({ length: 1000 }, () => momentoError('LIMIT_EXCEEDED_ERROR')));
    latest(momento).callbacks.onDiscontinuity!(); // one gap on a healthy stream
    await sleep(700);
    const count = subscribes(momento) - 1;
    await room.leave();
    // With pauses doubling from 20 ms (10-20, 20-40, 40-80, 80-160, 160-320 ms...) ~6 attempts fit in 700 ms.
    expect(count).toBeLessThanOrEqual(8);
    // And a failed read of the history is not a broken stream: the room should not say reconnecting for it.
    expect(statuses).not.toContain('reconnecting');
  });
});

describe('renewal when the tokens live no longer than renewBeforeSeconds', () => {
  it('does not ask for new clients in a hot loop (tokens of 30 s, renewBeforeSeconds 60 by default)', async () => {
    const momento = new FakeMomento();
    const { provide, made } = provider(momento, 30);
    const { room } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined }, momento);
    await room.join();
    await sleep(300);
    const calls = made();
    const subs = subscribes(momento);
    await room.leave();
    expect({ calls, subs }).toEqual({ calls: 1, subs: 1 });
  });
});

describe("a clients function's close() that throws", () => {
  it('still leaves the room left, so it can join again', async () => {
    const momento = new FakeMomento();
    const { provide } = provider(momento, undefined, () => {
      throw new Error('close failed');
    });
    const { room } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined }, momento);
    await room.join();
    const left = await room.leave().then(
      () => 'resolved',
      (error: Error) => `rejected: ${error.message}`,
    );
    expect({ left, status: room.status }).toEqual({ left: 'resolved', status: 'left' });
  });

  it('does not escape the upkeep loop as an unhandled rejection after a renewal', async () => {
    const unhandled: unknown[] = [];
    const saved = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    const mine = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', mine);
    try {
      const momento = new FakeMomento();
      const { provide } = provider(momento, undefined, () => {
        throw new Error('close failed');
      });
      const { room } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined }, momento);
      await room.join();
      latest(momento).callbacks.onError(momentoError('AUTHENTICATION_ERROR')); // renew: the old clients are closed
      await run(momento);
      await sleep(20);
      expect({ unhandled: unhandled.map(String), status: room.status }).toEqual({ unhandled: [], status: 'joined' });
      room.leave().catch(() => undefined);
    } finally {
      process.off('unhandledRejection', mine);
      for (const listener of saved) process.on('unhandledRejection', listener);
    }
  });
});

describe('the web SDK ends a subscription silently', () => {
  /** A grpc-web stream the test drives: `on` as grpc-web's ClientReadableStream, `cancel` recorded. */
  function fakeStream() {
    const handlers: Record<string, Array<(value: unknown) => void>> = {};
    const stream = {
      cancelled: false,
      on(event: string, handler: (value: unknown) => void) {
        (handlers[event] ??= []).push(handler);
        return stream;
      },
      cancel() {
        stream.cancelled = true;
      },
      emit(event: string, value?: unknown) {
        for (const handler of handlers[event] ?? []) handler(value);
      },
    };
    return stream;
  }
  const heartbeat = { getItem: () => undefined, getDiscontinuity: () => undefined, getHeartbeat: () => ({}) };
  // What grpc-web reports when the browser loses the connection: the web SDK retries only this (and RST_STREAM 0).
  const browserDisconnect = { code: 2, message: 'Http response at 400 or 500 level, http status code: 0', metadata: {} };

  it('is noticed by the room when the SDK ends it without a callback (a quiet room whose restart fails once more)', async () => {
    const apiKey = Buffer.from(JSON.stringify({ endpoint: 'localhost', api_key: 'x' })).toString('base64');
    const topicClient = new WebTopicClient({ configuration: WebTopicConfigurations.Browser.v1(), credentialProvider: CredentialProvider.fromString({ apiKey }) });
    const streams: Array<ReturnType<typeof fakeStream>> = [];
    // The real @gomomento/sdk-web PubsubClient, with only its grpc-web transport replaced.
    type WebPubsub = { client: { subscribe: () => unknown }; clientMetadataProvider: { createClientMetadata: () => object } };
    const pubsub = (topicClient as unknown as { pubsubStreamClients: Array<{ client: WebPubsub }> }).pubsubStreamClients[0]!.client;
    pubsub.clientMetadataProvider.createClientMetadata = () => ({}); // it reads `navigator`, absent in Node
    pubsub.client.subscribe = () => {
      const stream = fakeStream();
      streams.push(stream);
      return stream;
    };
    const momento = new FakeMomento();
    const { room, statuses } = setup({ topicClient: topicClient as never, cacheClient: momento.cacheClient() }, momento);
    const joined = room.join();
    await flush();
    streams[0]!.emit('data', heartbeat); // Momento's first message: subscribe resolves
    await joined;
    expect(room.status).toBe('joined');
    // Nobody has spoken yet (no item, so the SDK's resume point is 0). The network drops for a moment:
    streams[0]!.emit('error', browserDisconnect); // the web SDK restarts the stream itself after 500 ms…
    await sleep(600);
    expect(streams).toHaveLength(2);
    streams[1]!.emit('error', browserDisconnect); // …and that restart fails too: with resume 0 it counts as a "first message"
    await sleep(3500);
    // The SDK resolved a promise nobody holds and unsubscribed (streams[1] cancelled), calling no callback at all.
    expect(streams[1]!.cancelled).toBe(true);
    expect({ status: room.status, statuses, subscribedAgain: streams.length > 2 }).toEqual({ status: expect.not.stringMatching(/^joined$/), statuses: expect.arrayContaining(['reconnecting']), subscribedAgain: true });
    await room.leave();
  });
});

describe('what the SDK says between subscribe resolving and the room taking the link', () => {
  it('does not join with a subscription the SDK already gave up on', async () => {
    const { momento, room, statuses } = setup();
    momento.manual = true;
    const joined = room.join().then(
      () => undefined,
      (e: ChatError) => e,
    );
    await flush();
    momento.pending.shift()!.complete(); // the first message: subscribe resolves…
    // …and, before the room's continuation runs (a nextTick in grpc-js runs before promise jobs), the stream fails for good.
    latest(momento).callbacks.onError(momentoError('CANCELLED_ERROR'));
    momento.manual = false;
    await momento.completeAll();
    const error = await joined;
    expect(error?.momentoErrorCode).toBe('CANCELLED_ERROR');
    expect(room.status).toBe('failed');
    expect(statuses).toEqual(['joining', 'failed']);
  });
});

describe('a subscribe that never answers', () => {
  it('does not keep join() pending after leave()', async () => {
    const { momento, room } = setup();
    momento.manual = true; // the web SDK sets no deadline on Subscribe: without a first message it never resolves
    const joined = room.join().then(
      () => 'resolved',
      (error: ChatError) => error.code,
    );
    await flush();
    await room.leave();
    const outcome = await Promise.race([joined, sleep(200).then(() => 'still pending')]);
    expect(outcome).toBe('NOT_JOINED');
  });
});
