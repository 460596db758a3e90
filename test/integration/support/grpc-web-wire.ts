import type { LocalMomento } from '../../../src/local/index.js';

/** What a grpc-web answer carried: HTTP status and headers, the messages, and the trailer frame's lines. */
export interface WebAnswer {
  status: number;
  headers: Headers;
  /** The payload of each data frame, in order. */
  messages: Buffer[];
  /** The trailer frame's `key:value` lines, values as sent (grpc-message still percent-encoded). */
  trailer: Record<string, string>;
  /** How many trailer frames came (grpc-web wants exactly one). */
  trailerFrames: number;
  /** The raw body, for checks of the encoding itself. */
  body: string;
}

/** A grpc-web frame, written here independently of the server's own framing code. */
export function frameOf(payload: Uint8Array, flag = 0): Buffer {
  const header = Buffer.alloc(5);
  header[0] = flag;
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Splits frames from bytes; a trailing partial frame is left out. */
export function framesOf(bytes: Buffer): Array<{ flag: number; payload: Buffer }> {
  const frames: Array<{ flag: number; payload: Buffer }> = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at + 1);
    if (at + 5 + length > bytes.length) break;
    frames.push({ flag: bytes[at]!, payload: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return frames;
}

/** Decodes grpc-web-text the way grpc-web does: 4 characters at a time, so padded runs may follow one another. */
export function fromWebText(text: string): Buffer {
  const bytes: Buffer[] = [];
  for (let at = 0; at + 4 <= text.length; at += 4) bytes.push(Buffer.from(text.slice(at, at + 4), 'base64'));
  return Buffer.concat(bytes);
}

/** The trailer frame's lines as a record. */
export function trailerOf(payload: Buffer): Record<string, string> {
  const lines = payload.toString('latin1').trim().split('\r\n');
  return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]));
}

/**
 * Makes one grpc-web call with `fetch`, as a browser page would.
 * @param mode `text` (base64 body, what sdk-web sends) or `binary`.
 */
export async function callWeb(
  momento: LocalMomento,
  path: string,
  request: Uint8Array,
  options: { headers?: Record<string, string>; mode?: 'text' | 'binary' } = {},
): Promise<WebAnswer> {
  const text = (options.mode ?? 'text') === 'text';
  const response = await fetch(`${momento.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': text ? 'application/grpc-web-text' : 'application/grpc-web+proto', 'x-grpc-web': '1', ...options.headers },
    body: text ? frameOf(request).toString('base64') : new Uint8Array(frameOf(request)),
  });
  const raw = Buffer.from(await response.arrayBuffer());
  const body = raw.toString('latin1');
  const frames = framesOf(text ? fromWebText(body) : raw);
  const trailers = frames.filter((f) => f.flag === 0x80);
  return {
    status: response.status,
    headers: response.headers,
    messages: frames.filter((f) => f.flag === 0).map((f) => f.payload),
    trailer: trailers[0] ? trailerOf(trailers[0].payload) : {},
    trailerFrames: trailers.length,
    body,
  };
}

/** The api_key inside the server's admin key, which is what the SDKs send in `authorization`. */
export function adminAuthorization(momento: LocalMomento): string {
  return (JSON.parse(Buffer.from(momento.adminApiKey, 'base64').toString('utf8')) as { api_key: string }).api_key;
}

/** A server-streaming grpc-web call read frame by frame as the chunks arrive, as grpc-web reads `responseText`. */
export interface WebStream {
  response: Response;
  /** Resolves with the next frame; rejects if the stream ends or breaks first. */
  next(): Promise<{ flag: number; payload: Buffer }>;
  /** Cancels the call, as grpc-web does with `xhr.abort()`. */
  abort(): void;
}

/** Opens a server-streaming call (Subscribe) in text mode. */
export async function openWebStream(momento: LocalMomento, path: string, request: Uint8Array, headers: Record<string, string> = {}): Promise<WebStream> {
  const controller = new AbortController();
  const response = await fetch(`${momento.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/grpc-web-text', 'x-grpc-web': '1', ...headers },
    body: frameOf(request).toString('base64'),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let text = '';
  let decodedChars = 0;
  let bytes = Buffer.alloc(0);
  return {
    response,
    async next() {
      for (;;) {
        const [frame] = framesOf(bytes);
        if (frame) {
          bytes = bytes.subarray(5 + frame.payload.length);
          return frame;
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('the stream ended');
        text += Buffer.from(chunk.value).toString('latin1');
        const whole = text.length - (text.length % 4);
        bytes = Buffer.concat([bytes, fromWebText(text.slice(decodedChars, whole))]);
        decodedChars = whole;
      }
    },
    abort: () => controller.abort(),
  };
}
