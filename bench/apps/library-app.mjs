// The app of the bytes row, with momento-chat: join a room, show what arrives, send. Bundled for the
// browser by groups/bytes.mjs, never run.
import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk-web';
import { ChatRoom } from 'momento-chat';

export async function chat({ cacheToken, topicToken, render }) {
  const room = new ChatRoom({
    cacheClient: new CacheClient({
      configuration: Configurations.Browser.v1(),
      credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: cacheToken }),
      defaultTtlSeconds: 86400,
    }),
    topicClient: new TopicClient({
      configuration: TopicConfigurations.Browser.v1(),
      credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: topicToken }),
    }),
    cacheName: 'chat',
    roomId: 'lobby',
    sender: { displayName: 'Ann' },
  });
  room.on('message', ({ message }) => render(message));
  for (const message of await room.join()) render(message);
  return (text) => room.send(text);
}
