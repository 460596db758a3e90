// Clients of the real @gomomento/sdk pointed at the bench's local server (its address and admin key
// come from the environment the runner sets). Both sides of every comparison use clients built here.
import { CacheClient, Configurations, CredentialProvider, DefaultMomentoLoggerFactory, DefaultMomentoLoggerLevel, TopicClient, TopicConfigurations } from '@gomomento/sdk';

const loggerFactory = new DefaultMomentoLoggerFactory(DefaultMomentoLoggerLevel.ERROR);

// @gomomento/sdk 1.118 gives a subscription's first stream the client timeout (5 s by default) as its
// deadline: every subscription is cut after 5 s and reopened, resuming from the server's retained items.
// A burst published across that gap is partly lost, and the reconnect lands on whichever side runs then.
// The bench's clients get a deadline longer than any group, so every stream stays up; the bench's own
// waits (harness/deadline.mjs) bound every loop instead.
const CLIENT_TIMEOUT_MS = 300_000;

export function serverFromEnv() {
  const address = process.env.BENCH_SERVER_ADDRESS;
  const adminApiKey = process.env.BENCH_SERVER_KEY;
  const pid = Number(process.env.BENCH_SERVER_PID);
  if (!address || !adminApiKey) throw new Error('bench: BENCH_SERVER_ADDRESS and BENCH_SERVER_KEY are unset; run it through bench/run.mjs');
  return { address, adminApiKey, pid };
}

function credentials(server) {
  const endpointOverrides = { cacheEndpoint: server.address, controlEndpoint: server.address, tokenEndpoint: server.address, secureConnection: false };
  return CredentialProvider.fromString({ apiKey: server.adminApiKey, endpointOverrides });
}

/** A CacheClient of the Node SDK; close it when done. */
export function cacheClient(server) {
  return CacheClient.create({ configuration: Configurations.Laptop.v1(loggerFactory), credentialProvider: credentials(server), defaultTtlSeconds: 600 });
}

/** A TopicClient of the Node SDK: 4 stream channels of at most 100 subscriptions each, as the SDK defaults; see CLIENT_TIMEOUT_MS. */
export function topicClient(server) {
  return new TopicClient({ configuration: TopicConfigurations.Default.latest(loggerFactory).withClientTimeoutMillis(CLIENT_TIMEOUT_MS), credentialProvider: credentials(server) });
}

/** Creates a cache for one group, failing loudly if the server refuses. */
export async function createCache(client, name) {
  const created = await client.createCache(name);
  if (created.type === 'Error') throw new Error(`bench: unable to create cache ${name}; ${created.message()}`);
}
