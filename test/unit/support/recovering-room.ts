import { ChatRoom } from '../../../src/chat-room.js';
import type { ChatRoomOptions } from '../../../src/chat-room-options.js';
import type { ChatError } from '../../../src/errors.js';
import { FakeMomento, envelope, flush, idOf } from './fake-momento.js';

/** The room the recovery tests use. */
export const ROOM = 'lobby';

/**
 * A room over a fake Momento with reconnect pauses of a few milliseconds, and every event it emits
 * recorded: statuses, message texts, errors, discontinuity reasons.
 */
export function recordedRoom(options: Partial<ChatRoomOptions> = {}, momento = new FakeMomento()) {
  let n = 1000;
  const room = new ChatRoom({
    cacheClient: momento.cacheClient(),
    topicClient: momento.topicClient('token-me'),
    cacheName: 'chat',
    roomId: ROOM,
    now: () => 1_700_000_000_000,
    generateId: () => idOf(++n),
    reconnect: { initialDelayMs: 1, maxDelayMs: 4 },
    ...options,
  } as ChatRoomOptions);
  const statuses: string[] = [];
  const messages: string[] = [];
  const errors: ChatError[] = [];
  const gaps: string[] = [];
  room.on('status', (e) => void statuses.push(e.status));
  room.on('message', (e) => void messages.push(e.message.text));
  room.on('error', (e) => void errors.push(e.error));
  room.on('discontinuity', (e) => void gaps.push(e.reason));
  return { momento, room, statuses, messages, errors, gaps };
}

/** Another client's message `m<n>`: in the list, and on the topic when `publish`. */
export function write(momento: FakeMomento, n: number, publish = true): void {
  const raw = envelope(idOf(n), `m${n}`);
  momento.push(ROOM, raw);
  if (publish) momento.publish(ROOM, raw, 'token-other');
}

/** The texts of the room's messages, in order. */
export const texts = (room: ChatRoom): string[] => room.messages.map((m) => m.text);

/** The newest subscription the fake holds. */
export const latest = (momento: FakeMomento) => momento.subscriptions.at(-1)!;

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets timers of a few milliseconds and every continuation run, for `rounds` rounds, delivering as it goes. */
export async function run(momento: FakeMomento, rounds = 30): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    momento.deliverAll();
    await sleep(2);
    await flush();
  }
}
