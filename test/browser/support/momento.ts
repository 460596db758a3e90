import type { AuthClient, CacheClient, TopicClient } from '@gomomento/sdk';
import { ChatRoom, vendClientOnlyTokens, vendModeratedClientTokens, vendModeratorTokens } from 'momento-chat';
import type { ChatMessage, RoomTokens } from 'momento-chat';
import { startLocalMomento, type LocalMomento } from 'momento-chat/local';
import { Moderator, type ModerateFn } from 'momento-chat/moderator';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { authClientFor, cacheClientFor, topicClientFor } from '../../integration/support/clients.js';
import type { OpenOptions } from '../page/chat-harness.js';

// The Node side of the browser tests runs the built package too: `momento-chat` resolves to dist/. The SDK
// clients are the integration tests' (they take a LocalMomento only for its endpoints and keys).

export const CACHE = 'chat';

export type Mode = 'client-only' | 'moderated';

/** A local Momento server with an admin AuthClient: a token backend, and the Node users and moderators of a file. */
export interface MomentoSide {
  readonly momento: LocalMomento;
  /** Tokens for a browser user, as a backend vends them: the room's, for `mode`, with the user's id as tokenId. */
  browserOptions(options: { mode: Mode; roomId: string; userId: string; tokenRoomId?: string } & Partial<OpenOptions>): Promise<OpenOptions>;
  /** A Node user of a room (the real `@gomomento/sdk`), not joined yet; left and closed after the test. */
  nodeUser(options: { mode: Mode; roomId: string; userId: string }): Promise<ChatRoom>;
  /** A Moderator on the tokens of `vendModeratorTokens`, watching `roomIds`; stopped after the file's tests. */
  moderator(roomIds: string[], moderate: ModerateFn): Promise<Moderator>;
}

/** Starts the local server before the file's tests and stops it, with every Node client, after them. */
export function useMomento(): MomentoSide {
  let momento: LocalMomento | undefined;
  let auth: AuthClient | undefined;
  const rooms: Array<{ room: ChatRoom; cacheClient: CacheClient }> = [];
  const moderators: Array<{ moderator: Moderator; cacheClient: CacheClient }> = [];
  const running = (): { momento: LocalMomento; auth: AuthClient } => {
    if (!momento || !auth) throw new Error('the local server runs from beforeAll to afterAll');
    return { momento, auth };
  };

  beforeAll(async () => {
    momento = await startLocalMomento({ caches: [CACHE] });
    auth = authClientFor(momento);
  });
  afterEach(async () => {
    for (const { room, cacheClient } of rooms.splice(0)) {
      await room.leave();
      cacheClient.close();
    }
  });
  afterAll(async () => {
    for (const { moderator, cacheClient } of moderators.splice(0)) {
      await moderator.stop();
      cacheClient.close();
    }
    await momento?.stop();
  });

  async function nodeClients(tokens: RoomTokens): Promise<{ cacheClient: CacheClient; topicClient: TopicClient }> {
    const { momento } = running();
    return { cacheClient: await cacheClientFor(momento, tokens.cacheToken, 3600), topicClient: topicClientFor(momento, tokens.topicToken) };
  }

  const vend = (mode: Mode, roomId: string, userId: string): Promise<RoomTokens> => {
    const vendTokens = mode === 'moderated' ? vendModeratedClientTokens : vendClientOnlyTokens;
    return vendTokens(running().auth, { cacheName: CACHE, roomId, userId });
  };

  return {
    get momento() {
      return running().momento;
    },
    async browserOptions({ mode, roomId, userId, tokenRoomId = roomId, ...rest }) {
      const { cacheToken, topicToken } = await vend(mode, tokenRoomId, userId);
      return { cacheToken, topicToken, endpoints: running().momento.endpoints.web, cacheName: CACHE, roomId, mode, displayName: userId, ...rest };
    },
    async nodeUser({ mode, roomId, userId }) {
      const { cacheClient, topicClient } = await nodeClients(await vend(mode, roomId, userId));
      const room = new ChatRoom({ cacheClient, topicClient, cacheName: CACHE, roomId, mode, sender: { displayName: userId } });
      rooms.push({ room, cacheClient });
      return room;
    },
    async moderator(roomIds, moderate) {
      const tokens = await vendModeratorTokens(running().auth, { cacheName: CACHE, roomIds, moderatorId: 'moderator' });
      const { cacheClient, topicClient } = await nodeClients(tokens);
      const moderator = new Moderator({ cacheClient, topicClient, cacheName: CACHE, moderate });
      moderators.push({ moderator, cacheClient });
      for (const roomId of roomIds) await moderator.watch(roomId);
      return moderator;
    },
  };
}

/** The first `message` event of a Node room with this text, from now on; rejects after `timeoutMs`. */
export function messageEvent(room: ChatRoom, text: string, timeoutMs = 8000): Promise<ChatMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new Error(`no message event with the text ${JSON.stringify(text)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = room.on('message', ({ message }) => {
      if (message.text !== text) return;
      clearTimeout(timer);
      sub.unsubscribe();
      resolve(message);
    });
  });
}

/** Texts of messages, for comparing sequences. */
export const texts = (messages: ReadonlyArray<{ text: string }>): string[] => messages.map((m) => m.text);
