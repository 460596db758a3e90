import { createHmac, timingSafeEqual } from 'node:crypto';
import { roomOfInputTopic } from '../room-names.js';
import type { ModerationOutcome } from './moderation.js';
import type { Moderator } from './moderator.js';

/** An HTTP request, as any platform gives it: the raw body text and the headers. */
export interface WebhookRequest {
  /** The raw body, exactly as received: the signature covers these bytes. */
  body: string;
  /** The headers; names in any case. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The HTTP answer to send back to Momento. */
export interface WebhookResponse {
  /** 200 when the input was handled (accepted, rejected, a duplicate or malformed), 4xx when the request was refused, 500 when Momento failed or the secret could not be read. */
  status: number;
  /** A JSON body saying what happened. */
  body: string;
}

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /**
   * The signing secret of the webhook (from `putWebhook` or `getWebhookSecret`), or a function that
   * gives the secret of each input topic's webhook (one webhook per room).
   */
  signingSecret: string | ((topic: string) => string | undefined | Promise<string | undefined>);
  /** Refuse events published longer ago than this, against replays, in milliseconds. Default 60000. */
  maxEventAgeMs?: number;
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** Momento's webhook event body. */
interface WebhookEvent {
  cache?: unknown;
  topic?: unknown;
  publish_timestamp?: unknown;
  token_id?: unknown;
  text?: unknown;
}

const answer = (status: number, body: Record<string, unknown>): WebhookResponse => ({ status, body: JSON.stringify(body) });

function header(request: WebhookRequest, name: string): string | undefined {
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : (value as string | undefined);
  }
  return undefined;
}

/** What the answer says of an outcome: never a hook's thrown error, which is the operator's, not Momento's. */
function summary(outcome: ModerationOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case 'accepted':
      return { status: outcome.status, id: outcome.message.id };
    case 'rejected':
      return { status: outcome.status, id: outcome.id, reason: outcome.reason };
    case 'duplicate':
      return { status: outcome.status, id: outcome.id };
    case 'malformed':
      return outcome.id === undefined ? { status: outcome.status, reason: outcome.reason } : { status: outcome.status, reason: outcome.reason, id: outcome.id };
  }
}

/** Momento signs the raw body with HMAC SHA3-256 under the webhook's secret, hex-encoded. */
function signatureMatches(body: string, signature: string, secret: string): boolean {
  const expected = createHmac('sha3-256', secret).update(body).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A stateless handler for Momento topic webhooks on the rooms' input topics, so moderation scales out on
 * any HTTP or serverless platform. It refuses a request whose `momento-signature` does not verify (401),
 * that is not an event of the moderator's cache and an input topic (400), or that is older than
 * `maxEventAgeMs` (400, against replays); otherwise it hands the input to the moderator and answers 200.
 * @param moderator the moderator that handles the inputs.
 * @param options the signing secret(s) and the replay window.
 * @returns a function from request to response.
 * @example
 * ```ts
 * const handle = createWebhookHandler(moderator, { signingSecret: process.env.MOMENTO_WEBHOOK_SECRET! });
 * export const lambda = async (event) => {
 *   const { status, body } = await handle({ body: event.body, headers: event.headers });
 *   return { statusCode: status, body };
 * };
 * ```
 */
export function createWebhookHandler(moderator: Moderator, options: WebhookHandlerOptions): (request: WebhookRequest) => Promise<WebhookResponse> {
  const maxAge = options.maxEventAgeMs ?? 60_000;
  const now = options.now ?? Date.now;
  const secretFor = typeof options.signingSecret === 'string' ? () => options.signingSecret as string : options.signingSecret;
  return async (request) => {
    const signature = header(request, 'momento-signature');
    if (!signature) return answer(401, { error: 'missing momento-signature' });
    let event: WebhookEvent;
    try {
      event = JSON.parse(request.body) as WebhookEvent;
    } catch {
      return answer(400, { error: 'the body is not JSON' });
    }
    if (typeof event !== 'object' || event === null || typeof event.topic !== 'string') return answer(400, { error: 'the body is not a webhook event' });
    let secret: unknown;
    try {
      secret = await secretFor(event.topic);
    } catch {
      return answer(500, { error: 'the signing secret could not be read' });
    }
    // The topic is the sender's word until the signature verifies: a lookup by it may return anything.
    if (typeof secret !== 'string' || secret === '' || !signatureMatches(request.body, signature, secret)) return answer(401, { error: 'the signature does not verify' });
    // Only now is the event known to come from Momento.
    if (event.cache !== moderator.cacheName) return answer(400, { error: `not an event of cache ${moderator.cacheName}` });
    const roomId = roomOfInputTopic(event.topic);
    if (!roomId) return answer(400, { error: `topic ${event.topic} is not a room's input topic` });
    if (typeof event.publish_timestamp !== 'number' || now() - event.publish_timestamp > maxAge) return answer(400, { error: 'the event is too old' });
    if (typeof event.text !== 'string') return answer(400, { error: 'the event carries no text' });
    const outcome = await moderator.process(roomId, event.text, typeof event.token_id === 'string' ? event.token_id : '');
    if (!outcome) return answer(500, { error: 'the message could not be stored; see the moderator error event' });
    return answer(200, summary(outcome));
  };
}
