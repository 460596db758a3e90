// A backend that vends per-user tokens for chat rooms. It holds the API key; users get only disposable
// tokens scoped to one room. In client-only mode they may write the room's history and publish to it; in
// moderated mode they may read the history, publish to the room's input topic and subscribe to the room,
// so everything in the room came through the moderator.
import { createServer } from 'node:http';
import { AuthClient, AuthClientConfigurations } from '@gomomento/sdk';
import { isChatError, vendClientOnlyTokens, vendModeratedClientTokens, vendModeratorTokens } from 'momento-chat';

/**
 * Starts the token backend on 127.0.0.1.
 * GET /tokens?room=ROOM&user=USER → { cacheToken, topicToken, expiresAt }
 * A real backend authenticates the user first: `user` here stands for the id your session gives.
 * @param mode 'client-only' (the default) or 'moderated': which tokens users get.
 */
export async function startTokenBackend({ credentialProvider, cacheName, mode = 'client-only', port = 0 }) {
  const authClient = new AuthClient({ configuration: AuthClientConfigurations.Default.latest(), credentialProvider });
  const vend = mode === 'moderated' ? vendModeratedClientTokens : vendClientOnlyTokens;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/tokens') return void res.writeHead(404).end();
    try {
      const tokens = await vend(authClient, {
        cacheName,
        roomId: url.searchParams.get('room') ?? '',
        userId: url.searchParams.get('user') ?? '',
        expiresInSeconds: 30 * 60,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens));
    } catch (error) {
      const status = isChatError(error) && error.code === 'INVALID_ARGUMENT' ? 400 : 500;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error?.message ?? error) }));
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /**
     * The moderator's tokens, for up to five rooms. Not served over HTTP: whoever holds them can write
     * the rooms' history, so they go only to the moderator you run.
     */
    moderatorTokens: (roomIds) => vendModeratorTokens(authClient, { cacheName, roomIds, moderatorId: 'moderator', expiresInSeconds: 60 * 60 }),
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
