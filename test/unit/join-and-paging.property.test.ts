import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatRoom } from '../../src/chat-room.js';
import type { HistoryPage } from '../../src/chat-room.js';
import { testSeed } from '../support/seed.js';
import { FakeMomento, envelope, flush, idOf } from './support/fake-momento.js';

const ROOM = 'lobby';
// MOMENTO_CHAT_SEED=<n> replays a run, MOMENTO_CHAT_SEED=random tries new scenarios; unset, CI runs the same ones.
const SEED = testSeed();
if (process.env.MOMENTO_CHAT_SEED?.trim()) console.log(`join-and-paging.property: seed ${SEED} (MOMENTO_CHAT_SEED=${SEED} replays it)`);
// Thousands of scenarios, each with up to 120 interleaved steps, in a few seconds.
const NUM_RUNS = 5000;

/** One scenario: the room's sizes, how many writers, and the choices that drive the interleaving. */
interface Scenario {
  historyLength: number;
  pageSize: number;
  writers: number;
  /** The step at which the reader starts joining. */
  joinAt: number;
  steps: Array<{ pick: number; variant: number }>;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .integer({ min: 1, max: 8 })
  .chain((historyLength) =>
    fc.record({
      historyLength: fc.constant(historyLength),
      pageSize: fc.integer({ min: 1, max: historyLength }),
      writers: fc.integer({ min: 1, max: 3 }),
      joinAt: fc.nat({ max: 60 }),
      steps: fc.array(fc.record({ pick: fc.nat(), variant: fc.nat({ max: 19 }) }), { minLength: 10, maxLength: 120 }),
    }),
  );

/**
 * Runs one scenario: writers push then (later) publish, the reader joins at some point, pages back and
 * sends at random moments, and every call of the reader is answered in an order the scenario picks.
 * Then everything settles and the reader pages to the end.
 */
async function run({ historyLength, pageSize, writers, joinAt, steps }: Scenario) {
  const momento = new FakeMomento();
  momento.manual = true;
  let nextId = 0;
  const room = new ChatRoom({
    cacheClient: momento.cacheClient(),
    topicClient: momento.topicClient('reader'),
    cacheName: 'chat',
    roomId: ROOM,
    historyLength,
    pageSize,
    generateId: () => idOf(++nextId),
  });

  // Facts about the world, to judge the reader's view against.
  const pushOrder = new Map<string, number>(); // the order of each id's first push
  const pushCount = new Map<string, number>();
  let pushes = 0;
  const recordPush = (id: string) => {
    if (!pushOrder.has(id)) pushOrder.set(id, pushes++);
    pushCount.set(id, (pushCount.get(id) ?? 0) + 1);
  };
  // What the room placed from history: the page read while joining, and what each older page added.
  const fromHistory = new Set<string>();
  let fetches = 0;
  momento.onComplete = (op, args, result) => {
    const r = result as { type: string; valueListString?: () => string[] };
    if (op === 'listFetch' && fetches++ === 0 && r.type === 'Hit') for (const raw of r.valueListString!()) tryId(raw, (id) => fromHistory.add(id));
    if (op === 'listPushBack' && r.type === 'Success') tryId(args[1] as string, recordPush);
  };
  const loadOlder = async () => {
    const page = await room.loadOlder();
    for (const m of page.messages) fromHistory.add(m.id);
    return page;
  };

  // A listener's throw would only become an error event, so the check is made after the run.
  const emitted: string[] = [];
  room.on('message', ({ message }) => void emitted.push(message.id));

  type Writer = { inFlight: string | undefined };
  const writerState: Writer[] = Array.from({ length: writers }, () => ({ inFlight: undefined }));
  let joining: Promise<unknown> | undefined;
  let paging: Promise<HistoryPage> | undefined;
  let sending: Promise<unknown> | undefined;
  let malformed = 0;

  const readerSubscription = () => momento.subscriptions[0];
  const deliver = () => void readerSubscription()?.deliverNext();

  const writerStep = (w: Writer, variant: number) => {
    if (w.inFlight === undefined) {
      if (variant === 0) {
        // An entry another program wrote: unreadable, never published.
        momento.push(ROOM, `not a message ${++malformed}`, historyLength);
        return;
      }
      if (variant === 3) {
        // A message of another room, copied into this one: written and published, never shown.
        const stray = envelope(idOf(++nextId), 'stray', { room: 'elsewhere' });
        momento.push(ROOM, stray, historyLength);
        momento.publish(ROOM, stray, 'writer');
        return;
      }
      const id = idOf(++nextId);
      w.inFlight = envelope(id, `text ${id}`);
      momento.push(ROOM, w.inFlight, historyLength);
      recordPush(id);
      // A push whose answer was lost, retried: the entry is stored twice.
      if (variant === 1) (momento.push(ROOM, w.inFlight, historyLength), recordPush(id));
    } else {
      // The writer rule: publish only after the push.
      momento.publish(ROOM, w.inFlight, `writer`);
      w.inFlight = undefined;
    }
  };

  for (const [step, { pick, variant }] of steps.entries()) {
    if (step === joinAt % steps.length) joining = room.join();
    const actions: Array<() => void> = writerState.map((w) => () => writerStep(w, variant));
    if (momento.pending.length > 0) actions.push(() => momento.pending.splice(variant % momento.pending.length, 1)[0]!.complete());
    if (readerSubscription()?.queue.length) actions.push(() => deliver());
    if (room.status === 'joined' && !paging) actions.push(() => void (paging = loadOlder().finally(() => (paging = undefined))));
    if (room.status === 'joined' && !sending) actions.push(() => void (sending = room.send(`mine ${variant}`).finally(() => (sending = undefined))));
    actions[pick % actions.length]!();
    await flush();
    expectNoDuplicates(room.messages.map((m) => m.id));
  }

  // Settle: join if not yet, answer every call, publish every pushed message, deliver everything.
  momento.manual = false;
  if (room.status === 'initialized') joining = room.join();
  await momento.completeAll();
  for (const w of writerState) if (w.inFlight !== undefined) writerStep(w, 2);
  await momento.completeAll();
  while (readerSubscription()?.queue.length) deliver();
  await Promise.all([joining, paging, sending]);
  expect(room.status).toBe('joined');
  expectNoDuplicates(room.messages.map((m) => m.id));

  // Page to the end.
  let pages = 0;
  while (room.hasMoreHistory) {
    await loadOlder();
    expect(++pages, 'paging does not end').toBeLessThanOrEqual(historyLength + 2);
  }

  expectNoDuplicates(emitted);
  return { room, momento, pushOrder, pushCount, fromHistory };
}

/** Calls `use` with the id of a message of this room; anything else (unreadable, another room's) is not one. */
function tryId(raw: string, use: (id: string) => void): void {
  try {
    const { id, room } = JSON.parse(raw) as { id?: unknown; room?: unknown };
    if (typeof id === 'string' && room === ROOM) use(id);
  } catch {
    // not a message: nothing to record
  }
}

function expectNoDuplicates(ids: string[]): void {
  expect(new Set(ids).size, `duplicates in ${ids.join(',')}`).toBe(ids.length);
}

describe('joining and paging while others write (property)', () => {
  it('shows every message still in the list and every message published after the subscription exactly once, history in list order, and paging ends', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { room, momento, pushOrder, pushCount, fromHistory } = await run(s);
        const view = room.messages.map((m) => m.id);

        // (a) exactly once: what is still in the list, and what the reader's subscription got.
        const expected = new Set<string>();
        for (const raw of momento.list(ROOM)) tryId(raw, (id) => expected.add(id));
        for (const raw of momento.subscriptions[0]!.published) tryId(raw, (id) => expected.add(id));
        for (const id of expected) expect(view.filter((v) => v === id), `${id} in the view`).toHaveLength(1);
        // Nothing invented.
        for (const id of view) expect(pushOrder.has(id), `${id} was written`).toBe(true);

        // (b) no duplicates, and (c) what the room placed from history is in list order.
        expectNoDuplicates(view);
        const history = view.filter((id) => fromHistory.has(id) && pushCount.get(id) === 1);
        const inListOrder = [...history].sort((a, b) => pushOrder.get(a)! - pushOrder.get(b)!);
        expect(history).toEqual(inListOrder);
      }),
      { seed: SEED, numRuns: NUM_RUNS },
    );
  });
});
