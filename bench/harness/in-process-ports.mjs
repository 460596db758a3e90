// The library's own ports (src/momento-ports.ts: ChatCacheClient, ChatTopicClient) implemented in
// process, with no network and no Momento SDK: a topic client that hands prepared items to `onItem`
// synchronously, and a cache client over in-memory lists. Used to drive a ChatRoom's receive path on
// its own (the receive-CPU row) and to have the library itself encode the envelopes the bench sends.

/** A topic item as the SDKs hand it over: the value, the publisher's tokenId, the sequence number. */
export class InProcessTopicItem {
  constructor(value, tokenId, sequence) {
    this.text = value;
    this.publisher = tokenId;
    this.sequence = sequence;
  }
  value() {
    return this.text;
  }
  tokenId() {
    return this.publisher;
  }
  sequenceNumber() {
    return this.sequence;
  }
}

export class InProcessTopicClient {
  /** Every publish, in order: `{ topic, value }`. Publishing delivers nothing; call `deliver`. */
  published = [];
  #subscribers = new Map();

  async publish(_cacheName, topic, value) {
    this.published.push({ topic, value });
    return { type: 'Success' };
  }

  async subscribe(_cacheName, topic, callbacks) {
    let set = this.#subscribers.get(topic);
    if (!set) this.#subscribers.set(topic, (set = new Set()));
    set.add(callbacks);
    return { type: 'Subscription', unsubscribe: () => set.delete(callbacks) };
  }

  /** Hands the items to every subscriber of the topic, synchronously, in order. */
  deliver(topic, items) {
    for (const callbacks of this.#subscribers.get(topic) ?? []) for (const item of items) callbacks.onItem(item);
  }
}

export class InProcessCacheClient {
  #lists = new Map();

  async listFetch(_cacheName, list, { startIndex, endIndex } = {}) {
    const values = this.#lists.get(list);
    if (!values) return { type: 'Miss' };
    const slice = values.slice(startIndex ?? 0, endIndex === undefined || endIndex === 0 ? undefined : endIndex);
    return { type: 'Hit', valueListString: () => slice };
  }

  async listPushBack(_cacheName, list, value, { truncateFrontToSize } = {}) {
    const values = this.#lists.get(list) ?? [];
    values.push(value);
    if (truncateFrontToSize && values.length > truncateFrontToSize) values.splice(0, values.length - truncateFrontToSize);
    this.#lists.set(list, values);
    return { type: 'Success', listLength: () => values.length };
  }
}
