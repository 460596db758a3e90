// The demo's web server: the page (static HTML and CSS, and a script bundled at start from the built
// momento-chat and @gomomento/sdk-web) and the token backend the page asks for tokens. It listens on its
// own port, so every call from the page to Momento is cross-origin, as with a real deployment.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { isChatError, vendClientOnlyTokens, vendModeratedClientTokens } from 'momento-chat';
import { CACHE_NAME, MODERATION, ROOMS, roomById } from './rooms.mjs';

const pageDir = fileURLToPath(new URL('./page/', import.meta.url));

/** Bundles the page script for the browser. `momento-chat` resolves to this repository's dist/ (the built package). */
async function bundlePage() {
  const result = await build({
    entryPoints: [`${pageDir}app.js`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2020',
    minify: true,
    sourcemap: 'linked',
    outdir: `${pageDir}.out`, // never written: write is false
    write: false,
    logLevel: 'warning',
  });
  const files = {};
  for (const file of result.outputFiles) files[`/${file.path.split('/').pop()}`] = file.text;
  return files;
}

/** The static files, by URL path, with their content types. */
async function pageFiles() {
  const bundle = await bundlePage();
  const text = (name) => readFile(`${pageDir}${name}`, 'utf8');
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: await text('index.html') }],
    ['/styles.css', { type: 'text/css; charset=utf-8', body: await text('styles.css') }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: bundle['/app.js'] }],
    ['/app.js.map', { type: 'application/json', body: bundle['/app.js.map'] }],
  ]);
}

/**
 * The demo's stand-in for sign-in. A user's id becomes the tokenId that Momento stamps on everything the user
 * publishes: the verified sender. A real backend takes it from the signed-in session; the demo has no
 * accounts, so on the first call it makes an id from the name and hands back a session, the id signed with a
 * secret of this run, which the page sends with later calls. A page cannot make up a session, so it cannot
 * get tokens with someone else's id.
 */
function sessions() {
  const secret = randomBytes(32);
  const sign = (userId) => createHmac('sha256', secret).update(userId).digest('base64url');
  return {
    /** The user id of a valid session, or undefined. */
    userOf(session) {
      const [userId, signature] = (session ?? '').split('.');
      if (!userId || !signature) return undefined;
      const expected = Buffer.from(sign(userId));
      const given = Buffer.from(signature);
      return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
    },
    /** A new user id made from the name, and its session. */
    create(name) {
      const slug = (name ?? '')
        .normalize('NFKD')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 20);
      const userId = `${slug || 'guest'}-${randomBytes(2).toString('hex')}`;
      return { userId, session: `${userId}.${sign(userId)}` };
    },
  };
}

/**
 * Starts the web server on 127.0.0.1.
 * GET /api/config → the cache, the rooms, Momento's web endpoints and the moderation rules.
 * GET /api/tokens?room=ROOM&name=NAME[&session=S] → { userId, session, cacheToken, topicToken, expiresAt }.
 */
export async function startWebApp({ port, momento, authClient }) {
  const files = await pageFiles();
  const users = sessions();
  const config = JSON.stringify({ cacheName: CACHE_NAME, endpoints: momento.endpoints.web, rooms: ROOMS, moderation: MODERATION });

  async function tokens(params) {
    const room = roomById(params.get('room') ?? '');
    if (!room) return { status: 404, body: { error: `no room ${JSON.stringify(params.get('room'))}` } };
    const session = params.get('session');
    const known = session && users.userOf(session);
    const user = known ? { userId: known, session } : users.create(params.get('name'));
    const vend = room.mode === 'moderated' ? vendModeratedClientTokens : vendClientOnlyTokens;
    const vended = await vend(authClient, { cacheName: CACHE_NAME, roomId: room.id, userId: user.userId, expiresInSeconds: 60 * 60 });
    return { status: 200, body: { ...user, ...vended } };
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, headers).end();
    const file = files.get(url.pathname);
    if (file) return void res.writeHead(200, { ...headers, 'content-type': file.type }).end(file.body);
    const json = (status, body) => res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/api/config') return void res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(config);
    if (url.pathname !== '/api/tokens') return void json(404, { error: 'not found' });
    try {
      const { status, body } = await tokens(url.searchParams);
      json(status, body);
    } catch (error) {
      json(isChatError(error) && error.code === 'INVALID_ARGUMENT' ? 400 : 500, { error: String(error?.message ?? error) });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
