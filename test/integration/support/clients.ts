import {
  AuthClient,
  AuthClientConfigurations,
  CacheClient,
  Configurations,
  ExpiresIn,
  TopicClient,
  TopicConfigurations,
  type DisposableTokenScope,
  type PermissionScope,
} from '@gomomento/sdk';
import { startLocalMomento, type LocalMomento, type LocalMomentoOptions } from '../../../src/local/index.js';

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

export function authClientFor(momento: LocalMomento, apiKey = momento.adminApiKey): AuthClient {
  return new AuthClient({ configuration: AuthClientConfigurations.Default.latest(), credentialProvider: momento.credentialProviderFor(apiKey) });
}

export async function adminClients(momento: LocalMomento): Promise<Clients> {
  return { cache: await cacheClientFor(momento), topics: topicClientFor(momento), auth: authClientFor(momento) };
}

/**
 * Vends a disposable token through the real AuthClient.
 * @returns the token string the SDK gives (base64 of `{endpoint, api_key}`).
 */
export async function vendToken(
  auth: AuthClient,
  scope: PermissionScope | DisposableTokenScope,
  options: { seconds?: number; tokenId?: string } = {},
): Promise<string> {
  const response = await auth.generateDisposableToken(scope as DisposableTokenScope, ExpiresIn.seconds(options.seconds ?? 300), {
    tokenId: options.tokenId,
  });
  if (response.type !== 'Success') throw new Error(`unable to vend a token; ${response.toString()}`);
  return response.authToken;
}

/** A server and admin clients for one test file; `stop()` closes everything. */
export async function startWithClients(options: LocalMomentoOptions = {}): Promise<{ momento: LocalMomento; clients: Clients; stop(): Promise<void> }> {
  const momento = await startLocalMomento(options);
  const clients = await adminClients(momento);
  return {
    momento,
    clients,
    async stop() {
      clients.cache.close();
      await momento.stop();
    },
  };
}

/** Resolves when `condition` holds, polling each few milliseconds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A clock a test moves by hand, for TTL and token expiry. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00Z')): { now: () => number; advance(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}


/**
 * The `errorCode()` of an SDK response whose type is 'Error', or a description of what it was instead,
 * so `expect(errorCodeOf(r)).toBe(MomentoErrorCode.X)` fails with a readable message.
 */
export function errorCodeOf(response: { type: string; toString(): string }): string {
  if (response.type === 'Error' && 'errorCode' in response && typeof response.errorCode === 'function') {
    return String(response.errorCode());
  }
  return `not an error: ${response.toString()}`;
}
