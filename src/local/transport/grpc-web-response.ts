import type { ServerResponse } from 'node:http';
import type { StatusError } from '../status-error.js';
import { CORS_HEADERS } from './grpc-web-cors.js';
import { encodeFrame, encodeTrailer, FrameFlag } from './grpc-web-framing.js';

/** grpc-web's two body encodings: base64 text (what grpc-web's generated clients, and so sdk-web, use) and raw bytes. */
export type GrpcWebMode = 'text' | 'binary';

/** The mode a request's `content-type` asks for, or undefined when it is not grpc-web. */
export function grpcWebModeOf(contentType: string | undefined): GrpcWebMode | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/grpc-web-text' || type === 'application/grpc-web-text+proto') return 'text';
  if (type === 'application/grpc-web' || type === 'application/grpc-web+proto') return 'binary';
  return undefined;
}

const CONTENT_TYPE: Readonly<Record<GrpcWebMode, string>> = {
  text: 'application/grpc-web-text',
  binary: 'application/grpc-web+proto',
};

/**
 * The answer to one grpc-web call: HTTP 200, then data frames, then exactly one trailer frame that carries
 * the status. Every outcome, errors included, is a 200: grpc-web turns any other HTTP status into an error
 * of its own making and would lose the status and the `err` metadata.
 */
export class GrpcWebResponse {
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly mode: GrpcWebMode,
  ) {}

  /** Whether the trailer went out, or the client went away. */
  get done(): boolean {
    return this.ended || this.res.destroyed;
  }

  /**
   * Sends the headers now, for a server stream: the client's request reaches HEADERS_RECEIVED before the
   * first message, which a fault may delay.
   */
  open(): void {
    if (this.done || this.res.headersSent) return;
    this.writeHead();
    this.res.flushHeaders();
  }

  /** Sends one serialized message as its own frame (and, in text mode, its own padded base64 run), flushed at once. */
  message(bytes: Uint8Array): void {
    if (this.done) return;
    this.writeHead();
    this.res.write(this.encode(encodeFrame(FrameFlag.DATA, bytes)));
  }

  /** Ends the call: OK without an error, else the error's status, details and `err` metadata. Later calls do nothing. */
  end(error?: StatusError): void {
    if (this.done) return;
    this.ended = true;
    this.writeHead();
    const trailer = error ? encodeTrailer(error.code, error.details, error.err ? { err: error.err } : {}) : encodeTrailer(0, '');
    this.res.end(this.encode(trailer));
  }

  private writeHead(): void {
    if (this.res.headersSent) return;
    this.res.writeHead(200, { ...CORS_HEADERS, 'content-type': CONTENT_TYPE[this.mode], 'cache-control': 'no-store' });
  }

  /** Text mode base64-encodes each frame on its own; grpc-web decodes in runs of 4 characters, so padded runs may follow one another. */
  private encode(frame: Buffer): Buffer | string {
    return this.mode === 'text' ? frame.toString('base64') : frame;
  }
}
