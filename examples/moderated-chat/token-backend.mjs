// A backend that vends tokens for moderated rooms. It holds the API key. Users get disposable tokens that
// may read a room's history, publish to its input topic and subscribe to the room: they can neither
// write the history nor publish to the room, so everything there came through the moderator.
import { createServer } from 'node:http';
import { AuthClient, AuthClientConfigurations } from '@gomomento/sdk';
import { isChatError, vendModeratedClientTokens, vendModeratorTokens } from 'momento-chat';

/**
 * Starts the token backend on 127.0.0.1.
 * GET /tokens?room=ROOM&user=USER → { cacheToken, topicToken, expiresAt }
 * A real backend authenticates the user first: `user` here stands for the id your session gives.
 */
export async function startTokenBackend({ credentialProvider, cacheName, port = 0 }) {
  const authClient = new AuthClient({ configuration: AuthClientConfigurations.Default.latest(), credentialProvider });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/tokens') return void res.writeHead(404).end();
    try {
      const tokens = await vendModeratedClientTokens(authClient, {
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
