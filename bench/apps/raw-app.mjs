// The app of the bytes row, with @gomomento/sdk-web alone doing the same raw calls: subscribe, read the
// history (listFetch), parse; send with listPushBack (trimmed, TTL refreshed) then publish. Bundled for
// the browser by groups/bytes.mjs, never run.
import { CacheClient, CollectionTtl, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk-web';

export async function chat({ cacheToken, topicToken, render }) {
  const cacheClient = new CacheClient({
    configuration: Configurations.Browser.v1(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: cacheToken }),
    defaultTtlSeconds: 86400,
  });
  const topicClient = new TopicClient({
    configuration: TopicConfigurations.Browser.v1(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: topicToken }),
  });
  await topicClient.subscribe('chat', 'lobby', { onItem: (item) => render(JSON.parse(item.valueString())), onError: () => {} });
  const history = await cacheClient.listFetch('chat', 'lobby', { startIndex: -50 });
  if (history.type === 'Hit') for (const value of history.valueListString()) render(JSON.parse(value));
  return async (text) => {
    const message = JSON.stringify({ id: crypto.randomUUID(), text, ts: Date.now(), from: { name: 'Ann' } });
    await cacheClient.listPushBack('chat', 'lobby', message, { truncateFrontToSize: 100, ttl: CollectionTtl.of(86400) });
    await topicClient.publish('chat', 'lobby', message);
  };
}
