import { token } from '@gomomento/generated-types';
import { requireAdmin } from '../auth/authorizer.js';
import { invalidArgument } from '../status-error.js';
import type { UnaryHandler } from '../transport/call.js';
import type { ServiceDeps } from './service-deps.js';

const pb = token.token;

/** The longest tokenId the SDKs accept; the server holds to the same bound. */
const MAX_TOKEN_ID_LENGTH = 64;

/**
 * GenerateDisposableToken. The caller's key travels in the body (`auth_token`), not in a header.
 * Only API keys may vend tokens; the token must expire within the limit and hold at most the
 * allowed number of explicit permissions.
 */
export function tokenHandlers(deps: ServiceDeps): Array<[string, UnaryHandler]> {
  const generate: UnaryHandler = (r: InstanceType<typeof pb._GenerateDisposableTokenRequest>) => {
    requireAdmin(deps.keys.authenticate(r.auth_token), 'generate disposable tokens');
    const validFor = r.expires?.valid_for_seconds ?? 0;
    if (!(validFor > 0)) throw invalidArgument('disposable tokens must expire');
    if (validFor > deps.limits.maxTokenLifeSeconds) {
      throw invalidArgument(`disposable tokens live at most ${deps.limits.maxTokenLifeSeconds} seconds`);
    }
    if (r.token_id.length > MAX_TOKEN_ID_LENGTH) throw invalidArgument(`token id must be at most ${MAX_TOKEN_ID_LENGTH} characters`);
    const permissions = r.permissions;
    if (!permissions || permissions.kind !== 'explicit') throw invalidArgument('disposable tokens need explicit permissions');
    const list = permissions.explicit.permissions;
    if (list.length === 0) throw invalidArgument('disposable tokens need at least one permission');
    if (list.length > deps.limits.maxTokenPermissions) {
      throw invalidArgument(`a token holds at most ${deps.limits.maxTokenPermissions} permissions; this one asks for ${list.length}`);
    }
    // Function permissions are accepted (the SDK's AllDataReadWrite carries one) but grant nothing here: there are no functions.
    for (const p of list) if (p.kind === 'none') throw invalidArgument('a permission is empty');
    const issued = deps.keys.issueToken(r.token_id, list, validFor);
    return new pb._GenerateDisposableTokenResponse({
      api_key: issued.apiKey,
      endpoint: deps.endpoint(),
      valid_until: Math.floor(issued.expiresAt / 1000),
    });
  };
  return [['/token.Token/GenerateDisposableToken', generate]];
}
