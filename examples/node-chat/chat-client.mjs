// A Node chat client: fetches its tokens from the backend, builds its own Momento clients, joins a room.
// In a moderated room (`mode: 'moderated'`) `send` publishes to the room's input topic and resolves with
// the moderator's copy, or rejects with MESSAGE_REJECTED (and the reason) or MODERATION_TIMEOUT.
import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk';
import { ChatRoom } from 'momento-chat';

/**
 * @param backendUrl the token backend.
 * @param endpointOverrides where Momento is (against Momento itself, leave it out).
 * @param claims what this client says about its user: `{ displayName }`. Not verified.
 * @param mode 'client-only' (the default) or 'moderated', as the backend's tokens allow.
 */
export async function connect({ backendUrl, endpointOverrides, cacheName, roomId, userId, claims, mode = 'client-only' }) {
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
  const room = new ChatRoom({ cacheClient, topicClient, cacheName, roomId, mode, sender: claims });
  return {
    room,
    async close() {
      await room.leave();
      cacheClient.close();
    },
  };
}
