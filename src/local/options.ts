/**
 * Momento's hard limits, as the local server enforces them. Each can be lowered (or raised) so a
 * test reaches a limit cheaply.
 */
export interface LocalMomentoLimits {
  /** Largest topic message payload, in bytes. Momento: 4 KB. */
  topicMessageBytes: number;
  /** Largest list element or dictionary value, in bytes. Momento: 128 KB. */
  collectionElementBytes: number;
  /** Largest item (key plus every element), in bytes. Momento: 5 MB (5,000,000 bytes; it reports 4883 KB). */
  itemBytes: number;
  /** Longest item or collection TTL, in milliseconds. Momento: 24 h. */
  maxTtlMs: number;
  /** Longest disposable-token life, in seconds. Momento: 1 h. */
  maxTokenLifeSeconds: number;
  /** Most permissions in one disposable token. Momento: 10. */
  maxTokenPermissions: number;
  /** Most concurrent subscriptions over the whole server. Off (Infinity) by default. */
  maxSubscriptions: number;
}

/** Options of {@link startLocalMomento}. */
export interface LocalMomentoOptions {
  /** TCP port on 127.0.0.1; 0 (the default) lets the OS pick a free one. */
  port?: number;
  /** Overrides of {@link LocalMomentoLimits}. */
  limits?: Partial<LocalMomentoLimits>;
  /** How often every subscription stream gets a heartbeat, in milliseconds. Default 1000. */
  heartbeatIntervalMs?: number;
  /** How many recent items each topic keeps so a subscriber can resume. Default 256. */
  retainedTopicItems?: number;
  /** A topic with no subscriber and no publish for this long is forgotten (a later resume sees a discontinuity). Default 10 minutes. */
  topicIdleMs?: number;
  /**
   * Whether a call with an empty or missing `authorization` acts as the admin, as `CredentialProvider.forMomentoLocal()`
   * needs. Real Momento never sees an empty key, so this cannot hide a bug in code that uses real tokens. Default true.
   */
  acceptEmptyAuthAsAdmin?: boolean;
  /** Caches that exist from the start. */
  caches?: string[];
  /** The clock used for TTLs and token expiry, in epoch milliseconds. Tests pass a fake to move time on. */
  now?: () => number;
  /**
   * How long a webhook receiver has to answer before the delivery is dropped as timed out, in milliseconds.
   * Default 5000, Momento's documented timeout; tests lower it to reach a timeout cheaply.
   */
  webhookTimeoutMs?: number;
}

/** Momento's documented hard limits. */
export const MOMENTO_LIMITS: LocalMomentoLimits = {
  topicMessageBytes: 4 * 1024,
  collectionElementBytes: 128 * 1024,
  itemBytes: 5_000_000,
  maxTtlMs: 24 * 60 * 60 * 1000,
  maxTokenLifeSeconds: 60 * 60,
  maxTokenPermissions: 10,
  maxSubscriptions: Number.POSITIVE_INFINITY,
};

/** Options with every default filled in. */
export interface ResolvedOptions {
  port: number;
  limits: LocalMomentoLimits;
  heartbeatIntervalMs: number;
  retainedTopicItems: number;
  topicIdleMs: number;
  acceptEmptyAuthAsAdmin: boolean;
  caches: string[];
  now: () => number;
  webhookTimeoutMs: number;
}

export function resolveOptions(options: LocalMomentoOptions = {}): ResolvedOptions {
  return {
    port: options.port ?? 0,
    limits: { ...MOMENTO_LIMITS, ...options.limits },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    retainedTopicItems: options.retainedTopicItems ?? 256,
    topicIdleMs: options.topicIdleMs ?? 10 * 60 * 1000,
    acceptEmptyAuthAsAdmin: options.acceptEmptyAuthAsAdmin ?? true,
    caches: options.caches ?? [],
    now: options.now ?? Date.now,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 5000,
  };
}
