import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/backoff.js';
import { ChatRoom } from '../../src/chat-room.js';
import type { ChatError } from '../../src/errors.js';
import type { RoomClients } from '../../src/room-clients.js';
import { FakeMomento, envelope, flush, idOf, momentoError } from './support/fake-momento.js';
import { ROOM, latest, recordedRoom, texts, write } from './support/recovering-room.js';
import { rejection, thrown } from './support/thrown.js';

const setup = recordedRoom;

/** Lets timers of a few milliseconds and every continuation run, until `done` holds. */
async function settle(momento: FakeMomento, done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) {
    momento.deliverAll();
    await new Promise((resolve) => setTimeout(resolve, 2));
    await flush();
  }
  expect(done()).toBe(true);
}

describe('backoffDelay', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 1000 };
  it('makes the first attempt at once, then doubles from the initial delay up to the cap, jittered into its upper half', () => {
    expect(backoffDelay(0, options, () => 0.5)).toBe(0);
    expect([1, 2, 3, 4, 5, 9].map((attempt) => backoffDelay(attempt, options, () => 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect([1, 2, 3, 4, 5, 9].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
  });
});

describe('ChatRoom recovery', () => {
  it('subscribes again after the SDK ended the stream (SERVER_UNAVAILABLE), and reads what it missed from history, once each', async () => {
    const { momento, room, statuses, messages } = setup();
    await room.join();
    write(momento, 1);
    momento.deliverAll();
    latest(momento).callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    expect(room.status).toBe('reconnecting');
    write(momento, 2, false); // stored, but published while no subscription was open
    await settle(momento, () => room.status === 'joined');
    write(momento, 3);
    momento.deliverAll();
    expect(texts(room)).toEqual(['m1', 'm2', 'm3']);
    expect(messages).toEqual(['m1', 'm2', 'm3']);
    expect(statuses).toEqual(['joining', 'joined', 'reconnecting', 'joined']);
    expect(momento.calls.filter((c) => c === 'subscribe:lobby')).toHaveLength(2);
    expect(momento.subscriptions[0]!.active).toBe(false);
  });

  it('holds live items while the SDK restores a broken stream, and reads the gap once the stream speaks, still joined after a blip', async () => {
    const { momento, room, statuses, messages } = setup();
    await room.join();
    write(momento, 1);
    momento.deliverAll();
    latest(momento).callbacks.onConnectionLost!();
    write(momento, 2, false);
    write(momento, 3);
    await settle(momento, () => messages.length === 3);
    expect(texts(room)).toEqual(['m1', 'm2', 'm3']);
    expect(messages).toEqual(['m1', 'm2', 'm3']);
    expect(statuses).toEqual(['joining', 'joined']);
    // The SDK restored its own stream: the room did not subscribe again.
    expect(momento.calls.filter((c) => c === 'subscribe:lobby')).toHaveLength(1);
  });

  it('says reconnecting when the SDK takes more than a second to restore the stream, and joined once caught up', async () => {
    const { momento, room, statuses, messages } = setup();
    await room.join();
    latest(momento).callbacks.onConnectionLost!();
    latest(momento).callbacks.onSubscriptionEnd!(); // the Node SDK says both
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(room.status).toBe('reconnecting');
    write(momento, 1, false);
    latest(momento).callbacks.onHeartbeat!();
    await settle(momento, () => room.status === 'joined');
    expect(messages).toEqual(['m1']);
    expect(statuses).toEqual(['joining', 'joined', 'reconnecting', 'joined']);
  });

  it('reads history when the sequence numbers jump, and stays joined', async () => {
    const { momento, room, statuses, messages } = setup();
    await room.join();
    write(momento, 1);
    momento.deliverAll();
    write(momento, 2, false);
    momento.publish('elsewhere', 'x'); // takes sequence number 3: the room's next item jumps from 1 to 4
    write(momento, 4);
    await settle(momento, () => messages.length === 3);
    expect(texts(room)).toEqual(['m1', 'm2', 'm4']);
    expect(messages).toEqual(['m1', 'm2', 'm4']);
    expect(statuses).toEqual(['joining', 'joined']);
  });

  it('says discontinuity once when the history no longer reaches back to what it had, and shows what follows', async () => {
    const { momento, room, messages, gaps } = setup({ historyLength: 3, pageSize: 2 });
    await room.join();
    write(momento, 1);
    momento.deliverAll();
    latest(momento).callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    for (let n = 2; n <= 6; n++) {
      momento.push(ROOM, envelope(idOf(n), `m${n}`), 3);
    }
    await settle(momento, () => room.status === 'joined');
    expect(gaps).toHaveLength(1);
    expect(texts(room)).toEqual(['m1', 'm4', 'm5', 'm6']);
    expect(messages).toEqual(['m1', 'm4', 'm5', 'm6']);
  });

  it('reports an item the SDK could not read as MALFORMED_MESSAGE, and goes on', async () => {
    const { momento, room, errors, messages } = setup();
    await room.join();
    latest(momento).callbacks.onError(momentoError('UNKNOWN_ERROR', 'Unknown item value type'));
    write(momento, 1);
    momento.deliverAll();
    expect(room.status).toBe('joined');
    expect(errors.map((e) => [e.code, e.raw])).toEqual([['MALFORMED_MESSAGE', '']]);
    expect(messages).toEqual(['m1']);
  });

  it.each([
    ['PERMISSION_ERROR', 'PERMISSION_DENIED'],
    ['NOT_FOUND_ERROR', 'CACHE_NOT_FOUND'],
    ['AUTHENTICATION_ERROR', 'AUTHENTICATION_FAILED'],
  ])('fails for good when the stream ends with %s and no clients function can renew the token', async (momentoCode, code) => {
    const { momento, room, statuses, errors } = setup();
    await room.join();
    latest(momento).callbacks.onError(momentoError(momentoCode));
    expect(room.status).toBe('failed');
    expect(statuses.at(-1)).toBe('failed');
    expect(errors.map((e) => e.code)).toEqual([code]);
  });

  it('keeps trying, with pauses, while subscribing fails transiently', async () => {
    const { momento, room, statuses } = setup();
    await room.join();
    momento.fail('subscribe', momentoError('SERVER_UNAVAILABLE'), momentoError('TIMEOUT_ERROR'), momentoError('SERVER_UNAVAILABLE'));
    latest(momento).callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    await settle(momento, () => room.status === 'joined');
    expect(momento.calls.filter((c) => c === 'subscribe:lobby')).toHaveLength(5);
    expect(statuses).toEqual(['joining', 'joined', 'reconnecting', 'joined']);
  });

  it('stops trying when left while reconnecting', async () => {
    const { momento, room } = setup({ reconnect: { initialDelayMs: 30, maxDelayMs: 30 } });
    await room.join();
    momento.fail('subscribe', momentoError('SERVER_UNAVAILABLE'));
    latest(momento).callbacks.onError(momentoError('SERVER_UNAVAILABLE'));
    await flush();
    await room.leave();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(momento.calls.filter((c) => c === 'subscribe:lobby')).toHaveLength(2);
    expect(room.status).toBe('left');
  });
});

describe('ChatRoom with a clients function', () => {
  function provider(momento: FakeMomento, expiresInSeconds?: number) {
    const made: Array<{ closed: boolean }> = [];
    const provide = async (): Promise<RoomClients> => {
      const record = { closed: false };
      made.push(record);
      return {
        cacheClient: momento.cacheClient(),
        topicClient: momento.topicClient(`token-${made.length}`),
        expiresAt: expiresInSeconds === undefined ? undefined : Date.now() / 1000 + expiresInSeconds,
        close: () => void (record.closed = true),
      };
    };
    return { provide, made };
  }

  it('refuses both clients and a clients function, and neither', () => {
    const momento = new FakeMomento();
    const both = { clients: provider(momento).provide, cacheClient: momento.cacheClient(), topicClient: momento.topicClient(), cacheName: 'chat', roomId: ROOM };
    expect(thrown(() => new ChatRoom(both)).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => new ChatRoom({ cacheName: 'chat', roomId: ROOM })).code).toBe('INVALID_ARGUMENT');
  });

  it('gets new clients after AUTHENTICATION_ERROR, subscribes with them, and closes the old ones', async () => {
    const momento = new FakeMomento();
    const { provide, made } = provider(momento);
    const { room, statuses } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined }, momento);
    await room.join();
    latest(momento).callbacks.onError(momentoError('AUTHENTICATION_ERROR'));
    await settle(momento, () => room.status === 'joined');
    expect(made.map((m) => m.closed)).toEqual([true, false]);
    expect(statuses).toEqual(['joining', 'joined', 'reconnecting', 'joined']);
    const sent = await room.send('on the new token');
    await settle(momento, () => room.messages.at(-1)?.sender.tokenId === 'token-2');
    expect(sent.text).toBe('on the new token');
  });

  it('renews before the tokens expire: the new subscription opens before the old one ends, and the room stays joined', async () => {
    const momento = new FakeMomento();
    // Expiring in 2.05 s, renewed 1 s before: the renewal is due in about 1.05 s.
    const { provide, made } = provider(momento, 2.05);
    const { room, statuses } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined, renewBeforeSeconds: 1 }, momento);
    await room.join();
    write(momento, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(made.length).toBe(1);
    await settle(momento, () => made.length >= 2 && made[0]!.closed);
    const subscribed = momento.calls.lastIndexOf('subscribe:lobby');
    const ended = momento.calls.indexOf('unsubscribe:lobby');
    expect(subscribed).toBeLessThan(ended);
    expect(statuses).toEqual(['joining', 'joined']);
    expect(texts(room)).toEqual(['m1']);
    await room.leave();
    expect(made.every((m) => m.closed)).toBe(true);
  });

  it('renews after a send was refused for its token, and the send goes on with the new clients, same id', async () => {
    const momento = new FakeMomento();
    const { provide, made } = provider(momento);
    const { room } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined }, momento);
    await room.join();
    momento.fail('listPushBack', momentoError('AUTHENTICATION_ERROR'));
    const sent = await room.send('refused, then sent');
    expect(made.length).toBe(2);
    expect(made[0]!.closed).toBe(true);
    expect(momento.list(ROOM).map((raw) => (JSON.parse(raw) as { id: string }).id)).toEqual([sent.id]);
    await settle(momento, () => room.messages.at(-1)?.sender.tokenId === 'token-2');
    expect(room.status).toBe('joined');
  });

  it('publishes a stored message again with the new clients when the publish was refused for its token', async () => {
    const momento = new FakeMomento();
    const { provide, made } = provider(momento);
    const { room } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined }, momento);
    await room.join();
    momento.fail('publish', momentoError('AUTHENTICATION_ERROR'));
    const sent = await room.send('stored, then published');
    expect(made.length).toBe(2);
    expect(momento.list(ROOM)).toHaveLength(1);
    expect(momento.calls.filter((c) => c.startsWith('listPushBack'))).toHaveLength(1);
    await settle(momento, () => room.messages.at(-1)?.sender.tokenId === 'token-2');
    expect(room.messages.map((m) => m.id)).toEqual([sent.id]);
  });

  it('rejects AUTHENTICATION_FAILED when the clients function gives no working token in time', async () => {
    const momento = new FakeMomento();
    const { provide } = provider(momento);
    const { room } = setup({ clients: provide, cacheClient: undefined, topicClient: undefined }, momento);
    await room.join();
    momento.fail('listPushBack', momentoError('AUTHENTICATION_ERROR'), momentoError('AUTHENTICATION_ERROR'));
    expect((await rejection(room.send('refused twice'))).code).toBe('AUTHENTICATION_FAILED');
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toEqual([]);
  });
});

describe('ChatRoom sends under failure', () => {
  it('writes again after a transient failure, the same envelope, and publishes once', async () => {
    const { momento, room } = setup();
    await room.join();
    momento.fail('listPushBack', momentoError('TIMEOUT_ERROR'));
    const sent = await room.send('hello');
    const pushes = momento.calls.filter((c) => c.startsWith('listPushBack'));
    expect(pushes).toHaveLength(2);
    expect(momento.list(ROOM)).toHaveLength(1);
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toHaveLength(1);
    expect(texts(room)).toEqual([sent.text]);
  });

  it('reports LIMIT_EXCEEDED as such, without retrying, and publishes nothing', async () => {
    const { momento, room } = setup();
    await room.join();
    momento.fail('listPushBack', momentoError('LIMIT_EXCEEDED_ERROR', 'Request rate limit exceeded for this account'));
    const error = await rejection(room.send('too fast'));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.momentoErrorCode).toBe('LIMIT_EXCEEDED_ERROR');
    expect(momento.calls.filter((c) => c.startsWith('listPushBack'))).toHaveLength(1);
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toEqual([]);
    expect(room.messages).toEqual([]);
  });

  it('publishes nothing when every write fails, and gives the Momento error as the cause', async () => {
    const { momento, room } = setup();
    await room.join();
    const down = momentoError('SERVER_UNAVAILABLE', 'down');
    momento.fail('listPushBack', down, down, down);
    const error = await rejection(room.send('lost?'));
    expect(error.code).toBe('MOMENTO_ERROR');
    expect(error.cause).toBe(down.innerException());
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toEqual([]);
    expect(room.messages).toEqual([]);
  });

  it('reports a rate-limited publish as DELIVERY_FAILED with LIMIT_EXCEEDED behind it, tried once', async () => {
    const { momento, room } = setup();
    await room.join();
    momento.fail('publish', momentoError('LIMIT_EXCEEDED_ERROR'));
    const error = await rejection(room.send('stored, not live'));
    expect(error.code).toBe('DELIVERY_FAILED');
    expect(error.momentoErrorCode).toBe('LIMIT_EXCEEDED_ERROR');
    expect((error.cause as ChatError).code).toBe('LIMIT_EXCEEDED');
    expect(momento.calls.filter((c) => c.startsWith('publish'))).toHaveLength(1);
  });

  it('sends again with the id of a failed send, and readers keep one copy', async () => {
    const { momento, room } = setup();
    await room.join();
    momento.fail('publish', momentoError('LIMIT_EXCEEDED_ERROR'));
    const failed = await rejection(room.send('again'));
    const again = await room.send('again', { messageId: failed.messageId });
    expect(again.id).toBe(failed.messageId);
    momento.deliverAll();
    expect(momento.list(ROOM)).toHaveLength(2);
    expect(texts(room)).toEqual(['again']);
  });
});
