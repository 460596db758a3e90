import { randomBytes } from 'node:crypto';
import type { permission_messages } from '@gomomento/generated-types/dist/permissionmessages.js';
import { unauthenticated } from '../status-error.js';

/** Who a call comes from. */
export type Principal = AdminPrincipal | TokenPrincipal;

/** An API key with every permission, for backends (and for `forMomentoLocal`'s empty key). */
export interface AdminPrincipal {
  kind: 'admin';
}

/** A disposable token: expiring, scoped, and carrying the tokenId stamped on what it publishes. */
export interface TokenPrincipal {
  kind: 'token';
  apiKey: string;
  tokenId: string;
  permissions: permission_messages.PermissionsType[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** The keys the server knows: admin keys and the disposable tokens it has vended. */
export class KeyRing {
  private readonly admins = new Set<string>();
  private readonly tokens = new Map<string, TokenPrincipal>();
  private readonly expiryListeners = new Set<(token: TokenPrincipal) => void>();

  constructor(
    private readonly now: () => number,
    private readonly acceptEmptyAsAdmin: boolean,
  ) {}

  /** Creates a new admin key (the secret part, which the SDK sends as `authorization`). */
  createAdminKey(): string {
    const key = `mcl-admin-${randomBytes(18).toString('base64url')}`;
    this.admins.add(key);
    return key;
  }

  issueToken(tokenId: string, permissions: permission_messages.PermissionsType[], validForSeconds: number): TokenPrincipal {
    const token: TokenPrincipal = {
      kind: 'token',
      apiKey: `mcl-token-${randomBytes(24).toString('base64url')}`,
      tokenId,
      permissions,
      expiresAt: this.now() + validForSeconds * 1000,
    };
    this.tokens.set(token.apiKey, token);
    return token;
  }

  /**
   * Resolves the `authorization` a call carries.
   * @throws UNAUTHENTICATED for an unknown, malformed or expired key.
   */
  authenticate(authorization: string | undefined): Principal {
    if (authorization === undefined || authorization === '') {
      if (this.acceptEmptyAsAdmin) return { kind: 'admin' };
      throw unauthenticated('missing api key');
    }
    if (this.admins.has(authorization)) return { kind: 'admin' };
    const token = this.tokens.get(authorization);
    if (!token) throw unauthenticated('invalid api key');
    if (this.isExpired(token)) throw unauthenticated('token expired');
    return token;
  }

  isExpired(token: TokenPrincipal): boolean {
    return token.expiresAt <= this.now();
  }

  /**
   * Ends a token's life now: later calls with it fail, and its open subscriptions end.
   * @param idOrKey the token's tokenId (every token with that id) or its api key.
   * @returns how many tokens expired.
   */
  expire(idOrKey: string): number {
    let count = 0;
    for (const token of this.tokens.values()) {
      if (token.apiKey !== idOrKey && token.tokenId !== idOrKey) continue;
      token.expiresAt = Math.min(token.expiresAt, this.now());
      count++;
      for (const listener of this.expiryListeners) listener(token);
    }
    return count;
  }

  /** Listens for tokens expired by {@link expire}; natural expiry is found by whoever holds the token. */
  onExpire(listener: (token: TokenPrincipal) => void): void {
    this.expiryListeners.add(listener);
  }

  /** Forgets expired tokens, so memory stays bounded. */
  sweep(): void {
    for (const [key, token] of this.tokens) if (this.isExpired(token)) this.tokens.delete(key);
  }
}
