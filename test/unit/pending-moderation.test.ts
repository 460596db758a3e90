import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatError, isChatError } from '../../src/errors.js';
import type { ChatMessage } from '../../src/message.js';
import { PendingModeration } from '../../src/pending-moderation.js';
import { flush, idOf } from './support/fake-momento.js';

const msg = (n: number, text = `m${n}`): ChatMessage => ({ id: idOf(n), text, timestamp: 1, sender: { claims: {}, tokenId: 't' }, serverTimestamp: 2, sequence: n });

/** What a promise settled with, once everything pending has run; undefined while pending. */
function outcome(promise: Promise<unknown>): () => { value?: unknown; error?: unknown } | undefined {
  let result: { value?: unknown; error?: unknown } | undefined;
  promise.then(
    (value) => (result = { value }),
    (error: unknown) => (result = { error }),
  );
  return () => result;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('PendingModeration', () => {
  it("resolves a wait with the moderator's copy of its id, and ignores other ids", async () => {
    const pending = new PendingModeration(1_000);
    const result = outcome(pending.expect(idOf(1)));
    pending.accept(msg(2));
    pending.refuse({ id: idOf(3), reason: 'no' });
    pending.fail(idOf(4), new ChatError('NOT_JOINED', 'unable to send; x'));
    await flush();
    expect(result()).toBeUndefined();
    const copy = msg(1, 'moderated');
    pending.accept(copy);
    await flush();
    expect(result()).toEqual({ value: copy });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with MESSAGE_REJECTED and the reason', async () => {
    const pending = new PendingModeration(1_000);
    const result = outcome(pending.expect(idOf(1)));
    pending.refuse({ id: idOf(1), reason: 'off topic' });
    await flush();
    const { error } = result()!;
    expect(isChatError(error) && [error.code, error.reason, error.message]).toEqual([
      'MESSAGE_REJECTED',
      'off topic',
      `unable to send message ${idOf(1)}; the moderator rejected it: off topic`,
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with MODERATION_TIMEOUT after the timeout, and ignores a later answer', async () => {
    const pending = new PendingModeration(250);
    const result = outcome(pending.expect(idOf(1)));
    vi.advanceTimersByTime(249);
    await flush();
    expect(result()).toBeUndefined();
    vi.advanceTimersByTime(1);
    await flush();
    const { error } = result()!;
    expect(isChatError(error) && [error.code, error.message]).toEqual(['MODERATION_TIMEOUT', `unable to send message ${idOf(1)}; the moderator did not answer within 250 ms`]);
    pending.accept(msg(1));
    pending.refuse({ id: idOf(1), reason: 'late' });
  });

  it('answers each wait once: the first answer wins', async () => {
    const pending = new PendingModeration(1_000);
    const result = outcome(pending.expect(idOf(1)));
    pending.accept(msg(1, 'first'));
    pending.refuse({ id: idOf(1), reason: 'second' });
    await flush();
    expect(result()).toEqual({ value: msg(1, 'first') });
  });

  it('fails one wait, or all of them, with the given error, and clears their timers', async () => {
    const pending = new PendingModeration(1_000);
    const one = outcome(pending.expect(idOf(1)));
    const two = outcome(pending.expect(idOf(2)));
    const three = outcome(pending.expect(idOf(3)));
    const published = new ChatError('PERMISSION_DENIED', 'unable to send; no');
    pending.fail(idOf(1), published);
    const left = new ChatError('NOT_JOINED', 'unable to send; left');
    pending.failAll(left);
    await flush();
    expect([one()?.error, two()?.error, three()?.error]).toEqual([published, left, left]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
