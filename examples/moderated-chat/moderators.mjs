// The two ways to run the moderator. Both take the same hook; both can serve the same rooms at once,
// since every message id is claimed once across all moderators.
import { createServer } from 'node:http';
import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk';
import { Moderator, createWebhookHandler, nodeWebhookListener } from 'momento-chat/moderator';

/** A Moderator on the tokens of `vendModeratorTokens` (an API key works too). */
async function createModerator({ tokens, endpointOverrides, cacheName, moderate }) {
  const cacheClient = await CacheClient.create({
    configuration: Configurations.Laptop.v1(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: tokens.cacheToken, endpointOverrides }),
    defaultTtlSeconds: 24 * 60 * 60,
  });
  const topicClient = new TopicClient({
    configuration: TopicConfigurations.Default.latest(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: tokens.topicToken, endpointOverrides }),
  });
  const moderator = new Moderator({ cacheClient, topicClient, cacheName, moderate });
  // Rejections reach their senders; the operator wants to hear about failures.
  moderator.on('error', ({ roomId, error }) => console.error(`[moderator] ${roomId}: ${error.code} ${error.message}`));
  return { moderator, close: () => cacheClient.close() };
}

/**
 * (a) A long-lived process: subscribes to each room's input topic (`<room>-input`) and handles what arrives.
 * @returns `stop()`, which waits for the messages in hand.
 */
export async function startWatchingModerator({ tokens, endpointOverrides, cacheName, roomIds, moderate }) {
  const { moderator, close } = await createModerator({ tokens, endpointOverrides, cacheName, moderate });
  for (const roomId of roomIds) await moderator.watch(roomId);
  return {
    async stop() {
      await moderator.stop();
      close();
    },
  };
}

/**
 * (b) A webhook receiver: Momento POSTs each message published to a room's input topic, signed with that
 * webhook's secret. The handler is stateless: run as many as you like, on any HTTP platform.
 * @param signingSecret the secret, or `(topic) => secret` when each room has its own webhook.
 * @returns the URL to register, and `stop()`.
 */
export async function startWebhookModerator({ tokens, endpointOverrides, cacheName, moderate, signingSecret, port = 0 }) {
  const { moderator, close } = await createModerator({ tokens, endpointOverrides, cacheName, moderate });
  const server = createServer(nodeWebhookListener(createWebhookHandler(moderator, { signingSecret })));
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/momento-webhook`,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await moderator.stop();
      close();
    },
  };
}

/**
 * Registers one webhook per room on its input topic, with an API key (tokens cannot manage webhooks).
 * Against Momento, do this once at deploy time and keep the secrets in your secret store.
 * @returns the signing secret of each input topic.
 */
export async function registerModerationWebhooks(adminTopicClient, { cacheName, roomIds, url }) {
  const secrets = new Map();
  for (const roomId of roomIds) {
    const topicName = `${roomId}-input`;
    const put = await adminTopicClient.putWebhook(cacheName, `moderate-${roomId}`, { topicName, destination: url });
    if (put.type !== 'Success') throw new Error(`unable to register the webhook of room ${roomId}; ${put.toString()}`);
    secrets.set(topicName, put.secretString());
  }
  return secrets;
}
