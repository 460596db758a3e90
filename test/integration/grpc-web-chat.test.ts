import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk-web';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatRoom, vendClientOnlyTokens } from '../../src/index.js';
import type { LocalMomento } from '../../src/local/index.js';
import { ChatUsers, ids, receivedId, record, type Recorder } from './support/chat.js';
import { useLocalServer } from './support/local-server.js';
import { eventually } from './support/time.js';
import { useBrowserGlobals, webAuthClient } from './support/web-clients.js';

const CACHE = 'chat';

/** A browser user: tokens vended by a backend, web SDK clients built from them, as the README's quickstart. */
async function browserUser(momento: LocalMomento, roomId: string, userId: string): Promise<{ room: ChatRoom; events: Recorder; cacheClient: CacheClient }> {
  // The backend vends through the web AuthClient here, so token generation goes over grpc-web too.
  const { cacheToken, topicToken } = await vendClientOnlyTokens(webAuthClient(momento), { cacheName: CACHE, roomId, userId });
  const endpointOverrides = momento.endpoints.web;
  const cacheClient = new CacheClient({
    configuration: Configurations.Browser.v1(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: cacheToken, endpointOverrides }),
    defaultTtlSeconds: 3600,
  });
  const topicClient = new TopicClient({
    configuration: TopicConfigurations.Browser.v1(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: topicToken, endpointOverrides }),
  });
  const room = new ChatRoom({ cacheClient, topicClient, cacheName: CACHE, roomId, sender: { displayName: userId } });
  return { room, events: record(room), cacheClient };
}

describe('a ChatRoom over @gomomento/sdk-web (grpc-web) with a ChatRoom over @gomomento/sdk (gRPC)', () => {
  const env = useLocalServer({ caches: [CACHE] });
  useBrowserGlobals();
  let users: ChatUsers;
  const browsers: Array<{ room: ChatRoom; cacheClient: CacheClient }> = [];
  beforeAll(() => {
    users = new ChatUsers(env.momento, env.clients.auth);
  });
  afterEach(async () => {
    for (const browser of browsers.splice(0)) {
      await browser.room.leave();
      browser.cacheClient.close();
    }
    await users.closeAll();
  });

  it('joins with the history, and the two talk both ways with verified senders', async () => {
    const roomId = 'mixed';
    const node = await users.add({ cacheName: CACHE, roomId, userId: 'nora' });
    await node.room.join();
    const before = await node.room.send('before the browser came');

    const web = await browserUser(env.momento, roomId, 'wes');
    browsers.push(web);
    const history = await web.room.join();
    expect(web.room.status).toBe('joined');
    expect(ids(history)).toEqual([before.id]);

    const fromWeb = await web.room.send('hello from the browser');
    await receivedId(node.events, fromWeb.id);
    const seenByNode = node.events.messages.find((m) => m.id === fromWeb.id)!;
    expect(seenByNode.text).toBe('hello from the browser');
    expect(seenByNode.sender.tokenId).toBe('wes');

    const fromNode = await node.room.send('hello from node');
    await receivedId(web.events, fromNode.id);
    expect(web.events.messages.find((m) => m.id === fromNode.id)!.sender.tokenId).toBe('nora');
    expect(ids(web.room.messages)).toEqual([before.id, fromWeb.id, fromNode.id]);
    expect(ids(node.room.messages)).toEqual([before.id, fromWeb.id, fromNode.id]);
    expect(web.events.errors).toEqual([]);
  });

  it('keeps a browser room joined through a dropped stream and delivers what was sent meanwhile', async () => {
    const roomId = 'dropped';
    const web = await browserUser(env.momento, roomId, 'wes');
    browsers.push(web);
    await web.room.join();
    await web.room.send('before the drop');

    // A TCP-level drop: the web SDK resubscribes on its own after 500 ms, resuming after the last item, with
    // no callback. The Node side waits until its own connections are back (grpc-js fails calls in flight).
    env.momento.faults.disconnectAll();
    await eventually(async () => ((await env.clients.cache.get(CACHE, 'probe')).type === 'Error' ? undefined : true), 5000, 'the Node SDK back');
    const node = await users.add({ cacheName: CACHE, roomId, userId: 'nora' });
    await node.room.join();
    const sent = await node.room.send('while reconnecting');
    await receivedId(web.events, sent.id);
    expect(web.room.status).toBe('joined');
    expect(web.events.errors).toEqual([]);
  });
});
