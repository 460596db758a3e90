import { afterEach, describe, expect, it } from 'vitest';
import { testSeed } from '../support/seed.js';
import { ChaosWorld, type ChaosSetup } from './support/chaos.js';
import { listed, settle, storedIds, summaryLine, violationsOf } from './support/chaos-report.js';
import { useLocalServer } from './support/local-server.js';

const CACHE = 'chat';
// MOMENTO_CHAT_SEED=<n> runs a printed seed again; MOMENTO_CHAT_SEED=random tries a new one.
const SEED = testSeed();

const BASE = {
  cacheName: CACHE,
  rooms: { 'client-only': 3, moderated: 2 },
  membersPerRoom: 3,
  // A run sends at most 3 × 30 messages per room, so every room's history (and the moderators') keeps all
  // of them: whatever gap a reconnect leaves, reading history back reaches a message the member already
  // holds. A discontinuity would therefore be a bug, and the test asserts there is none.
  historyLength: 1000,
  // Small pages, so bridging a gap after a reconnect often takes several of them.
  pageSize: 10,
  moderationTimeoutMs: 4000,
  tokenLifeSeconds: 3600,
  sendingDeadlineMs: 12_000,
  sendBoundMs: 10_000,
  settleTimeoutMs: 12_000,
} satisfies Partial<ChaosSetup>;

describe('chaos: rooms keep their promises while Momento misbehaves', () => {
  const env = useLocalServer({ caches: [CACHE] });
  const worlds: ChaosWorld[] = [];
  afterEach(async () => {
    for (const world of worlds.splice(0)) await world.close();
  });

  /**
   * Builds the rooms, joins every member, sends while the faults (if any) strike, stops the faults, waits
   * for the rooms to settle, then checks every invariant.
   * @returns the broken invariants, one line each.
   */
  async function run(setup: ChaosSetup): Promise<string[]> {
    const started = Date.now();
    const world = new ChaosWorld(setup, SEED, env.momento, env.clients.auth);
    worlds.push(world);
    await world.build();
    await Promise.all(world.members.map((member) => member.room.join()));

    const scheduler = world.faultScheduler(env.momento.faults);
    const sendingStarted = Date.now();
    scheduler?.start();
    await world.sendAll();
    await scheduler?.stop(); // and clears what it left pending
    const settlingStarted = Date.now();
    const unsettled = await settle(world, setup.settleTimeoutMs);
    const settled = Date.now();

    const stored = new Map(await Promise.all(world.rooms.map(async (room) => [room.roomId, await storedIds(env.clients.cache, CACHE, room.roomId)] as const)));
    const violations = violationsOf(world, stored);
    if (unsettled.length > 0) violations.unshift(`not settled ${setup.settleTimeoutMs / 1000} s after the faults stopped: ${listed(unsettled)}`);
    console.log(summaryLine(world, { totalMs: Date.now() - started, sendingMs: settlingStarted - sendingStarted, settlingMs: settled - settlingStarted }));
    if (violations.length > 0 && scheduler) console.log(`faults of seed ${SEED}:\n${scheduler.log.join('\n')}`);
    return violations;
  }

  it('without faults, with static clients: every resolved send reaches every member once, in send order, and is stored', async () => {
    const violations = await run({ ...BASE, label: 'calm', clients: 'static', messagesPerMember: 10, pauseMs: [0, 20] });
    expect(violations).toEqual([]);
  }, 20_000);

  it('under seeded faults, with clients renewed through a provider: the same, and no room fails or reports a gap', async () => {
    const violations = await run({
      ...BASE,
      label: 'chaos',
      clients: 'provider',
      messagesPerMember: 30,
      pauseMs: [10, 150],
      // Tokens that expire 65 s after they are vended: the room renews them (60 s before, by default)
      // about every 5 s, besides the renewals that expireToken forces.
      tokenLifeSeconds: 65,
      faults: {
        gapMs: [150, 600],
        weights: { drop: 2, 'drop-ok': 1, disconnect: 1, fail: 4, delay: 2, expire: 2 },
        maxDelayMs: 1500,
      },
    });
    expect(violations, `seed ${SEED}: MOMENTO_CHAT_SEED=${SEED} runs it again`).toEqual([]);
  }, 40_000);
});
