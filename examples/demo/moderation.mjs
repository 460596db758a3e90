// The moderator of the demo's moderated room: a long-lived Moderator on least-privilege tokens from
// vendModeratorTokens. Those tokens live at most an hour, and the demo runs until Ctrl-C, so every 50
// minutes it starts a moderator on fresh tokens and then stops the old one (each message id is claimed
// once, so the overlap handles nothing twice).
import { CacheClient, Configurations, DefaultMomentoLoggerFactory, DefaultMomentoLoggerLevel, TopicClient, TopicConfigurations } from '@gomomento/sdk';
import { vendModeratorTokens } from 'momento-chat';
import { Moderator } from 'momento-chat/moderator';

const RENEW_EVERY_MS = 50 * 60 * 1000;
const RETRY_AFTER_MS = 60 * 1000;

async function startModerator({ momento, authClient, cacheName, roomIds, moderate, log }) {
  const tokens = await vendModeratorTokens(authClient, { cacheName, roomIds, moderatorId: 'demo-moderator', expiresInSeconds: 60 * 60 });
  const cacheClient = await CacheClient.create({
    configuration: Configurations.Laptop.v1(),
    credentialProvider: momento.credentialProviderFor(tokens.cacheToken),
    defaultTtlSeconds: 24 * 60 * 60,
  });
  // @gomomento/sdk puts its 5 s request deadline on a topic's first Subscribe call, so that first stream ends
  // after 5 s and the SDK resubscribes at once, resuming where it was: harmless, but it logs a WARN that
  // would read like a fault. The moderator's own failures still come through its `error` event below.
  const quiet = new DefaultMomentoLoggerFactory(DefaultMomentoLoggerLevel.ERROR);
  const topicClient = new TopicClient({ configuration: TopicConfigurations.Default.latest(quiet), credentialProvider: momento.credentialProviderFor(tokens.topicToken) });
  const moderator = new Moderator({ cacheClient, topicClient, cacheName, moderate });
  moderator.on('outcome', ({ roomId, outcome }) => {
    if (outcome.status === 'rejected') log(`[moderator] ${roomId}: rejected a message: ${outcome.reason}`);
  });
  moderator.on('error', ({ roomId, error }) => log(`[moderator] ${roomId}: ${error.code} ${error.message}`));
  try {
    for (const roomId of roomIds) await moderator.watch(roomId);
  } catch (error) {
    await moderator.stop();
    cacheClient.close();
    throw error;
  }
  return {
    async stop() {
      await moderator.stop();
      cacheClient.close();
    },
  };
}

/**
 * Runs a moderator for `roomIds` until `stop()`, renewing its tokens before they expire.
 * @param log where operator messages go.
 */
export async function startModeration({ momento, authClient, cacheName, roomIds, moderate, log }) {
  const options = { momento, authClient, cacheName, roomIds, moderate, log };
  let current = await startModerator(options);
  let stopped = false;
  let timer;
  const renewIn = (ms) => {
    timer = setTimeout(async () => {
      try {
        const next = await startModerator(options);
        if (stopped) return void (await next.stop());
        const old = current;
        current = next;
        await old.stop();
        renewIn(RENEW_EVERY_MS);
      } catch (error) {
        if (stopped) return; // the server it renews against is stopping too
        log(`[moderator] unable to renew the moderator's tokens; ${error?.message ?? error}; trying again in a minute`);
        renewIn(RETRY_AFTER_MS);
      }
    }, ms);
  };
  renewIn(RENEW_EVERY_MS);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current.stop();
    },
  };
}
