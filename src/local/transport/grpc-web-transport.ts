import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as grpc from '@grpc/grpc-js';
import { Status, StatusError, toStatusError } from '../status-error.js';
import type { CallContext, StreamSink } from './call.js';
import type { Dispatcher, StreamCall, UnaryCall } from './dispatcher.js';
import { preflightHeaders } from './grpc-web-cors.js';
import { decodeBase64Text, decodeDataFrames } from './grpc-web-framing.js';
import { GrpcWebResponse, grpcWebModeOf, type GrpcWebMode } from './grpc-web-response.js';
import { parseGrpcTimeout } from './grpc-timeout.js';

/** One method as grpc-web serves it: the generated (de)serializers, and the dispatcher's runner. */
interface WebMethod {
  decode(bytes: Buffer): unknown;
  encode(message: unknown): Uint8Array;
  run: { unary: UnaryCall } | { stream: StreamCall };
}

/** A call in flight, so `close()` can end it. */
interface OpenCall {
  abort(): void;
  res: ServerResponse;
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
  private readonly open = new Set<OpenCall>();

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
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(NOT_HERE);
      return;
    }
    this.serve(req, res, mode);
  };

  /** Ends every call in flight and drops its connection; web subscriptions then reconnect on their own, elsewhere. */
  close(): void {
    for (const call of [...this.open]) {
      call.res.socket?.destroy();
      call.abort();
    }
    this.open.clear();
  }

  private serve(req: IncomingMessage, res: ServerResponse, mode: GrpcWebMode): void {
    const out = new GrpcWebResponse(res, mode);
    const controller = new AbortController();
    const listeners: Array<() => void> = [];
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let finished = false;
    // Runs once, whatever ends the call: the trailer, the client going away, the deadline or close().
    // Once the connection is gone there is nowhere to write the trailer to.
    const finish = (error?: StatusError, connectionGone = false): void => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      this.open.delete(call);
      if (!connectionGone) out.end(error);
      // Stops a handler still at work (a delay fault asleep) when the deadline or the client ended the call.
      controller.abort();
      for (const listener of listeners.splice(0)) listener();
    };
    const call: OpenCall = { res, abort: () => finish(undefined, true) };
    this.open.add(call);
    // `close` after the trailer is the normal end; before it, the client aborted (grpc-web cancels with xhr.abort()).
    res.once('close', () => finish(undefined, true));
    const timeoutMs = parseGrpcTimeout(header(req, 'grpc-timeout'));
    if (timeoutMs !== undefined) deadline = setTimeout(() => finish(new StatusError(Status.DEADLINE_EXCEEDED, 'deadline exceeded')), timeoutMs);

    const path = pathOf(req);
    const method = this.methods.get(path);
    readBody(req, this.maxRequestChars(mode)).then(
      (body) => {
        if (finished) return;
        if (!method) return finish(new StatusError(Status.UNIMPLEMENTED, `${path} is not a method the local server knows`));
        let request: unknown;
        try {
          request = decodeRequest(body, mode, method);
        } catch (error) {
          return finish(toStatusError(error));
        }
        const ctx: CallContext = { signal: controller.signal, header: (name) => header(req, name) };
        if ('unary' in method.run) {
          method.run.unary(request, ctx).then(
            (response) => {
              if (finished) return;
              try {
                out.message(method.encode(response));
              } catch (error) {
                return finish(toStatusError(error));
              }
              finish();
            },
            (error: unknown) => finish(toStatusError(error)),
          );
        } else {
          out.open();
          const sink = sinkOf(out, method, { finish, listeners, finished: () => finished });
          void method.run.stream(request, ctx, sink);
        }
      },
      (error: unknown) => finish(toStatusError(error)),
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

/** What a server stream's sink needs of its call. */
interface StreamCallState {
  /** Ends the call, with the error's trailer or an OK one. */
  finish(error?: StatusError): void;
  /** Run once when the call ends, whoever ends it. */
  listeners: Array<() => void>;
  finished(): boolean;
}

/** The sink of a server stream: each message its own flushed frame; the end writes the trailer. */
function sinkOf(out: GrpcWebResponse, method: WebMethod, call: StreamCallState): StreamSink<unknown> {
  return {
    write(message) {
      if (call.finished()) return;
      try {
        out.message(method.encode(message));
      } catch (error) {
        call.finish(toStatusError(error));
      }
    },
    end: (error) => call.finish(error),
    get closed() {
      return call.finished();
    },
    onClose(listener) {
      if (call.finished()) listener();
      else call.listeners.push(listener);
    },
  };
}
