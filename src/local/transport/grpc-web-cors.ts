import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';

/**
 * The request headers a browser page may send: what `@gomomento/sdk-web` 1.118 and grpc-web 1.4 send,
 * `read-concern`, and the metadata of Momento's `momento-local` fault injection, so a browser test can
 * use it too.
 */
const ALLOWED_HEADERS = [
  'agent',
  'authorization',
  'cache',
  'content-type',
  'grpc-timeout',
  'runtime-version',
  'x-grpc-web',
  'x-user-agent',
  'read-concern',
  'request-id',
  'return-error',
  'error-rpcs',
  'error-count',
  'delay-rpcs',
  'delay-ms',
  'delay-count',
  'stream-error-rpcs',
  'stream-error',
  'stream-error-message-limit',
];

/** How long a browser may reuse a preflight answer, in seconds (Chromium caps it at 2 hours). */
const MAX_AGE_SECONDS = 7200;

/**
 * Headers for every grpc-web answer. A page on another origin (another port is one) reads the answer only
 * with `access-control-allow-origin`; the server holds no cookies, so `*` gives nothing away. The status
 * travels in the body's trailer frame, but exposing the header names costs nothing should a proxy move it.
 */
export const CORS_HEADERS: Readonly<OutgoingHttpHeaders> = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'grpc-status, grpc-message',
};

/**
 * The answer to a CORS preflight (`OPTIONS`): POST allowed with the known headers plus any the browser
 * asks for, since every header only reaches a server on 127.0.0.1. Chromium's Private Network Access asks
 * before a public page talks to a loopback address; that is allowed too.
 */
export function preflightHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const requested = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const headers: OutgoingHttpHeaders = {
    ...CORS_HEADERS,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': [...new Set([...ALLOWED_HEADERS, ...requested])].join(', '),
    'access-control-max-age': String(MAX_AGE_SECONDS),
  };
  if (req.headers['access-control-request-private-network'] === 'true') headers['access-control-allow-private-network'] = 'true';
  return headers;
}
