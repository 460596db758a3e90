// A Node chat client: fetches its tokens from the backend, builds its own Momento clients, joins a room.
import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk';
import { ChatRoom } from 'momento-chat';

/**
 * @param backendUrl the token backend.
 * @param endpointOverrides where Momento is (against Momento itself, leave it out).
 */
export async function connect({ backendUrl, endpointOverrides, cacheName, roomId, userId, displayName }) {
  const response = await fetch(`${backendUrl}/tokens?room=${encodeURIComponent(roomId)}&user=${encodeURIComponent(userId)}`);
  if (!response.ok) throw new Error(`unable to get tokens; ${response.status} ${await response.text()}`);
  const { cacheToken, topicToken } = await response.json();
  const cacheClient = await CacheClient.create({
    configuration: Configurations.Laptop.v1(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: cacheToken, endpointOverrides }),
    defaultTtlSeconds: 24 * 60 * 60,
  });
  const topicClient = new TopicClient({
    configuration: TopicConfigurations.Default.latest(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: topicToken, endpointOverrides }),
  });
  const room = new ChatRoom({ cacheClient, topicClient, cacheName, roomId, sender: { displayName } });
  return {
    room,
    async close() {
      await room.leave();
      cacheClient.close();
    },
  };
}
