import { AuthClient, AuthClientConfigurations, CacheClient, Configurations, TopicClient, TopicConfigurations } from '@gomomento/sdk';
import type { LocalMomento } from '../../../src/local/index.js';

/** Clients of the real Node SDK, pointed at a local server. */
export interface Clients {
  cache: CacheClient;
  topics: TopicClient;
  auth: AuthClient;
}

/** A CacheClient of the real SDK that sends `apiKey` (an API key or a disposable token). */
export async function cacheClientFor(momento: LocalMomento, apiKey = momento.adminApiKey, defaultTtlSeconds = 60): Promise<CacheClient> {
  return CacheClient.create({
    configuration: Configurations.Laptop.v1(),
    credentialProvider: momento.credentialProviderFor(apiKey),
    defaultTtlSeconds,
  });
}

/** A TopicClient of the real SDK that sends `apiKey`. */
export function topicClientFor(momento: LocalMomento, apiKey = momento.adminApiKey): TopicClient {
  return new TopicClient({ configuration: TopicConfigurations.Default.latest(), credentialProvider: momento.credentialProviderFor(apiKey) });
}

/** An AuthClient of the real SDK that sends `apiKey`. */
export function authClientFor(momento: LocalMomento, apiKey = momento.adminApiKey): AuthClient {
  return new AuthClient({ configuration: AuthClientConfigurations.Default.latest(), credentialProvider: momento.credentialProviderFor(apiKey) });
}

/** One client of each kind with the server's admin key; only the CacheClient needs closing. */
export async function adminClients(momento: LocalMomento): Promise<Clients> {
  return { cache: await cacheClientFor(momento), topics: topicClientFor(momento), auth: authClientFor(momento) };
}
