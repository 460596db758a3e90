import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookRequest, WebhookResponse } from './webhook-handler.js';

// A Momento webhook event holds one topic message (at most 4 KB) and a few fields.
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Adapts a webhook handler to `node:http` (and Express, which passes the same objects): reads the raw body,
 * then writes the handler's answer.
 * @param handle what {@link createWebhookHandler} returned.
 * @returns a `(req, res)` listener.
 * @example
 * ```ts
 * createServer(nodeWebhookListener(createWebhookHandler(moderator, { signingSecret }))).listen(8080);
 * ```
 */
export function nodeWebhookListener(handle: (request: WebhookRequest) => Promise<WebhookResponse>): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (res.headersSent) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        // Not req.destroy(): that resets the socket before the answer is out. Closing after the answer ends the upload.
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end('{"error":"the body is too large"}');
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      handle({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers }).then(
        ({ status, body }) => res.writeHead(status, { 'content-type': 'application/json' }).end(body),
        () => res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"the handler failed"}'),
      );
    });
  };
}
