// The page script of the browser tests: bundled by esbuild for the browser from the BUILT package (the
// name `momento-chat` resolves to dist/ through the package's own `exports`) and the real
// `@gomomento/sdk-web`, and driven by the tests through `window.chatHarness` (page.evaluate).
// One room per page, as in an app: a test that needs two users opens two pages.
import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk-web';
import { ChatRoom, isChatError } from 'momento-chat';
import type { ChatMessage, JsonValue, RoomStatus } from 'momento-chat';

/** What the page needs to build its clients and its room: the two tokens a backend vended, and where Momento is. */
export interface OpenOptions {
  cacheToken: string;
  topicToken: string;
  /** `momento.endpoints.web` of the local server. */
  endpoints: { cacheEndpoint: string; controlEndpoint: string; tokenEndpoint: string };
  cacheName: string;
  roomId: string;
  mode?: 'client-only' | 'moderated';
  displayName?: string;
  pageSize?: number;
  moderationTimeoutMs?: number;
}

/** A message as it crosses from the page to the test: a plain copy of a ChatMessage. */
export interface PageMessage {
  id: string;
  text: string;
  timestamp: number;
  sender: { tokenId?: string; claims: { displayName?: string; userId?: string } };
  metadata?: { [key: string]: JsonValue };
  serverTimestamp?: number;
  sequence?: number;
}

/** A failure as it crosses to the test: what a user's catch block sees. */
export interface PageError {
  isChatError: boolean;
  name: string;
  code?: string;
  reason?: string;
  momentoErrorCode?: string;
  message: string;
}

/** A call's result: the value, or the error it threw. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: PageError };

/** An SDK response, reduced to what a test compares: its type and, for an error, its code. */
export interface RawResponse {
  type: string;
  errorCode?: string;
}

/** The API the page exposes on `window.chatHarness`. */
export interface ChatHarness {
  /** Builds sdk-web clients from the tokens and a ChatRoom over them, recording its events. */
  open(options: OpenOptions): void;
  join(): Promise<Outcome<PageMessage[]>>;
  send(text: string, metadata?: { [key: string]: JsonValue }): Promise<Outcome<PageMessage>>;
  loadOlder(): Promise<Outcome<{ messages: PageMessage[]; hasMore: boolean }>>;
  leave(): Promise<void>;
  status(): RoomStatus;
  /** `room.messages`. */
  messages(): PageMessage[];
  /** Every status event, in order. */
  statuses(): RoomStatus[];
  /** Every error event, in order. */
  errors(): PageError[];
  /** The first `message` event (past or future) with this text; rejects after `timeoutMs`. */
  messageEvent(text: string, timeoutMs?: number): Promise<PageMessage>;
  /** A raw `listPushBack` on the room's list with the page's cache client, as a hostile member would. */
  rawListPushBack(value: string): Promise<RawResponse>;
  /** A raw `publish` with the page's topic client. */
  rawPublish(topicName: string, value: string): Promise<RawResponse>;
}

declare global {
  interface Window {
    chatHarness: ChatHarness;
  }
}

function plain(message: ChatMessage): PageMessage {
  return {
    id: message.id,
    text: message.text,
    timestamp: message.timestamp,
    sender: { tokenId: message.sender.tokenId, claims: { ...message.sender.claims } },
    metadata: message.metadata === undefined ? undefined : (JSON.parse(JSON.stringify(message.metadata)) as PageMessage['metadata']),
    serverTimestamp: message.serverTimestamp,
    sequence: message.sequence,
  };
}

function describeError(error: unknown): PageError {
  if (isChatError(error)) {
    return { isChatError: true, name: error.name, code: error.code, reason: error.reason, momentoErrorCode: error.momentoErrorCode, message: error.message };
  }
  return { isChatError: false, name: error instanceof Error ? error.name : typeof error, message: String(error) };
}

async function outcome<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

function raw(response: { type: string }): RawResponse {
  const errorCode = (response as { errorCode?: () => string }).errorCode;
  return typeof errorCode === 'function' ? { type: response.type, errorCode: errorCode.call(response) } : { type: response.type };
}

let current: { room: ChatRoom; cacheClient: CacheClient; topicClient: TopicClient; cacheName: string; roomId: string } | undefined;
const received: PageMessage[] = [];
const statuses: RoomStatus[] = [];
const errors: PageError[] = [];
const waiters = new Set<() => void>();

function opened(): NonNullable<typeof current> {
  if (!current) throw new Error('call open() first');
  return current;
}

/** Listeners are dropped by leave(), so they are added again before each join. */
function listen(room: ChatRoom): void {
  room.on('message', ({ message }) => {
    received.push(plain(message));
    for (const waiter of waiters) waiter();
  });
  room.on('status', ({ status }) => statuses.push(status));
  room.on('error', ({ error }) => errors.push(describeError(error)));
}

window.chatHarness = {
  open(options) {
    const endpointOverrides = options.endpoints;
    const cacheClient = new CacheClient({
      configuration: Configurations.Browser.v1(),
      credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: options.cacheToken, endpointOverrides }),
      defaultTtlSeconds: 3600,
    });
    const topicClient = new TopicClient({
      configuration: TopicConfigurations.Browser.v1(),
      credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: options.topicToken, endpointOverrides }),
    });
    const room = new ChatRoom({
      cacheClient,
      topicClient,
      cacheName: options.cacheName,
      roomId: options.roomId,
      mode: options.mode,
      sender: { displayName: options.displayName },
      pageSize: options.pageSize,
      moderationTimeoutMs: options.moderationTimeoutMs,
    });
    current = { room, cacheClient, topicClient, cacheName: options.cacheName, roomId: options.roomId };
  },
  join() {
    const { room } = opened();
    listen(room);
    return outcome(async () => (await room.join()).map(plain));
  },
  send(text, metadata) {
    return outcome(async () => plain(await opened().room.send(text, metadata === undefined ? {} : { metadata })));
  },
  loadOlder() {
    return outcome(async () => {
      const page = await opened().room.loadOlder();
      return { messages: page.messages.map(plain), hasMore: page.hasMore };
    });
  },
  leave: () => opened().room.leave(),
  status: () => opened().room.status,
  messages: () => opened().room.messages.map(plain),
  statuses: () => [...statuses],
  errors: () => [...errors],
  messageEvent(text, timeoutMs = 8000) {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = received.find((m) => m.text === text);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no message event with the text ${JSON.stringify(text)} within ${timeoutMs} ms; got ${JSON.stringify(received.map((m) => m.text))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  },
  async rawListPushBack(value) {
    const { cacheClient, cacheName, roomId } = opened();
    return raw(await cacheClient.listPushBack(cacheName, roomId, value));
  },
  async rawPublish(topicName, value) {
    const { topicClient, cacheName } = opened();
    return raw(await topicClient.publish(cacheName, topicName, value));
  },
};
