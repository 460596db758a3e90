import { ExpiresIn, type AuthClient, type DisposableTokenScope, type PermissionScope } from '@gomomento/sdk';
import type { LocalMomento } from '../../../src/local/index.js';

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

/** A key in the form the SDK decodes (base64 of `{endpoint, api_key}`) carrying any api_key. */
export function encodedKey(momento: LocalMomento, apiKey: string): string {
  return Buffer.from(JSON.stringify({ endpoint: momento.address, api_key: apiKey })).toString('base64');
}

/** What a key or token the SDK holds carries: the server's endpoint and the api key it sends. */
export function decodedKey(token: string): { endpoint?: unknown; api_key?: unknown } {
  return JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { endpoint?: unknown; api_key?: unknown };
}
