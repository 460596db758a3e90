import type { CacheClient } from '@gomomento/sdk';
import type { ChatMessage } from '../../../src/index.js';
import { duplicates, listIds } from './chat.js';
import { codeOf, sleep, type ChaosMember, type ChaosRoom, type ChaosWorld } from './chaos.js';
import { strictlyIncreasing } from './moderated.js';
import { eventually } from './time.js';

const MAX_LISTED = 5;

/** At most a few values, then how many more: a violation stays one readable line. */
export const listed = (values: readonly string[]): string =>
  values.length <= MAX_LISTED ? values.join(', ') : `${values.slice(0, MAX_LISTED).join(', ')} and ${values.length - MAX_LISTED} more`;

const resolvedOf = (room: ChaosRoom): string[] => room.members.flatMap((m) => m.sent.map((message) => message.id));
const resolvedMessagesOf = (room: ChaosRoom): ChatMessage[] => room.members.flatMap((m) => m.sent);
/** A message as a violation names it: its text says who sent it and which of their sends it was. */
const named = (message: ChatMessage): string => `"${message.text}"`;

/**
 * What keeps the world from being settled: a member not `joined`, still getting clients, holding other
 * than one open set of clients (the room closes those it no longer uses), or missing a resolved message.
 */
export function unsettled(world: ChaosWorld): string[] {
  const problems: string[] = [];
  for (const room of world.rooms) {
    const resolved = resolvedOf(room);
    for (const member of room.members) {
      if (member.room.status !== 'joined') problems.push(`${member.userId} is ${member.room.status}`);
      if (member.clients.inFlight > 0) problems.push(`${member.userId} is getting new clients`);
      if (member.clients.open !== 1) problems.push(`${member.userId} holds ${member.clients.open} open client sets`);
      const held = new Set(member.room.messages.map((m) => m.id));
      const missing = resolved.filter((id) => !held.has(id)).length;
      if (missing > 0) problems.push(`${member.userId} misses ${missing} resolved messages`);
    }
  }
  return problems;
}

/**
 * Waits until nothing is unsettled, and stays so for a moment (a late duplicate or a renewal would show).
 * @returns what was still unsettled when `timeoutMs` ran out; empty once settled.
 */
export async function settle(world: ChaosWorld, timeoutMs: number, quietMs = 300): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | undefined;
  for (;;) {
    const problems = unsettled(world);
    if (problems.length > 0) quietSince = undefined;
    else if (Date.now() - (quietSince ??= Date.now()) >= quietMs) return [];
    if (Date.now() > deadline) return problems;
    await sleep(20);
  }
}

/** The message ids of a room's history list, read with an admin client (retried: the connection may just have been dropped). */
export function storedIds(admin: CacheClient, cacheName: string, roomId: string): Promise<string[]> {
  return eventually(() => listIds(admin, cacheName, roomId).catch(() => undefined), 5000, `the history list of ${roomId}`);
}

/**
 * Every broken promise of the library, one line each: for every room and member, each resolved message
 * held exactly once, each sender's in send order, each in the history list; the verified sender right; no
 * `failed`, no MALFORMED_MESSAGE, no discontinuity, no send that never settled.
 * @param stored the ids of each room's history list, by room id.
 */
export function violationsOf(world: ChaosWorld, stored: ReadonlyMap<string, readonly string[]>): string[] {
  const violations: string[] = [];
  for (const room of world.rooms) {
    const inList = new Set(stored.get(room.roomId) ?? []);
    // By id: a retried push may store a message twice, which readers count once.
    const notStored = resolvedMessagesOf(room).filter((m) => !inList.has(m.id)).map(named);
    if (notStored.length > 0) violations.push(`${room.roomId}: ${notStored.length} resolved messages are not in the history list: ${listed(notStored)}`);
    for (const member of room.members) violations.push(...memberViolations(room, member));
  }
  return violations;
}

function memberViolations(room: ChaosRoom, member: ChaosMember): string[] {
  const who = member.userId;
  const violations: string[] = [];
  const view = member.room.messages;
  const doubled = duplicates(view.map((m) => m.id));
  if (doubled.length > 0) violations.push(`${who} holds messages more than once: ${listed(doubled)}`);
  const position = new Map(view.map((m, i) => [m.id, i]));
  const missing = resolvedMessagesOf(room).filter((m) => !position.has(m.id)).map(named);
  if (missing.length > 0) violations.push(`${who} misses ${missing.length} resolved messages: ${listed(missing)}`);
  const wrongSender: string[] = [];
  for (const sender of room.members) {
    const held = sender.sent.filter((m) => position.has(m.id));
    const inversion = held.findIndex((m, i) => i > 0 && position.get(m.id)! < position.get(held[i - 1]!.id)!);
    if (inversion > 0) {
      const [before, after] = [held[inversion - 1]!, held[inversion]!];
      violations.push(`${who} shows the messages of ${sender.userId} out of send order: ${named(after)} at ${position.get(after.id)} before ${named(before)} at ${position.get(before.id)}`);
    }
    for (const sent of sender.sent) {
      const tokenId = view[position.get(sent.id) ?? -1]?.sender.tokenId;
      // Moderated: the moderator stamps Momento's tokenId into every copy. Client-only: live copies only.
      const right = room.mode === 'moderated' ? tokenId === sender.userId : tokenId === undefined || tokenId === sender.userId;
      if (position.has(sent.id) && !right) wrongSender.push(`${named(sent)} as ${tokenId}`);
    }
  }
  if (wrongSender.length > 0) violations.push(`${who} holds messages with the wrong verified sender: ${listed(wrongSender)}`);
  if (room.mode === 'moderated' && !strictlyIncreasing(view.map((m) => m.sequence))) violations.push(`${who} holds messages out of sequence order`);
  if (member.statuses.includes('failed')) {
    violations.push(`${who} went failed ${member.failures.length} times: ${listed(member.failures.map(codeOf))}`);
  }
  const malformed = member.errors.filter((e) => e.code === 'MALFORMED_MESSAGE');
  if (malformed.length > 0) violations.push(`${who} got ${malformed.length} MALFORMED_MESSAGE errors: ${listed(malformed.map((e) => e.message))}`);
  if (member.discontinuities.length > 0) violations.push(`${who} got ${member.discontinuities.length} discontinuities: ${listed(member.discontinuities)}`);
  if (member.hungSends > 0) violations.push(`${who} had ${member.hungSends} sends that never settled`);
  return violations;
}

const sum = (values: readonly number[]): number => values.reduce((total, n) => total + n, 0);

function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return `{${[...counts].map(([value, n]) => `${value}:${n}`).join(' ')}}`;
}

/** The one line a run prints: its seed and what happened, to compare runs and to run one again. */
export function summaryLine(world: ChaosWorld, timings: { totalMs: number; sendingMs: number; settlingMs: number }): string {
  const { setup, rooms, members, scheduler } = world;
  const attempted = sum(members.map((m) => m.sent.length + m.sendFailures.length + m.hungSends));
  const resolved = sum(members.map((m) => m.sent.length));
  const expected = sum(rooms.map((room) => resolvedOf(room).length * room.members.length));
  const heldResolved = sum(
    rooms.flatMap((room) => {
      const ids = new Set(resolvedOf(room));
      return room.members.map((m) => m.room.messages.filter((message) => ids.has(message.id)).length);
    }),
  );
  const held = sum(members.map((m) => m.room.messages.length));
  const faults = scheduler ? `${scheduler.total} ${tally(Object.entries(scheduler.counts).flatMap(([kind, n]) => Array<string>(n).fill(kind)))}` : 'none';
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
  return [
    `chaos seed=${world.seed}`,
    `clients=${setup.clients}`,
    `rooms=${rooms.length} (${setup.rooms['client-only']} client-only, ${setup.rooms.moderated} moderated)`,
    `members=${members.length}`,
    `sent=${resolved}/${attempted}`,
    `sendFailures=${tally(members.flatMap((m) => m.sendFailures))}`,
    `delivered=${heldResolved}/${expected} (+${held - heldResolved} unconfirmed)`,
    `faults=${faults}`,
    `reconnects=${sum(members.map((m) => m.statuses.filter((s) => s === 'reconnecting').length))}`,
    `discontinuities=${sum(members.map((m) => m.discontinuities.length))}`,
    `renewals=${sum(members.map((m) => Math.max(0, m.clients.calls - 1)))}`,
    `roomErrors=${tally(members.flatMap((m) => m.errors.map(codeOf)))}`,
    `moderatorErrors=${tally(world.moderators.flatMap((m) => m.errors.map(codeOf)))}`,
    `duration=${seconds(timings.totalMs)} (sending ${seconds(timings.sendingMs)}, settling ${seconds(timings.settlingMs)})`,
  ].join(' ');
}
