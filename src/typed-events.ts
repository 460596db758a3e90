/** What `on()` returns. Calling `unsubscribe()` more than once is harmless. */
export interface Subscription {
  /** Stops this listener. */
  unsubscribe(): void;
}

/**
 * A small typed emitter over one events map. A listener that throws is reported through `onListenerError`
 * and never stops delivery to the others.
 */
type Listener = (payload: never) => void;

/** One registration: its own object, so a function registered twice is removed once per handle. */
class Registration implements Subscription {
  constructor(
    private list: Registration[] | undefined,
    readonly listener: Listener,
  ) {}

  unsubscribe(): void {
    const at = this.list?.indexOf(this) ?? -1;
    if (at >= 0) this.list!.splice(at, 1);
    this.list = undefined;
  }
}

export class TypedEvents<Events extends object> {
  // Lists by event name, made on the first listener: an idle room's memory is mostly empty collections,
  // and a plain object of arrays weighs less than a Map of Sets.
  private listeners: Partial<Record<keyof Events, Registration[]>> | undefined;

  /** @param onListenerError given the emitter itself, so a module-level function serves every instance: no closure per emitter. */
  constructor(private readonly onListenerError: <K extends keyof Events>(events: TypedEvents<Events>, error: unknown, event: K, payload: Events[K]) => void) {}

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Subscription {
    const listeners: Partial<Record<keyof Events, Registration[]>> = (this.listeners ??= {});
    const list = (listeners[event] ??= []);
    const registration = new Registration(list, listener as Listener);
    list.push(registration);
    return registration;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners?.[event];
    if (!list || list.length === 0) return;
    // A copy: listeners added or removed by a listener take effect from the next event.
    for (const { listener } of list.slice()) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        this.onListenerError(this, error, event, payload);
      }
    }
  }

  clear(): void {
    this.listeners = undefined;
  }
}
