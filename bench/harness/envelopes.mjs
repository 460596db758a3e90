// Real momento-chat envelopes, made by the library itself through its public API (a ChatRoom over the
// in-process ports), so the raw side of each comparison sends exactly the bytes the library sends, and
// history and inputs stay valid whatever the envelope format becomes.
import { ChatRoom } from '../../dist/index.js';
import { InProcessCacheClient, InProcessTopicClient } from './in-process-ports.mjs';

export const BENCH_TEXT = 'The quick brown fox jumps over the lazy dog, then checks the chat room for new messages and replies.';

/**
 * @param {{ roomId: string, count: number, text?: string, mode?: 'client-only' | 'moderated' }} options
 * @returns {Promise<string[]>} the encoded messages, in the order they were made (ids ascending)
 */
export async function makeEnvelopes({ roomId, count, text = BENCH_TEXT, mode = 'client-only' }) {
  const topicClient = new InProcessTopicClient();
  const room = new ChatRoom({ cacheClient: new InProcessCacheClient(), topicClient, cacheName: 'bench', roomId, mode, sender: { displayName: 'bench' } });
  await room.join();
  const sends = [];
  for (let i = 0; i < count; i++) {
    const sent = room.send(text);
    // A moderated send waits for a moderator that is not there: its publish is all that is wanted.
    if (mode === 'moderated') sends.push(sent.catch(() => undefined));
    else await sent;
  }
  await room.leave();
  await Promise.all(sends);
  return topicClient.published.map((p) => p.value);
}
