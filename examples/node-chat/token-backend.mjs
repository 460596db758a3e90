// A backend that vends per-user tokens for client-only chat rooms. It holds the API key; clients get
// only disposable tokens scoped to one room (one for the room's list, one for its topic).
import { createServer } from 'node:http';
import { AuthClient, AuthClientConfigurations } from '@gomomento/sdk';
import { vendClientOnlyTokens, isChatError } from 'momento-chat';

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
      const tokens = await vendClientOnlyTokens(authClient, {
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
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
