import type { FaultEngine } from '../faults/fault-engine.js';
import { rpcNameOf } from '../faults/rpc-names.js';
import { Status, StatusError, toStatusError } from '../status-error.js';
import type { CallContext, MethodTable, StreamSink } from './call.js';

/** Runs one unary call of a method. @throws StatusError */
export type UnaryCall = (request: unknown, ctx: CallContext) => Promise<unknown>;
/** Runs one server-streaming call of a method; every outcome goes to the sink. */
export type StreamCall = (request: unknown, ctx: CallContext, sink: StreamSink<unknown>) => Promise<void>;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

const unimplemented = (path: string): StatusError => new StatusError(Status.UNIMPLEMENTED, `${path} is not served by the local server`);

/**
 * Runs calls through the faults, then the handler. Transports ask it once per method for the function
 * that runs that method's calls, so the handler and fault name are looked up once, not on every call;
 * it never sees a transport's types.
 */
export class Dispatcher {
  constructor(
    private readonly table: MethodTable,
    private readonly faults: FaultEngine,
  ) {}

  unary(path: string): UnaryCall {
    const handler = this.table.unary.get(path);
    const rpc = rpcNameOf(path);
    return async (request, ctx) => {
      if (!handler) throw unimplemented(path);
      const faults = this.faults.plan(rpc, (n) => ctx.header(n));
      // Only a delay gives the client time to cancel before the handler runs (and reading the signal has a cost).
      if (faults.delayMs > 0) {
        await sleep(faults.delayMs, ctx.signal);
        if (ctx.signal.aborted) throw new StatusError(Status.CANCELLED, 'cancelled by the client');
      }
      if (faults.error) throw faults.error;
      try {
        return await handler(request, ctx);
      } catch (error) {
        throw toStatusError(error);
      }
    };
  }

  stream(path: string): StreamCall {
    const handler = this.table.stream.get(path);
    const rpc = rpcNameOf(path);
    return async (request, ctx, sink) => {
      if (!handler) return sink.end(unimplemented(path));
      const faults = this.faults.plan(rpc, (n) => ctx.header(n));
      if (faults.delayMs > 0) await sleep(faults.delayMs, ctx.signal);
      if (sink.closed) return;
      if (faults.error) return sink.end(faults.error);
      const target = faults.streamError ? failAfter(sink, faults.streamError.afterMessages, faults.streamError.error) : sink;
      try {
        handler(request, ctx, target);
      } catch (error) {
        sink.end(toStatusError(error));
      }
    };
  }
}

/** A sink that ends with `error` once `limit` messages (heartbeats included, as momento-local counts them) went out. */
function failAfter<T>(sink: StreamSink<T>, limit: number, error: StatusError): StreamSink<T> {
  let sent = 0;
  const wrapped: StreamSink<T> = {
    write(message) {
      if (sink.closed) return;
      sink.write(message);
      if (++sent >= limit) sink.end(error);
    },
    end: (e) => sink.end(e),
    get closed() {
      return sink.closed;
    },
    onClose: (listener) => sink.onClose(listener),
  };
  if (limit === 0) sink.end(error);
  return wrapped;
}
