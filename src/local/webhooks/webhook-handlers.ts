import { webhook } from '@gomomento/generated-types';
import { requireAdmin } from '../auth/authorizer.js';
import type { ServiceDeps } from '../services/service-deps.js';
import { invalidArgument } from '../status-error.js';
import type { CallContext, UnaryHandler } from '../transport/call.js';
import { checkPostUrl } from './post-url.js';
import type { WebhookRecord } from './webhook-registry.js';

const pb = webhook.webhook;
const WEBHOOK = '/webhook.Webhook/';

/**
 * The checks every webhook call shares. The SDK sends these calls to the control endpoint with the key in
 * `authorization` and the cache in the body (there is no `cache` header), so the cache is checked here.
 * The order is the control plane's: key, admin, arguments, then the cache's existence.
 * @throws UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, NOT_FOUND
 */
function admit(deps: ServiceDeps, ctx: CallContext, operation: string, cacheName: string, webhookName?: string): void {
  requireAdmin(deps.keys.authenticate(ctx.header('authorization')), operation);
  if (!cacheName) throw invalidArgument('the cache name is empty');
  if (webhookName !== undefined && !webhookName) throw invalidArgument('the webhook name is empty');
}

function toWebhook(record: WebhookRecord): InstanceType<typeof pb._Webhook> {
  return new pb._Webhook({
    webhook_id: new pb._WebhookId({ cache_name: record.cacheName, webhook_name: record.name }),
    topic_name: record.topic,
    destination: new pb._WebhookDestination({ post_url: record.postUrl }),
  });
}

/**
 * Momento's `webhook.Webhook` service: put, delete, list, get secret and rotate secret. Only API keys may
 * manage webhooks, as with the control plane; a missing cache or webhook answers NOT_FOUND.
 */
export function webhookHandlers(deps: ServiceDeps): Array<[string, UnaryHandler]> {
  const { store, webhooks } = deps;
  return [
    [
      `${WEBHOOK}PutWebhook`,
      (r: InstanceType<typeof pb._PutWebhookRequest>, ctx) => {
        const id = r.webhook?.webhook_id;
        admit(deps, ctx, 'manage webhooks', id?.cache_name ?? '', id?.webhook_name ?? '');
        if (!r.webhook.topic_name) throw invalidArgument('the topic name is empty');
        const postUrl = r.webhook.destination?.kind === 'post_url' ? r.webhook.destination.post_url : '';
        checkPostUrl(postUrl);
        store.cache(id.cache_name); // NOT_FOUND: a webhook lives in a cache
        // Kept as sent, so a list shows the URL the caller wrote, not a normalised one.
        const record = webhooks.put(id.cache_name, id.webhook_name, r.webhook.topic_name, postUrl);
        return new pb._PutWebhookResponse({ secret_string: record.secret });
      },
    ],
    [
      `${WEBHOOK}DeleteWebhook`,
      (r: InstanceType<typeof pb._DeleteWebhookRequest>, ctx) => {
        const id = r.webhook_id;
        admit(deps, ctx, 'manage webhooks', id?.cache_name ?? '', id?.webhook_name ?? '');
        store.cache(id.cache_name);
        webhooks.delete(id.cache_name, id.webhook_name);
        return new pb._DeleteWebhookResponse();
      },
    ],
    [
      `${WEBHOOK}ListWebhooks`,
      (r: InstanceType<typeof pb._ListWebhookRequest>, ctx) => {
        admit(deps, ctx, 'list webhooks', r.cache_name);
        store.cache(r.cache_name);
        return new pb._ListWebhooksResponse({ webhook: webhooks.list(r.cache_name).map(toWebhook) });
      },
    ],
    [
      `${WEBHOOK}GetWebhookSecret`,
      (r: InstanceType<typeof pb._GetWebhookSecretRequest>, ctx) => {
        admit(deps, ctx, 'read webhook secrets', r.cache_name, r.webhook_name);
        store.cache(r.cache_name);
        const record = webhooks.get(r.cache_name, r.webhook_name);
        return new pb._GetWebhookSecretResponse({ cache_name: record.cacheName, webhook_name: record.name, secret_string: record.secret });
      },
    ],
    [
      `${WEBHOOK}RotateWebhookSecret`,
      (r: InstanceType<typeof pb._RotateWebhookSecretRequest>, ctx) => {
        const id = r.webhook_id;
        admit(deps, ctx, 'rotate webhook secrets', id?.cache_name ?? '', id?.webhook_name ?? '');
        store.cache(id.cache_name);
        return new pb._RotateWebhookSecretResponse({ secret_string: webhooks.rotate(id.cache_name, id.webhook_name) });
      },
    ],
  ];
}
