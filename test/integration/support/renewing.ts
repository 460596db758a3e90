import type { AuthClient } from '@gomomento/sdk';
import { vendClientOnlyTokens, vendModeratedClientTokens } from '../../../src/index.js';
import type { RoomClients, RoomClientsProvider } from '../../../src/index.js';
import type { LocalMomento } from '../../../src/local/index.js';
import { cacheClientFor, topicClientFor } from './clients.js';

/** A `clients` function that vends a user's tokens on each call, and what it did. */
export interface CountingProvider {
  provide: RoomClientsProvider;
  /** How many times the room asked for clients. */
  calls: number;
  /** How many of the clients it made the room closed. */
  closed: number;
}

/**
 * Vends the user's tokens (client-only or moderated member) through `auth` on every call, with the
 * user id as tokenId, and builds real Node clients from them; `close` closes the cache client.
 */
export function vendingProvider(
  momento: LocalMomento,
  auth: AuthClient,
  options: { cacheName: string; roomId: string; userId: string; mode?: 'client-only' | 'moderated'; expiresInSeconds?: number },
): CountingProvider {
  const counter: CountingProvider = {
    calls: 0,
    closed: 0,
    provide: async (): Promise<RoomClients> => {
      counter.calls++;
      const vend = options.mode === 'moderated' ? vendModeratedClientTokens : vendClientOnlyTokens;
      const tokens = await vend(auth, { cacheName: options.cacheName, roomId: options.roomId, userId: options.userId, expiresInSeconds: options.expiresInSeconds });
      const cacheClient = await cacheClientFor(momento, tokens.cacheToken);
      const topicClient = topicClientFor(momento, tokens.topicToken);
      let open = true;
      return {
        cacheClient,
        topicClient,
        expiresAt: tokens.expiresAt,
        close: () => {
          if (!open) return;
          open = false;
          counter.closed++;
          cacheClient.close();
        },
      };
    },
  };
  return counter;
}
