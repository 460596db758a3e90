import { ChatError } from './errors.js';
import type { RoomClients } from './room-clients.js';
import type { ChatRoomEvents } from './room-events.js';
import type { TypedEvents } from './typed-events.js';

/**
 * Which clients calls are still using, so clients a room has replaced are closed only once their last
 * call is over (a closed client would open its channel again for a call still in flight).
 */
export class ClientsInUse {
  // Made on first use: most rooms never replace their clients.
  private callsByClients: Map<RoomClients, number> | undefined;
  private closingClients: Set<RoomClients> | undefined;

  private get calls(): Map<RoomClients, number> {
    return (this.callsByClients ??= new Map());
  }

  private get closing(): Set<RoomClients> {
    return (this.closingClients ??= new Set());
  }

  /** @param events where a `close()` that throws is reported, as an `error` event. */
  constructor(private readonly events: TypedEvents<ChatRoomEvents>) {}

  /** Runs a call on `clients`, counted. */
  async use<T>(clients: RoomClients, call: () => Promise<T>): Promise<T> {
    this.calls.set(clients, (this.calls.get(clients) ?? 0) + 1);
    try {
      return await call();
    } finally {
      const left = (this.calls.get(clients) ?? 1) - 1;
      if (left > 0) this.calls.set(clients, left);
      else {
        this.calls.delete(clients);
        // Empty tables are dropped: a room between calls holds none.
        if (this.calls.size === 0) this.callsByClients = undefined;
        if (this.closingClients?.delete(clients)) this.closeNow(clients);
        if (this.closingClients?.size === 0) this.closingClients = undefined;
      }
    }
  }

  /** Closes `clients` now, or after the calls still using them. */
  close(clients: RoomClients): void {
    if (this.callsByClients?.has(clients)) this.closing.add(clients);
    else this.closeNow(clients);
  }

  // The app's close() may throw: the room reports it and goes on.
  private closeNow(clients: RoomClients): void {
    try {
      clients.close?.();
    } catch (error) {
      this.events.emit('error', { type: 'error', error: new ChatError('MOMENTO_ERROR', 'unable to close clients; their close() threw', { cause: error }) });
    }
  }
}
