import { common } from '@gomomento/generated-types/dist/common.js';
import { pubsub } from '@gomomento/generated-types';
import { authorizeTopic, type TopicAccess } from '../auth/authorizer.js';
import type { Principal } from '../auth/key-ring.js';
import { invalidArgument, publishTooLarge, subscribersExhausted, unauthenticated } from '../status-error.js';
import type { CallContext, StreamHandler, UnaryHandler } from '../transport/call.js';
import type { ServiceDeps } from './service-deps.js';

const pb = pubsub.cache_client.pubsub;
const PUBSUB = '/cache_client.pubsub.Pubsub/';

function payloadBytes(value: InstanceType<typeof pb._TopicValue> | undefined): number {
  if (!value) return 0;
  return value.kind === 'binary' ? value.binary.length : Buffer.byteLength(value.text, 'utf8');
}

/**
 * The checks publish and subscribe share: the key, both names, the permission, and that the cache exists.
 * @returns who makes the call.
 */
function admit(deps: ServiceDeps, r: { cache_name: string; topic: string }, ctx: CallContext, access: TopicAccess): Principal {
  const principal = deps.keys.authenticate(ctx.header('authorization'));
  if (!r.cache_name) throw invalidArgument('the cache name is empty');
  if (!r.topic) throw invalidArgument('the topic name is empty');
  authorizeTopic(principal, r.cache_name, r.topic, access);
  deps.store.cache(r.cache_name); // throws NOT_FOUND: topics live in a cache
  return principal;
}

/** Publish: stamps the publisher's tokenId and fans the item out. */
export function publishHandler(deps: ServiceDeps): Array<[string, UnaryHandler]> {
  const handler: UnaryHandler = (r: InstanceType<typeof pb._PublishRequest>, ctx) => {
    const principal = admit(deps, r, ctx, 'publish');
    if (payloadBytes(r.value) > deps.limits.topicMessageBytes) throw publishTooLarge(deps.limits.topicMessageBytes);
    deps.topics.publish(r.cache_name, r.topic, r.value, principal.kind === 'token' ? principal.tokenId : '');
    return new common._Empty();
  };
  return [[`${PUBSUB}Publish`, handler]];
}

/** Subscribe: a stream of heartbeats, resumed or live items and discontinuities. */
export function subscribeHandler(deps: ServiceDeps): Array<[string, StreamHandler]> {
  const handler: StreamHandler = (r: InstanceType<typeof pb._SubscriptionRequest>, ctx, sink) => {
    const principal = admit(deps, r, ctx, 'subscribe');
    if (deps.topics.subscriptions >= deps.limits.maxSubscriptions) throw subscribersExhausted(deps.limits.maxSubscriptions);
    const token = principal.kind === 'token' ? principal : undefined;
    const close = deps.topics.subscribe(
      {
        cacheName: r.cache_name,
        topic: r.topic,
        apiKey: token?.apiKey,
        send: (item) => sink.write(item),
        end: (error) => sink.end(error),
        // A token that runs out mid-stream ends the stream, as a later call with it would fail.
        tick:
          token &&
          (() => {
            if (deps.keys.isExpired(token)) sink.end(unauthenticated('token expired'));
          }),
      },
      r.resume_at_topic_sequence_number,
      r.sequence_page,
    );
    // Runs at once if the stream already ended (a stream fault can end it on the first heartbeat).
    sink.onClose(close);
  };
  return [[`${PUBSUB}Subscribe`, handler]];
}
