import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModerateFn } from '../../src/moderator/moderation.js';
import { Moderator } from '../../src/moderator/moderator.js';
import { nodeWebhookListener } from '../../src/moderator/node-http.js';
import { createWebhookHandler, type WebhookHandlerOptions, type WebhookRequest } from '../../src/moderator/webhook-handler.js';
import { FakeMomento, envelope, idOf, momentoError } from './support/fake-momento.js';

const ROOM = 'lobby';
const NOW = 1_700_000_100_000;
const SECRET = 'whsec-lobby';

/** A handler over a moderator over a fake Momento. */
function setup(options: Partial<WebhookHandlerOptions> = {}, moderate: ModerateFn = () => ({ action: 'accept' })) {
  const momento = new FakeMomento();
  const moderator = new Moderator({ cacheClient: momento.moderatorCacheClient(), topicClient: momento.topicClient('moderator'), cacheName: 'chat', moderate, now: () => NOW });
  const handle = createWebhookHandler(moderator, { signingSecret: SECRET, now: () => NOW, ...options });
  return { momento, moderator, handle };
}

/** Momento's webhook event for one input, as its docs show it. */
function event(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    cache: 'chat',
    topic: `${ROOM}-input`,
    event_timestamp: NOW - 1_000,
    publish_timestamp: NOW - 1_000,
    topic_sequence_number: 1,
    token_id: 'token-ann',
    text: envelope(idOf(1), 'hello'),
    ...fields,
  });
}

/** Momento's signature: hex HMAC SHA3-256 of the raw body under the webhook's secret. */
const sign = (body: string, secret = SECRET): string => createHmac('sha3-256', secret).update(body, 'utf8').digest('hex');

/** A request carrying a body signed (unless `signature` says otherwise; null for no signature header). */
const signed = (body: string, signature: string | null = sign(body), name = 'momento-signature'): WebhookRequest => ({
  body,
  headers: { 'content-type': 'application/json', ...(signature !== null && { [name]: signature }) },
});

const parsed = (response: { body: string }): Record<string, unknown> => JSON.parse(response.body) as Record<string, unknown>;

describe('createWebhookHandler: signatures', () => {
  it('handles a signed input and answers 200 with the outcome', async () => {
    const { handle, momento } = setup();
    const response = await handle(signed(event()));
    expect(response.status).toBe(200);
    expect(parsed(response)).toEqual({ status: 'accepted', id: idOf(1) });
    // The verified sender is the event's token_id.
    expect(JSON.parse(momento.list(ROOM)[0]!)).toMatchObject({ id: idOf(1), by: 'token-ann', sts: NOW, n: 1 });
  });

  it.each([
    ['signed with another secret', (body: string) => signed(body, sign(body, 'another secret'))],
    ['whose body was changed after signing', (body: string) => signed(body.replace('hello', 'hellO'), sign(body))],
    ['without a signature', (body: string) => signed(body, null)],
    ['with an empty signature', (body: string) => signed(body, '')],
    ['with a signature that is not hex', (body: string) => signed(body, 'z'.repeat(64))],
    ['with a truncated signature', (body: string) => signed(body, sign(body).slice(0, 62))],
    ['with a signature of the right length but wrong', (body: string) => signed(body, '0'.repeat(64))],
    ['with a SHA-256 signature instead of SHA3-256', (body: string) => signed(body, createHmac('sha256', SECRET).update(body).digest('hex'))],
  ])('refuses a request %s with 401, handling nothing', async (_, build) => {
    const { handle, momento } = setup();
    const response = await handle(build(event()));
    expect(response.status).toBe(401);
    expect(parsed(response).error).toEqual(expect.any(String));
    expect(momento.calls).toEqual([]);
  });

  it('finds the signature header in any case, and takes the first of repeated headers', async () => {
    const { handle } = setup();
    const body = event();
    expect((await handle(signed(body, sign(body), 'Momento-Signature'))).status).toBe(200);
    const repeated = await setup().handle({ body, headers: { 'MOMENTO-SIGNATURE': [sign(body), 'other'] } });
    expect(repeated.status).toBe(200);
    expect((await setup().handle({ body, headers: { 'momento-signature': ['other', sign(body)] } })).status).toBe(401);
  });

  it('accepts a signature in upper-case hex', async () => {
    const { handle } = setup();
    const body = event();
    expect((await handle(signed(body, sign(body).toUpperCase()))).status).toBe(200);
  });

  it("verifies each topic with its own webhook's secret, from a function that may be async", async () => {
    const secrets: Record<string, string> = { 'lobby-input': 's-lobby', 'help-input': 's-help' };
    const asked: string[] = [];
    const { handle, momento } = setup({
      signingSecret: async (topic) => {
        asked.push(topic);
        return secrets[topic];
      },
    });
    const help = event({ topic: 'help-input', text: envelope(idOf(1), 'hello', { room: 'help' }) });
    expect((await handle(signed(help, sign(help, 's-help')))).status).toBe(200);
    expect(momento.list('help')).toHaveLength(1);
    // The lobby's secret does not open the help room.
    const other = event({ topic: 'help-input', text: envelope(idOf(2), 'x', { room: 'help' }) });
    expect((await handle(signed(other, sign(other, 's-lobby')))).status).toBe(401);
    // A topic without a webhook has no secret.
    const unknown = event({ topic: 'secret-input' });
    expect((await handle(signed(unknown, sign(unknown, '')))).status).toBe(401);
    expect(asked).toEqual(['help-input', 'help-input', 'secret-input']);
    expect(momento.list('help')).toHaveLength(1);
  });

  it('refuses with 401 when the secret lookup gives no string, as a plain object does for a topic named like one of its properties', async () => {
    const secrets: Record<string, string> = { 'lobby-input': SECRET };
    const { handle, momento } = setup({ signingSecret: (topic) => secrets[topic] });
    for (const topic of ['constructor', '__proto__', 'toString']) {
      const body = event({ topic });
      expect((await handle(signed(body))).status).toBe(401);
    }
    expect(momento.calls).toEqual([]);
  });

  it('answers 500, without throwing, when the secret lookup fails', async () => {
    const { handle, momento } = setup({
      signingSecret: () => {
        throw new Error('secret store down');
      },
    });
    expect(await handle(signed(event()))).toEqual({ status: 500, body: JSON.stringify({ error: 'the signing secret could not be read' }) });
    expect(momento.calls).toEqual([]);
  });

  it('refuses, before reading any secret, a body that is not a webhook event (400)', async () => {
    const asked: string[] = [];
    const { handle, momento } = setup({
      signingSecret: (topic) => {
        asked.push(topic);
        return SECRET;
      },
    });
    for (const body of ['not json', 'null', '[]', '"text"', JSON.stringify({ cache: 'chat' }), JSON.stringify({ topic: 42 })]) {
      const response = await handle(signed(body));
      expect([body, response.status]).toEqual([body, 400]);
    }
    expect(asked).toEqual([]);
    expect(momento.calls).toEqual([]);
  });
});

describe('createWebhookHandler: events it refuses', () => {
  it.each([
    ['of another cache', { cache: 'other' }, 'not an event of cache chat'],
    ['without a cache', { cache: undefined }, 'not an event of cache chat'],
    ["of a room's own topic", { topic: ROOM }, `topic ${ROOM} is not a room's input topic`],
    ['of a bare -input topic', { topic: '-input' }, "topic -input is not a room's input topic"],
    ['of the input topic of an input topic', { topic: `${ROOM}-input-input` }, `topic ${ROOM}-input-input is not a room's input topic`],
    ['of a topic whose room id is not allowed', { topic: 'a b-input' }, "topic a b-input is not a room's input topic"],
    ['published longer ago than a minute', { publish_timestamp: NOW - 60_001 }, 'the event is too old'],
    ['without a publish timestamp', { publish_timestamp: undefined }, 'the event is too old'],
    ['with a publish timestamp that is not a number', { publish_timestamp: String(NOW) }, 'the event is too old'],
    ['without text (a binary item)', { text: undefined, binary: 'aGk=' }, 'the event carries no text'],
  ])('refuses a signed event %s with 400, handling nothing', async (_, fields, error) => {
    const { handle, momento } = setup();
    const response = await handle(signed(event(fields)));
    expect(response).toEqual({ status: 400, body: JSON.stringify({ error }) });
    expect(momento.calls).toEqual([]);
  });

  it('takes an event exactly a minute old, or as old as maxEventAgeMs says', async () => {
    expect((await setup().handle(signed(event({ publish_timestamp: NOW - 60_000 })))).status).toBe(200);
    const strict = setup({ maxEventAgeMs: 1_000 });
    expect((await strict.handle(signed(event({ publish_timestamp: NOW - 1_001 })))).status).toBe(400);
    expect((await strict.handle(signed(event({ publish_timestamp: NOW - 1_000, text: envelope(idOf(2), 'x') })))).status).toBe(200);
  });

  it('takes the input topic of a room id of the longest allowed length', async () => {
    const roomId = 'r'.repeat(128);
    const { handle, momento } = setup();
    const response = await handle(signed(event({ topic: `${roomId}-input`, text: envelope(idOf(1), 'hello', { room: roomId }) })));
    expect(response.status).toBe(200);
    expect(momento.list(roomId)).toHaveLength(1);
  });
});

describe('createWebhookHandler: answers', () => {
  it('answers 200 with a rejection, and the sender is told', async () => {
    const { handle, momento } = setup({}, () => ({ action: 'reject', reason: 'no links' }));
    const response = await handle(signed(event()));
    expect(response.status).toBe(200);
    expect(parsed(response)).toEqual({ status: 'rejected', id: idOf(1), reason: 'no links' });
    expect(momento.calls).toContain(`publish:${ROOM}`);
    expect(momento.list(ROOM)).toEqual([]);
  });

  it("answers a rejection without what the hook threw: that is the operator's, and may not even serialize", async () => {
    const cause = Object.assign(new Error('hook bug'), { detail: 'internal' }) as Error & { self?: unknown };
    cause.self = cause;
    const { handle } = setup({}, () => {
      throw cause;
    });
    const response = await handle(signed(event()));
    expect([response.status, parsed(response)]).toEqual([200, { status: 'rejected', id: idOf(1), reason: 'the message could not be moderated' }]);
  });

  it('answers 200 with duplicate for an event delivered again', async () => {
    const { handle, momento } = setup();
    const body = event();
    await handle(signed(body));
    const again = await handle(signed(body));
    expect([again.status, parsed(again)]).toEqual([200, { status: 'duplicate', id: idOf(1) }]);
    expect(momento.list(ROOM)).toHaveLength(1);
  });

  it('answers 200 with malformed for a text that is no message', async () => {
    const { handle } = setup();
    const response = await handle(signed(event({ text: 'hello' })));
    expect([response.status, parsed(response)]).toEqual([200, { status: 'malformed', reason: 'unable to read a message; it is not JSON' }]);
  });

  it('handles an event without a token_id (published with an API key) as from no verified sender', async () => {
    const { handle, momento } = setup();
    expect((await handle(signed(event({ token_id: undefined })))).status).toBe(200);
    expect(JSON.parse(momento.list(ROOM)[0]!)).toMatchObject({ by: '' });
  });

  it('answers 500 when the moderator could not store the message, so the delivery can be tried again', async () => {
    const { handle, momento, moderator } = setup();
    const errors: string[] = [];
    moderator.on('error', (e) => void errors.push(e.error.code));
    momento.fail('listPushBack', momentoError('SERVER_UNAVAILABLE'));
    const body = event();
    const response = await handle(signed(body));
    expect(response.status).toBe(500);
    expect(parsed(response)).toEqual({ error: 'the message could not be stored; see the moderator error event' });
    expect(errors).toEqual(['MOMENTO_ERROR']);
    expect((await handle(signed(body))).status).toBe(200);
  });
});

describe('nodeWebhookListener', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  /** A real HTTP server on the loopback interface, on a free port. */
  async function listen(handle: Parameters<typeof nodeWebhookListener>[0]): Promise<number> {
    server = createServer(nodeWebhookListener(handle));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** POSTs a body and reads the whole answer. */
  function post(port: number, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string; contentType: string | undefined }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/webhook', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8'), contentType: res.headers['content-type'] }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('passes the raw body and headers to the handler and writes its answer', async () => {
    const { handle, momento } = setup();
    const port = await listen(handle);
    const body = event({ text: envelope(idOf(1), 'héllo ✓') });
    const response = await post(port, body, { 'Momento-Signature': sign(body) });
    expect(response).toEqual({ status: 200, body: JSON.stringify({ status: 'accepted', id: idOf(1) }), contentType: 'application/json' });
    expect(JSON.parse(momento.list(ROOM)[0]!)).toMatchObject({ text: 'héllo ✓' });
  });

  it('reads a body that arrives in several chunks, multi-byte characters split across them', async () => {
    let received = '';
    const port = await listen(async (request) => {
      received = request.body;
      return { status: 204, body: '' };
    });
    const body = `{"text":"${'é'.repeat(30_000)}"}`;
    const response = await post(port, Buffer.from(body, 'utf8'));
    expect(response.status).toBe(204);
    expect(received).toBe(body);
  });

  it('answers 401 for a request that does not verify', async () => {
    const { handle } = setup();
    const port = await listen(handle);
    const response = await post(port, event(), { 'momento-signature': '00' });
    expect(response.status).toBe(401);
  });

  it('answers 413 to a body over 64 KB, without calling the handler', async () => {
    let called = false;
    const port = await listen(async () => {
      called = true;
      return { status: 200, body: '{}' };
    });
    const response = await post(port, 'x'.repeat(64 * 1024 + 1));
    expect(response).toEqual({ status: 413, body: '{"error":"the body is too large"}', contentType: 'application/json' });
    const huge = await post(port, 'x'.repeat(8 * 1024 * 1024));
    expect(huge.status).toBe(413);
    expect(called).toBe(false);
    // The server still answers the next request.
    expect((await post(port, 'x'.repeat(64 * 1024))).status).toBe(200);
  });

  it('answers 500 when the handler throws', async () => {
    const port = await listen(() => Promise.reject(new Error('secret store down')));
    const response = await post(port, event());
    expect(response).toEqual({ status: 500, body: '{"error":"the handler failed"}', contentType: 'application/json' });
  });
});
