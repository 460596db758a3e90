/** What `on()` returns. Calling `unsubscribe()` more than once is harmless. */
export interface Subscription {
  /** Stops this listener. */
  unsubscribe(): void;
}

/**
 * A small typed emitter over one events map. A listener that throws is reported through `onListenerError`
 * and never stops delivery to the others.
 */
export class TypedEvents<Events extends object> {
  // Made on the first listener: an idle room's memory is mostly empty collections.
  private listeners: Map<keyof Events, Set<(payload: never) => void>> | undefined;

  constructor(private readonly onListenerError: <K extends keyof Events>(error: unknown, event: K, payload: Events[K]) => void) {}

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Subscription {
    const listeners = (this.listeners ??= new Map());
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    // A wrapper per call: each handle removes its own registration, even when one function subscribed twice.
    const entry = (payload: never) => (listener as (payload: never) => void)(payload);
    set.add(entry);
    return { unsubscribe: () => void this.listeners?.get(event)?.delete(entry) };
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners?.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        this.onListenerError(error, event, payload);
      }
    }
  }

  clear(): void {
    this.listeners = undefined;
  }
}
