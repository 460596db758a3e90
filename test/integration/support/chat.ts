import type { AuthClient, CacheClient, TopicClient } from '@gomomento/sdk';
import { ChatRoom, vendClientOnlyTokens } from '../../../src/index.js';
import type { ChatCacheClient, ChatError, ChatMessage, ChatRoomOptions, RoomStatus, RoomTokens } from '../../../src/index.js';
import type { LocalMomento } from '../../../src/local/index.js';
import { cacheClientFor, topicClientFor } from './clients.js';
import { waitFor } from './time.js';

/** What a room emitted, recorded from the listeners `record` adds. */
export interface Recorder {
  /** Live `message` events, in order. */
  messages: ChatMessage[];
  /** `error` events. */
  errors: ChatError[];
  /** Every status the room moved to. */
  statuses: RoomStatus[];
}

/** Records every event of a room. Call again after a re-join: `leave()` drops listeners. */
export function record(room: ChatRoom, into: Recorder = { messages: [], errors: [], statuses: [] }): Recorder {
  room.on('message', ({ message }) => into.messages.push(message));
  room.on('error', ({ error }) => into.errors.push(error));
  room.on('status', ({ status }) => into.statuses.push(status));
  return into;
}

/** One user of one room: clients built only from the tokens `vendClientOnlyTokens` vends, a room, and its events. */
export interface ChatUser {
  userId: string;
  tokens: RoomTokens;
  cacheClient: CacheClient;
  topicClient: TopicClient;
  room: ChatRoom;
  events: Recorder;
}

export type ChatUserOptions = { cacheName: string; roomId: string; userId: string } & Partial<Omit<ChatRoomOptions, 'cacheClient' | 'topicClient'>>;

/**
 * Vends a user's client-only tokens through `auth`, builds a real CacheClient from `cacheToken` and a real
 * TopicClient from `topicToken`, and a room over them that records its events (not joined yet).
 */
export async function chatUser(momento: LocalMomento, auth: AuthClient, options: ChatUserOptions): Promise<ChatUser> {
  const { userId, ...roomOptions } = options;
  const tokens = await vendClientOnlyTokens(auth, { cacheName: options.cacheName, roomId: options.roomId, userId });
  const cacheClient = await cacheClientFor(momento, tokens.cacheToken);
  const topicClient = topicClientFor(momento, tokens.topicToken);
  const room = new ChatRoom({ sender: { displayName: userId, userId }, ...roomOptions, cacheClient, topicClient });
  return { userId, tokens, cacheClient, topicClient, room, events: record(room) };
}

/** Makes chat users for one test file and leaves their rooms and closes their clients afterwards. */
export class ChatUsers {
  private readonly users: ChatUser[] = [];

  constructor(
    private readonly momento: LocalMomento,
    private readonly auth: AuthClient,
  ) {}

  async add(options: ChatUserOptions): Promise<ChatUser> {
    const user = await chatUser(this.momento, this.auth, options);
    this.users.push(user);
    return user;
  }

  /** Leaves every room and closes every cache client made through this object. */
  async closeAll(): Promise<void> {
    for (const user of this.users.splice(0)) {
      await user.room.leave();
      user.cacheClient.close();
    }
  }
}

/** The id of a stored envelope, or the raw text when it is not one. */
const idOf = (raw: string): string => {
  try {
    const parsed = JSON.parse(raw) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : raw;
  } catch {
    return raw;
  }
};

/** The raw entries of a room's list, read with an admin client; empty when the list does not exist. */
export async function listEntries(admin: CacheClient, cacheName: string, roomId: string): Promise<string[]> {
  const fetched = await admin.listFetch(cacheName, roomId);
  switch (fetched.type) {
    case 'Hit':
      return fetched.valueListString();
    case 'Miss':
      return [];
    default:
      throw new Error(`unable to read list ${roomId}; ${fetched.toString()}`);
  }
}

/** The message ids of a room's list, in list order. */
export async function listIds(admin: CacheClient, cacheName: string, roomId: string): Promise<string[]> {
  return (await listEntries(admin, cacheName, roomId)).map(idOf);
}

/**
 * Calls `loadOlder()` until `hasMore` is false.
 * @returns the messages of each page, in the order the pages came.
 */
export async function loadAllOlder(room: ChatRoom, maxPages = 1000): Promise<ChatMessage[][]> {
  const pages: ChatMessage[][] = [];
  for (let i = 0; i < maxPages; i++) {
    const page = await room.loadOlder();
    pages.push(page.messages);
    if (!page.hasMore) return pages;
  }
  throw new Error(`history paging did not end after ${maxPages} pages`);
}

/** Resolves once `events` has recorded a live message with the given id. */
export function receivedId(events: Recorder, id: string, what = `message ${id}`): Promise<void> {
  return waitFor(() => events.messages.some((m) => m.id === id), 5000, what);
}

/** Ids of messages, for comparing sequences. */
export const ids = (messages: readonly ChatMessage[]): string[] => messages.map((m) => m.id);

/** The ids that occur more than once. */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

/**
 * A CacheClient whose next `listFetch` waits at a gate: `reached` resolves when the call comes in, and
 * the real client makes it once `open()` is called. Every other call goes straight to the real client.
 */
export function gatedListFetch(sdkClient: CacheClient): { client: ChatCacheClient; reached: Promise<void>; open(): void } {
  const real: ChatCacheClient = sdkClient;
  let arrive!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((resolve) => (arrive = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  let gated = true;
  const client: ChatCacheClient = {
    async listFetch(cacheName, listName, options) {
      if (gated) {
        gated = false;
        arrive();
        await opened;
      }
      return real.listFetch(cacheName, listName, options);
    },
    listPushBack: (cacheName, listName, value, options) => real.listPushBack(cacheName, listName, value, options),
  };
  return { client, reached, open };
}
