import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/message.js';
import { SequenceTimeline } from '../../src/sequence-timeline.js';
import { idOf } from './support/fake-momento.js';

/** A moderated message: id by `n`, place by `sequence`. */
const msg = (n: number, sequence: number | undefined, text = `m${n}`): ChatMessage => ({
  id: idOf(n),
  text,
  timestamp: 1_700_000_000_000,
  sender: { claims: {}, tokenId: 't' },
  ...(sequence !== undefined && { serverTimestamp: 1_700_000_000_001, sequence }),
});
const texts = (timeline: SequenceTimeline): string[] => timeline.messages.map((m) => m.text);

describe('SequenceTimeline', () => {
  it('orders live messages by sequence, whatever order they arrive in', () => {
    const timeline = new SequenceTimeline();
    for (const [n, sequence] of [
      [1, 3],
      [2, 1],
      [3, 5],
      [4, 2],
      [5, 4],
    ] as const) {
      expect(timeline.addLive(msg(n, sequence))).toBe(true);
    }
    expect(timeline.messages.map((m) => m.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it('orders history by sequence too, even where the list order disagrees, and returns what it added in run order', () => {
    const timeline = new SequenceTimeline();
    timeline.addLive(msg(9, 9));
    const added = timeline.mergeHistory([msg(4, 4), msg(2, 2), msg(9, 9), msg(3, 3)]);
    expect(added.map((m) => m.sequence)).toEqual([4, 2, 3]);
    expect(timeline.messages.map((m) => m.sequence)).toEqual([2, 3, 4, 9]);
  });

  it('keeps each id once, the first copy placed', () => {
    const timeline = new SequenceTimeline();
    timeline.mergeHistory([msg(1, 1, 'first'), msg(1, 7, 'again in the run')]);
    expect(timeline.addLive(msg(1, 1, 'live copy'))).toBe(false);
    expect(timeline.mergeHistory([msg(1, 1)])).toEqual([]);
    expect(texts(timeline)).toEqual(['first']);
    expect(timeline.has(idOf(1))).toBe(true);
    expect(timeline.has(idOf(2))).toBe(false);
  });

  it('keeps arrival order among equal sequences, and puts messages without one last', () => {
    const timeline = new SequenceTimeline();
    timeline.addLive(msg(1, undefined, 'unnumbered'));
    timeline.addLive(msg(2, 5, 'a'));
    timeline.addLive(msg(3, 5, 'b'));
    timeline.addLive(msg(4, 1, 'c'));
    expect(texts(timeline)).toEqual(['c', 'a', 'b', 'unnumbered']);
  });

  it('hands out a new array after each change, the same one until then, and never changes one handed out', () => {
    const timeline = new SequenceTimeline();
    timeline.addLive(msg(2, 2));
    const before = timeline.messages;
    expect(timeline.messages).toBe(before);
    timeline.addLive(msg(1, 1));
    expect(timeline.messages).not.toBe(before);
    expect(before.map((m) => m.sequence)).toEqual([2]);
    const after = timeline.messages;
    timeline.addLive(msg(2, 2));
    expect(timeline.messages).toBe(after);
  });

  it('forgets everything on clear', () => {
    const timeline = new SequenceTimeline();
    timeline.mergeHistory([msg(1, 1), msg(2, 2)]);
    const held = timeline.messages;
    timeline.clear();
    expect(timeline.messages).toEqual([]);
    expect(timeline.has(idOf(1))).toBe(false);
    expect(held).toHaveLength(2);
    expect(timeline.addLive(msg(1, 1))).toBe(true);
  });
});
