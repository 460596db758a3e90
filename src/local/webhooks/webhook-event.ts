import { createHmac } from 'node:crypto';
import type { PublishedItem } from '../topics/topic-hub.js';

/** The user agent Momento documents for webhook requests; receivers use it to tell Momento's calls from test harnesses. */
export const WEBHOOK_USER_AGENT = 'Momento/1.0 (Webhooks; +https://docs.momentohq.com/topics/webhooks)';

/**
 * The JSON body Momento POSTs, field for field as its docs show them. A binary item carries its bytes
 * base64-encoded in `binary` instead of `text`: Momento's docs only show text, and JSON cannot hold raw bytes.
 * @param postedAt epoch milliseconds when the request goes out (`publish_timestamp`).
 */
export function webhookBody(item: PublishedItem, postedAt: number): string {
  const payload =
    item.value?.kind === 'binary' ? { binary: Buffer.from(item.value.binary).toString('base64') } : { text: item.value?.text ?? '' };
  return JSON.stringify({
    cache: item.cacheName,
    topic: item.topic,
    event_timestamp: item.publishedAt,
    publish_timestamp: postedAt,
    topic_sequence_number: item.sequenceNumber,
    token_id: item.publisherId,
    ...payload,
  });
}

/** `momento-signature`: hex of HMAC SHA3-256 over the exact body bytes, keyed by the webhook's signing secret. */
export function signWebhookBody(body: string, secret: string): string {
  return createHmac('sha3-256', secret).update(body, 'utf8').digest('hex');
}

/** The headers of one webhook request. */
export function webhookHeaders(body: string, secret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body, 'utf8')),
    'momento-signature': signWebhookBody(body, secret),
    'user-agent': WEBHOOK_USER_AGENT,
  };
}
