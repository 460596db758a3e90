// The demo chat, all on this machine: the local Momento server, a token backend, a moderator for the
// moderated room and the web page.
//   npm run demo    (builds the package first), then open the printed URL in two windows.
import { pathToFileURL } from 'node:url';
import { AuthClient, AuthClientConfigurations } from '@gomomento/sdk';
import { startLocalMomento } from 'momento-chat/local';
import { moderationRules } from '../moderated-chat/moderation-rules.mjs';
import { startModeration } from './moderation.mjs';
import { CACHE_NAME, MODERATION, ROOMS } from './rooms.mjs';
import { startWebApp } from './web-app.mjs';

/**
 * Starts everything on 127.0.0.1.
 * @param port the web page's port; 0 (the default) lets the OS pick. The local Momento server always gets a free port.
 * @param log where the moderator's operator messages go.
 * @returns the page's URL, the local Momento server, and `stop()`, which ends everything.
 */
export async function startDemo({ port = 0, log = (line) => console.error(line) } = {}) {
  const stops = [];
  // Stops the parts in reverse order of start, each even when one before it failed: a part left running would keep the process alive.
  const stop = async () => {
    const failures = [];
    for (const stopOne of stops.splice(0).reverse()) await stopOne().catch((error) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
  try {
    const momento = await startLocalMomento({ caches: [CACHE_NAME] });
    stops.push(() => momento.stop());
    // The backend's API key: the local server's admin key. Against Momento, your own key.
    const authClient = new AuthClient({ configuration: AuthClientConfigurations.Default.latest(), credentialProvider: momento.credentialProvider });
    const moderated = ROOMS.filter((room) => room.mode === 'moderated').map((room) => room.id);
    const moderation = await startModeration({ momento, authClient, cacheName: CACHE_NAME, roomIds: moderated, moderate: moderationRules(MODERATION), log });
    stops.push(() => moderation.stop());
    const app = await startWebApp({ port, momento, authClient });
    stops.push(() => app.stop());
    return { url: app.url, momento, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main() {
  const demo = await startDemo();
  console.log(`
  momento-chat demo

  Open  ${demo.url}
  in two browser windows (or two browsers), pick a name each, and chat.

  rooms: ${ROOMS.map((room) => `${room.id} (${room.mode})`).join(', ')}
  local Momento server: ${demo.momento.url}

  Ctrl-C to stop.
`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) process.exit(130); // a second Ctrl-C does not wait
    stopping = true;
    console.log('\n  stopping…');
    try {
      await demo.stop();
      console.log('  stopped.');
    } catch (error) {
      console.error('  unable to stop cleanly;', error);
      process.exitCode = 1;
    }
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
