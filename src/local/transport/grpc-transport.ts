import type { Duplex } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { StatusError, toStatusError } from '../status-error.js';
import type { CallContext, StreamSink } from './call.js';
import type { Dispatcher, StreamCall, UnaryCall } from './dispatcher.js';

/** A grpc-js service definition, as `Unimplemented<Name>Service.definition` in Momento's generated types. */
type Definition = grpc.ServiceDefinition;

function toServiceError(error: StatusError): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (error.err) metadata.set('err', error.err);
  return { code: error.code as number, details: error.details, metadata };
}

// The AbortController is made only when someone asks for the signal (fault delays do): grpc-js reports
// every call as cancelled once its status is sent, and aborting makes a DOMException with a stack trace,
// which cost the server a tenth of its CPU when every call paid for it.
function contextOf(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): CallContext {
  let controller: AbortController | undefined;
  let cancelled = false;
  call.on('cancelled', () => {
    cancelled = true;
    controller?.abort();
  });
  return {
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (cancelled) controller.abort();
      }
      return controller.signal;
    },
    header(name) {
      const value = call.metadata.get(name)[0];
      return value === undefined ? undefined : value.toString();
    },
  };
}

function sinkOf(call: grpc.ServerWritableStream<unknown, unknown>): StreamSink<unknown> {
  let closed = false;
  const listeners: Array<() => void> = [];
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const listener of listeners.splice(0)) listener();
  };
  call.on('cancelled', close);
  call.on('close', close);
  return {
    write(message) {
      if (!closed) call.write(message);
    },
    end(error) {
      if (closed) return;
      close();
      if (error) call.emit('error', toServiceError(error));
      else call.end();
    },
    get closed() {
      return closed;
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}

function unaryMethod(run: UnaryCall): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    run(call.request, contextOf(call)).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(toStatusError(error))),
    );
  };
}

function streamMethod(run: StreamCall): grpc.handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    void run(call.request, contextOf(call), sinkOf(call));
  };
}

/**
 * Serves Momento's gRPC services over HTTP/2 connections handed to it by the listener, so that
 * gRPC and HTTP/1.1 (grpc-web) can share one port.
 */
export class GrpcTransport {
  private readonly server: grpc.Server;
  private readonly injector: grpc.ConnectionInjector;

  constructor(definitions: Definition[], dispatcher: Dispatcher, maxMessageBytes: number) {
    this.server = new grpc.Server({
      'grpc.max_receive_message_length': maxMessageBytes,
      'grpc.max_send_message_length': maxMessageBytes,
      // Thousands of concurrent subscriptions share a few connections.
      'grpc.max_concurrent_streams': 10_000,
    });
    for (const definition of definitions) {
      const impl: grpc.UntypedServiceImplementation = {};
      for (const [name, method] of Object.entries(definition)) {
        impl[name] = method.responseStream ? streamMethod(dispatcher.stream(method.path)) : unaryMethod(dispatcher.unary(method.path));
      }
      this.server.addService(definition, impl);
    }
    this.injector = this.server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  }

  /** Takes over a connection that starts with the HTTP/2 preface. */
  accept(socket: Duplex): void {
    this.injector.injectConnection(socket);
  }

  close(): void {
    this.injector.destroy();
    this.server.forceShutdown();
  }
}
