import type { StatusError } from '../status-error.js';

/** What a handler knows of a call, whatever transport carried it (gRPC or grpc-web). */
export interface CallContext {
  /** The first value of a request header, by lowercase name. */
  header(name: string): string | undefined;
  /** Aborted when the client cancels or goes away. */
  readonly signal: AbortSignal;
}

/** The server side of a server-streaming call. */
export interface StreamSink<T> {
  /** Sends one message; ignored once the stream is closed. */
  write(message: T): void;
  /** Ends the stream: OK without an error, else with the error's status. Later calls do nothing. */
  end(error?: StatusError): void;
  readonly closed: boolean;
  /** Runs once when the stream closes, whoever closed it. */
  onClose(listener: () => void): void;
}

export type UnaryHandler = (request: any, ctx: CallContext) => unknown;
export type StreamHandler = (request: any, ctx: CallContext, sink: StreamSink<any>) => void;

/** The handlers of the server, by gRPC path. */
export interface MethodTable {
  unary: Map<string, UnaryHandler>;
  stream: Map<string, StreamHandler>;
}
