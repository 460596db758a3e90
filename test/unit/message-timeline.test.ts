import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/message.js';
import { MessageTimeline } from '../../src/message-timeline.js';
import { idOf } from './support/fake-momento.js';

/** A message whose id sorts by `n`. */
const msg = (n: number, text = `m${n}`): ChatMessage => ({ id: idOf(n), text, timestamp: 1_700_000_000_000 + n, sender: { claims: {} } });
const texts = (timeline: MessageTimeline): string[] => timeline.messages.map((m) => m.text);

describe('MessageTimeline', () => {
  it('keeps the first page in list order, then appends live messages', () => {
    const timeline = new MessageTimeline();
    // List order is canonical, even where it disagrees with the ids.
    expect(timeline.mergeHistory([msg(3), msg(1), msg(2)], 'back')).toHaveLength(3);
    expect(timeline.addLive(msg(4))).toBe(true);
    expect(texts(timeline)).toEqual(['m3', 'm1', 'm2', 'm4']);
    expect(timeline.has(idOf(1))).toBe(true);
    expect(timeline.has(idOf(9))).toBe(false);
  });

  it('ignores a live message it already holds, from history or live', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(1)], 'back');
    expect(timeline.addLive(msg(1, 'again'))).toBe(false);
    expect(timeline.addLive(msg(2))).toBe(true);
    expect(timeline.addLive(msg(2, 'again'))).toBe(false);
    expect(texts(timeline)).toEqual(['m1', 'm2']);
  });

  it("replaces a message without a verified sender by its echo stamped with the publisher's tokenId, in place", () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(1)], 'back');
    timeline.addLive(msg(2, 'mine'));
    timeline.addLive(msg(3));
    const echo = { ...msg(2, 'mine'), sender: { claims: {}, tokenId: 'ann' } };
    expect(timeline.addLive(echo)).toBe(false);
    expect(texts(timeline)).toEqual(['m1', 'mine', 'm3']);
    expect(timeline.messages[1]?.sender.tokenId).toBe('ann');
    // A later copy never takes a verified sender away or changes it.
    expect(timeline.addLive({ ...msg(2, 'mine'), sender: { claims: {}, tokenId: 'eve' } })).toBe(false);
    expect(timeline.addLive(msg(2, 'mine'))).toBe(false);
    expect(timeline.messages[1]?.sender.tokenId).toBe('ann');
  });

  it('takes no verified sender from a copy that says something else under the same id', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(1, 'from history')], 'back');
    const forged = { ...msg(1, 'forged'), sender: { claims: {}, tokenId: 'eve' } };
    expect(timeline.addLive(forged)).toBe(false);
    expect(timeline.messages[0]).toEqual(msg(1, 'from history'));
    expect(timeline.addLive({ ...msg(1, 'from history'), sender: { claims: {}, tokenId: 'ann' } })).toBe(false);
    expect(timeline.messages[0]!.sender.tokenId).toBe('ann');
  });

  it('places live messages from two writers whose publishes crossed by id among the unsettled ones', () => {
    // A pushed, B pushed, B published, A published: live order B, A; ids (creation order) A, B.
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(1), msg(2)], 'back');
    timeline.addLive(msg(20));
    timeline.addLive(msg(10));
    timeline.addLive(msg(15));
    expect(texts(timeline)).toEqual(['m1', 'm2', 'm10', 'm15', 'm20']);
  });

  it('never places a live message before history, whatever its id', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(50), msg(60)], 'back');
    timeline.addLive(msg(5));
    timeline.addLive(msg(1));
    expect(texts(timeline)).toEqual(['m50', 'm60', 'm1', 'm5']);
  });

  it('settles a live message once history holds it: later live messages no longer move before it', () => {
    const timeline = new MessageTimeline();
    timeline.addLive(msg(20));
    // A re-read of the newest history that contains it.
    timeline.mergeHistory([msg(20)], 'back');
    timeline.addLive(msg(10));
    expect(texts(timeline)).toEqual(['m20', 'm10']);
  });

  it('puts an older page at the front, in list order, and returns what it added', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(7), msg(8)], 'back');
    timeline.addLive(msg(9));
    const added = timeline.mergeHistory([msg(5), msg(4), msg(6)], 'front');
    expect(added.map((m) => m.text)).toEqual(['m5', 'm4', 'm6']);
    expect(texts(timeline)).toEqual(['m5', 'm4', 'm6', 'm7', 'm8', 'm9']);
  });

  it('merges a run that overlaps what it holds: unknown messages go before the next known one, or after the last', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(3), msg(6)], 'back');
    const added = timeline.mergeHistory([msg(1), msg(2), msg(3), msg(4), msg(5), msg(6), msg(7)], 'front');
    expect(added.map((m) => m.text)).toEqual(['m1', 'm2', 'm4', 'm5', 'm7']);
    expect(texts(timeline)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('adds nothing for a run it already holds', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(1), msg(2)], 'back');
    expect(timeline.mergeHistory([msg(1), msg(2)], 'front')).toEqual([]);
    expect(texts(timeline)).toEqual(['m1', 'm2']);
  });

  it('holds a message stored twice in a run (a retried push) once, at its first copy', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(5)], 'back');
    const added = timeline.mergeHistory([msg(1), msg(2), msg(1, 'copy'), msg(3), msg(5), msg(2, 'copy')], 'front');
    expect(added.map((m) => m.text)).toEqual(['m1', 'm2', 'm3']);
    expect(texts(timeline)).toEqual(['m1', 'm2', 'm3', 'm5']);
    expect(new Set(timeline.messages.map((m) => m.id)).size).toBe(timeline.messages.length);
  });

  it('forgets everything on clear', () => {
    const timeline = new MessageTimeline();
    timeline.mergeHistory([msg(1)], 'back');
    timeline.addLive(msg(2));
    timeline.clear();
    expect(timeline.messages).toEqual([]);
    expect(timeline.has(idOf(1))).toBe(false);
    expect(timeline.addLive(msg(2))).toBe(true);
  });
});
