import { AuthClient, CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk-web';
import { afterAll, beforeAll } from 'vitest';
import type { LocalMomento } from '../../../src/local/index.js';
import { installBrowserGlobals } from './node-xhr.js';

/**
 * Clients of the real `@gomomento/sdk-web`, pointed at a local server over grpc-web. They hold their own
 * copy of `@gomomento/sdk-core` (sdk-web pins one), so tests compare `type` and `errorCode()` strings, never
 * classes.
 */

/** Puts the XMLHttpRequest shim and `navigator` in place for the tests of the enclosing `describe` (or file). */
export function useBrowserGlobals(): void {
  let restore: (() => void) | undefined;
  beforeAll(() => {
    restore = installBrowserGlobals();
  });
  afterAll(() => restore?.());
}

/** The web SDK's credentials for `apiKey` (a key or a disposable token), with the server's web endpoints. */
export function webCredentials(momento: LocalMomento, apiKey = momento.adminApiKey): CredentialProvider {
  return CredentialProvider.fromString({ apiKey, endpointOverrides: momento.endpoints.web });
}

/** A web CacheClient that sends `apiKey`. */
export function webCacheClient(momento: LocalMomento, apiKey = momento.adminApiKey, defaultTtlSeconds = 60): CacheClient {
  return new CacheClient({ configuration: Configurations.Browser.v1(), credentialProvider: webCredentials(momento, apiKey), defaultTtlSeconds });
}

/** A web TopicClient that sends `apiKey`. */
export function webTopicClient(momento: LocalMomento, apiKey = momento.adminApiKey): TopicClient {
  return new TopicClient({ configuration: TopicConfigurations.Browser.v1(), credentialProvider: webCredentials(momento, apiKey) });
}

/** A web AuthClient that sends `apiKey` (in the request body, as the SDK does for token calls). */
export function webAuthClient(momento: LocalMomento, apiKey = momento.adminApiKey): AuthClient {
  return new AuthClient({ credentialProvider: webCredentials(momento, apiKey) });
}
