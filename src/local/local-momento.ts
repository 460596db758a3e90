import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { CredentialProvider } from '@gomomento/sdk-core';
import { cache, control, pubsub, token, webhook } from '@gomomento/generated-types';
import { KeyRing } from './auth/key-ring.js';
import { FaultEngine } from './faults/fault-engine.js';
import { createLocalFaults, type LocalMomentoFaults } from './faults/local-faults.js';
import { resolveOptions, type LocalMomentoLimits, type LocalMomentoOptions } from './options.js';
import { controlHandlers } from './services/control-handlers.js';
import { dictionaryHandlers } from './services/dictionary-handlers.js';
import { listHandlers } from './services/list-handlers.js';
import { publishHandler, subscribeHandler } from './services/pubsub-handlers.js';
import { scalarHandlers } from './services/scalar-handlers.js';
import type { ServiceDeps } from './services/service-deps.js';
import { tokenHandlers } from './services/token-handlers.js';
import { CacheStore } from './store/cache-store.js';
import { TopicHub } from './topics/topic-hub.js';
import { unauthenticated } from './status-error.js';
import type { MethodTable } from './transport/call.js';
import { Dispatcher } from './transport/dispatcher.js';
import { GrpcTransport } from './transport/grpc-transport.js';
import { GrpcWebTransport } from './transport/grpc-web-transport.js';
import { handToHttp1, handToHttp2, isHttp2Preface, sniffFirstBytes } from './transport/protocol-sniffer.js';
import { WebhookDeliveries, type WebhookDeliveryStats } from './webhooks/webhook-deliveries.js';
import { webhookHandlers } from './webhooks/webhook-handlers.js';
import { WebhookRegistry } from './webhooks/webhook-registry.js';

/** `endpointOverrides` for `@gomomento/sdk` (Node, gRPC). */
export interface NodeEndpointOverrides {
  /** `127.0.0.1:PORT`. */
  cacheEndpoint: string;
  /** `127.0.0.1:PORT`: one port serves every service. */
  controlEndpoint: string;
  /** `127.0.0.1:PORT`. */
  tokenEndpoint: string;
  /** Always false: the SDK would otherwise speak TLS, which the local server does not. */
  secureConnection: false;
}

/** `endpointOverrides` for `@gomomento/sdk-web` (grpc-web), which needs the scheme and ignores `secureConnection`. */
export interface WebEndpointOverrides {
  /** `http://127.0.0.1:PORT`. */
  cacheEndpoint: string;
  /** `http://127.0.0.1:PORT`. */
  controlEndpoint: string;
  /** `http://127.0.0.1:PORT`. */
  tokenEndpoint: string;
}

/** Endpoint settings (`endpointOverrides`) that point a Momento SDK at the local server. */
export interface LocalEndpoints {
  /** For `@gomomento/sdk` (Node, gRPC). */
  node: NodeEndpointOverrides;
  /** For `@gomomento/sdk-web` (grpc-web), served on the same port. */
  web: WebEndpointOverrides;
}

/** A running local Momento server. */
export interface LocalMomento {
  /** Always `127.0.0.1`. */
  readonly host: string;
  /** The port it listens on. */
  readonly port: number;
  /** `127.0.0.1:PORT`. */
  readonly address: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** An admin API key, for backends: every cache, topic, control call and token generation. */
  readonly adminApiKey: string;
  /** A credential provider for `@gomomento/sdk` that uses {@link adminApiKey}. */
  readonly credentialProvider: CredentialProvider;
  /** The endpoint settings each SDK needs, for building your own credential providers. */
  readonly endpoints: LocalEndpoints;
  /** The limits it enforces. */
  readonly limits: Readonly<LocalMomentoLimits>;
  /** Fault injection for tests. */
  readonly faults: LocalMomentoFaults;
  /**
   * What became of the webhook deliveries so far (a copy, read afresh on each access): delivered, failed,
   * timed out, dropped from a full queue. For finding out why a receiver did not get a message.
   */
  readonly webhookDeliveries: WebhookDeliveryStats;
  /**
   * A credential provider for `@gomomento/sdk` that sends another key, such as a disposable token's `authToken`.
   * @param apiKey an API key or a disposable token, as the SDK returns them.
   */
  credentialProviderFor(apiKey: string): CredentialProvider;
  /** Creates a cache directly, without a client. @returns false when it already existed. */
  createCache(name: string): boolean;
  /** Stops listening, ends every call and closes every connection, webhook requests in flight included. Leaves no open handle. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SWEEP_INTERVAL_MS = 5_000;
/** Deliveries that may wait behind a slow webhook receiver before new ones are dropped. */
const WEBHOOK_QUEUE_LIMIT = 1000;

/** The admin key in the form the SDKs decode: base64 of JSON `{endpoint, api_key}`. */
function encodeKey(endpoint: string, apiKey: string): string {
  return Buffer.from(JSON.stringify({ endpoint, api_key: apiKey })).toString('base64');
}

/**
 * Starts a Momento-compatible server on 127.0.0.1: cache, topics, control, tokens and webhooks on one
 * port, speaking Momento's own gRPC services over gRPC (for `@gomomento/sdk`) and grpc-web (for
 * `@gomomento/sdk-web`), with Momento's auth and limits. Webhooks POST only to loopback.
 *
 * @param options port (0, the default, lets the OS pick), limits, heartbeat interval and more.
 * @returns the running server; call `stop()` when done.
 * @example
 * ```ts
 * import { CacheClient, Configurations } from '@gomomento/sdk';
 * import { startLocalMomento } from 'momento-chat/local';
 *
 * const momento = await startLocalMomento();
 * const cacheClient = await CacheClient.create({
 *   configuration: Configurations.Laptop.v1(),
 *   credentialProvider: momento.credentialProvider,
 *   defaultTtlSeconds: 60,
 * });
 * await cacheClient.createCache('chat');
 * cacheClient.close();
 * await momento.stop();
 * ```
 */
export async function startLocalMomento(options: LocalMomentoOptions = {}): Promise<LocalMomento> {
  const resolved = resolveOptions(options);
  const { now, limits } = resolved;
  const store = new CacheStore(now);
  const keys = new KeyRing(now, resolved.acceptEmptyAuthAsAdmin);
  const topics = new TopicHub(resolved.retainedTopicItems, resolved.heartbeatIntervalMs, now);
  const webhooks = new WebhookRegistry();
  const deliveries = new WebhookDeliveries(webhooks, { timeoutMs: resolved.webhookTimeoutMs, queueLimit: WEBHOOK_QUEUE_LIMIT, now });
  topics.onPublish((item) => deliveries.published(item));
  const faultEngine = new FaultEngine();
  let address = '';
  const deps: ServiceDeps = { store, keys, topics, webhooks, limits, now, endpoint: () => address };
  for (const name of resolved.caches) store.create(name);

  keys.onExpire((expired) => topics.endWhere((s) => s.apiKey === expired.apiKey, unauthenticated('token expired')));

  const table: MethodTable = {
    unary: new Map([
      ...scalarHandlers(deps),
      ...listHandlers(deps),
      ...dictionaryHandlers(deps),
      ...publishHandler(deps),
      ...controlHandlers(deps),
      ...tokenHandlers(deps),
      ...webhookHandlers(deps),
    ]),
    stream: new Map(subscribeHandler(deps)),
  };
  const dispatcher = new Dispatcher(table, faultEngine);
  const definitions = [
    cache.cache_client.UnimplementedScsService.definition,
    pubsub.cache_client.pubsub.UnimplementedPubsubService.definition,
    control.control_client.UnimplementedScsControlService.definition,
    token.token.UnimplementedTokenService.definition,
    webhook.webhook.UnimplementedWebhookService.definition,
  ];
  const maxMessageBytes = limits.itemBytes + 1024 * 1024;
  const grpcTransport = new GrpcTransport(definitions, dispatcher, maxMessageBytes);
  // HTTP/1.1 on the same port: grpc-web for @gomomento/sdk-web, CORS preflights, a 404 for the rest.
  const grpcWebTransport = new GrpcWebTransport(definitions, dispatcher, maxMessageBytes);
  const http = createHttpServer(grpcWebTransport.handle);

  const sockets = new Set<Socket>();
  const listener = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    sniffFirstBytes(socket, (head) => {
      if (isHttp2Preface(head)) handToHttp2(socket, head, (s) => grpcTransport.accept(s));
      else handToHttp1(socket, head, http);
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(resolved.port, HOST, () => resolve());
    });
  } catch (error) {
    // The heartbeat timer already runs; without this a failed start (port taken) would leave it beating forever.
    topics.close();
    grpcTransport.close();
    throw error;
  }
  const port = (listener.address() as { port: number }).port;
  address = `${HOST}:${port}`;

  const sweeper = setInterval(() => {
    store.sweep();
    keys.sweep();
    topics.sweep(resolved.topicIdleMs);
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();

  const disconnectAll = (): number => {
    const count = sockets.size;
    for (const socket of sockets) socket.destroy();
    return count;
  };

  const endpoints: LocalEndpoints = {
    node: { cacheEndpoint: address, controlEndpoint: address, tokenEndpoint: address, secureConnection: false },
    web: { cacheEndpoint: `http://${address}`, controlEndpoint: `http://${address}`, tokenEndpoint: `http://${address}` },
  };
  const credentialProviderFor = (apiKey: string): CredentialProvider =>
    CredentialProvider.fromString({ apiKey, endpointOverrides: endpoints.node });
  const adminApiKey = encodeKey(address, keys.createAdminKey());
  let stopped: Promise<void> | undefined;

  return {
    host: HOST,
    port,
    address,
    url: `http://${address}`,
    adminApiKey,
    credentialProvider: credentialProviderFor(adminApiKey),
    endpoints,
    limits,
    faults: createLocalFaults(faultEngine, topics, keys, disconnectAll),
    get webhookDeliveries() {
      return deliveries.stats();
    },
    credentialProviderFor,
    createCache: (name) => store.create(name),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(sweeper);
        topics.close();
        deliveries.close();
        listener.close(() => resolve());
        grpcTransport.close();
        grpcWebTransport.close();
        http.close();
        disconnectAll();
      });
      return stopped;
    },
  };
}
