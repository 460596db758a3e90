import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import { Status, StatusError, toStatusError } from '../status-error.js';
import type { CallContext, StreamSink } from './call.js';
import type { Dispatcher, StreamCall, UnaryCall } from './dispatcher.js';
import { CORS_HEADERS, preflightHeaders } from './grpc-web-cors.js';
import { decodeBase64Text, decodeDataFrames } from './grpc-web-framing.js';
import { GrpcWebResponse, grpcWebModeOf, type GrpcWebMode } from './grpc-web-response.js';
import { parseGrpcTimeout } from './grpc-timeout.js';

/** One method as grpc-web serves it: the generated (de)serializers, and the dispatcher's runner. */
interface WebMethod {
  decode(bytes: Buffer): unknown;
  encode(message: unknown): Uint8Array;
  run: { unary: UnaryCall } | { stream: StreamCall };
}

const NOT_HERE =
  'this port serves Momento over gRPC (HTTP/2, @gomomento/sdk) and grpc-web (HTTP/1.1 POST, @gomomento/sdk-web); ' +
  'point an SDK at it with endpointOverrides\n';

/**
 * Serves Momento's services as grpc-web over HTTP/1.1, for `@gomomento/sdk-web`, on the port the gRPC
 * transport shares. It uses the same generated service definitions and the same dispatcher as the gRPC
 * transport (the protobuf bytes are the same), so handlers and faults behave alike on both; only the
 * framing is its own.
 */
export class GrpcWebTransport {
  private readonly methods = new Map<string, WebMethod>();
  /** The calls in flight, so `close()` can end them. */
  private readonly calls = new Set<WebCall>();

  /**
   * @param definitions the grpc-js service definitions, as `Unimplemented<Name>Service.definition`.
   * @param maxMessageBytes the largest request message accepted, as the gRPC transport's receive limit.
   */
  constructor(
    definitions: grpc.ServiceDefinition[],
    dispatcher: Dispatcher,
    private readonly maxMessageBytes: number,
  ) {
    for (const definition of definitions) {
      for (const method of Object.values(definition)) {
        this.methods.set(method.path, {
          decode: method.requestDeserialize,
          encode: method.responseSerialize,
          run: method.responseStream ? { stream: dispatcher.stream(method.path) } : { unary: dispatcher.unary(method.path) },
        });
      }
    }
  }

  /** The `request` listener of the HTTP/1.1 server: grpc-web calls, CORS preflights, and a 404 for anything else. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, preflightHeaders(req)).end();
      return;
    }
    const mode = req.method === 'POST' ? grpcWebModeOf(req.headers['content-type']) : undefined;
    if (!mode) {
      req.resume();
      // With CORS, so a page that calls the wrong way reads this answer rather than a CORS failure.
      res.writeHead(404, { ...CORS_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end(NOT_HERE);
      return;
    }
    this.serve(req, res, mode);
  };

  /** Ends every call in flight and drops its connection; web subscriptions then reconnect on their own, elsewhere. */
  close(): void {
    for (const call of [...this.calls]) call.drop();
  }

  private serve(req: IncomingMessage, res: ServerResponse, mode: GrpcWebMode): void {
    const call = new WebCall(res, mode, parseGrpcTimeout(header(req, 'grpc-timeout')), () => this.calls.delete(call));
    this.calls.add(call);
    const path = pathOf(req);
    const method = this.methods.get(path);
    readBody(req, this.maxRequestChars(mode)).then(
      (body) => {
        if (call.finished) return;
        if (!method) return call.finish(new StatusError(Status.UNIMPLEMENTED, `${path} is not a method the local server knows`));
        let request: unknown;
        try {
          request = decodeRequest(body, mode, method);
        } catch (error) {
          return call.finish(toStatusError(error));
        }
        const ctx: CallContext = { signal: call.signal, header: (name) => header(req, name) };
        if ('unary' in method.run) {
          method.run.unary(request, ctx).then(
            (response) => {
              call.write(() => method.encode(response));
              call.finish();
            },
            (error: unknown) => call.finish(toStatusError(error)),
          );
        } else {
          call.open();
          void method.run.stream(request, ctx, call.sink(method.encode));
        }
      },
      (error: unknown) => call.finish(toStatusError(error)),
    );
  }

  /** A text body is base64, 4 characters for every 3 bytes; the frame header adds 5 bytes. */
  private maxRequestChars(mode: GrpcWebMode): number {
    const bytes = this.maxMessageBytes + 5;
    return mode === 'text' ? Math.ceil(bytes / 3) * 4 : bytes;
  }
}

/** The URL's path, without a query. */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0]!;
}

/** A request header by lowercase name (Node lowercases them), its first value when repeated. */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function decodeRequest(body: Buffer, mode: GrpcWebMode, method: WebMethod): unknown {
  const frames = decodeDataFrames(mode === 'text' ? decodeBase64Text(body.toString('latin1')) : body);
  if (frames.length !== 1) throw new StatusError(Status.INTERNAL, `a request carries one message, not ${frames.length}`);
  try {
    return method.decode(frames[0]!);
  } catch (error) {
    throw new StatusError(Status.INTERNAL, `unable to parse the request; ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The whole request body. A body over the limit is still read to its end (the client waits to have sent it
 * before it reads an answer) but not kept.
 * @throws StatusError RESOURCE_EXHAUSTED past `maxChars`, as grpc-js answers a message over its receive limit.
 */
function readBody(req: IncomingMessage, maxChars: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxChars) chunks.push(chunk);
    });
    req.once('end', () => {
      if (size > maxChars) reject(new StatusError(Status.RESOURCE_EXHAUSTED, `request larger than the maximum message size (${size} > ${maxChars} bytes)`));
      else resolve(Buffer.concat(chunks));
    });
    req.once('error', reject);
  });
}

/** One grpc-web call in flight: its answer, its deadline, and what stops its handler when it ends. */
class WebCall {
  private readonly out: GrpcWebResponse;
  private readonly controller = new AbortController();
  private readonly onEnd: Array<() => void> = [];
  private readonly deadline: ReturnType<typeof setTimeout> | undefined;
  private ended = false;

  /**
   * @param timeoutMs the call's `grpc-timeout`, if any.
   * @param forget run once when the call ends.
   */
  constructor(
    private readonly res: ServerResponse,
    mode: GrpcWebMode,
    timeoutMs: number | undefined,
    private readonly forget: () => void,
  ) {
    this.out = new GrpcWebResponse(res, mode);
    // `close` after the trailer is the normal end; before it, the client aborted (grpc-web cancels with xhr.abort()).
    res.once('close', () => this.finish(undefined, true));
    if (timeoutMs !== undefined) this.deadline = setTimeout(() => this.finish(new StatusError(Status.DEADLINE_EXCEEDED, 'deadline exceeded')), timeoutMs);
  }

  /** Aborted when the call ends before its handler is done: the client went away, the deadline passed, or the server stops. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Sends the headers now, for a server stream. */
  open(): void {
    this.out.open();
  }

  /** Sends one message, encoded only while the call is open; an encoding failure ends the call with its status. */
  write(encode: () => Uint8Array): void {
    if (this.ended) return;
    try {
      this.out.message(encode());
    } catch (error) {
      this.finish(toStatusError(error));
    }
  }

  /**
   * Ends the call once, whatever ends it: the trailer (OK without an error), the client going away, the
   * deadline or `drop()`. Once the connection is gone there is nowhere to write the trailer to.
   */
  finish(error?: StatusError, connectionGone = false): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.deadline);
    this.forget();
    if (!connectionGone) this.out.end(error);
    // Stops a handler still at work (a delay fault asleep, a subscription) when it did not end the call itself.
    this.controller.abort();
    for (const listener of this.onEnd.splice(0)) listener();
  }

  /** Ends the call without a trailer and closes its connection, as `stop()` does. */
  drop(): void {
    this.res.socket?.destroy();
    this.finish(undefined, true);
  }

  /** The sink of a server stream: each message its own flushed frame; the end writes the trailer. */
  sink(encode: (message: unknown) => Uint8Array): StreamSink<unknown> {
    const ended = (): boolean => this.ended;
    return {
      write: (message) => this.write(() => encode(message)),
      end: (error) => this.finish(error),
      get closed() {
        return ended();
      },
      onClose: (listener) => {
        if (this.ended) listener();
        else this.onEnd.push(listener);
      },
    };
  }
}
