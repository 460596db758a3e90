import { randomBytes } from 'node:crypto';
import { Status, StatusError } from '../status-error.js';

/** One webhook, as the server keeps it. */
export interface WebhookRecord {
  readonly cacheName: string;
  readonly name: string;
  /** The topic of the cache whose messages it receives; a put may move it. */
  topic: string;
  /** Where deliveries are POSTed; checked to be loopback before it is stored. */
  postUrl: string;
  /** The signing secret: set on creation, replaced only by a rotation. */
  secret: string;
}

const newSecret = (): string => randomBytes(24).toString('base64url');

/** NOT_FOUND for a missing webhook; the SDK reports any NOT_FOUND as NOT_FOUND_ERROR, so the details name the webhook. */
export const webhookNotFound = (cacheName: string, name: string): StatusError =>
  new StatusError(Status.NOT_FOUND, `webhook not found: ${name} in cache ${cacheName}`, 'webhook_not_found');

/**
 * The webhooks of every cache, identified by (cache, webhook name). It checks nothing about callers or
 * caches; the handlers do. Removal is announced, so deliveries still queued for a removed webhook are dropped.
 */
export class WebhookRegistry {
  private readonly byCache = new Map<string, Map<string, WebhookRecord>>();
  private readonly removeListeners = new Set<(record: WebhookRecord) => void>();

  /**
   * Creates a webhook with a new secret, or updates its topic and URL and keeps its secret, so receivers
   * that verify signatures keep working across an update.
   * @returns the webhook as it now stands.
   */
  put(cacheName: string, name: string, topic: string, postUrl: string): WebhookRecord {
    let webhooks = this.byCache.get(cacheName);
    if (!webhooks) {
      webhooks = new Map();
      this.byCache.set(cacheName, webhooks);
    }
    const existing = webhooks.get(name);
    if (existing) {
      existing.topic = topic;
      existing.postUrl = postUrl;
      return existing;
    }
    const record: WebhookRecord = { cacheName, name, topic, postUrl, secret: newSecret() };
    webhooks.set(name, record);
    return record;
  }

  /** @returns the cache's webhooks, in the order they were created. */
  list(cacheName: string): WebhookRecord[] {
    return [...(this.byCache.get(cacheName)?.values() ?? [])];
  }

  /** @throws NOT_FOUND when the cache has no webhook of that name. */
  get(cacheName: string, name: string): WebhookRecord {
    const record = this.byCache.get(cacheName)?.get(name);
    if (!record) throw webhookNotFound(cacheName, name);
    return record;
  }

  /** Replaces the secret. @returns the new one. @throws NOT_FOUND */
  rotate(cacheName: string, name: string): string {
    const record = this.get(cacheName, name);
    record.secret = newSecret();
    return record.secret;
  }

  /** @throws NOT_FOUND */
  delete(cacheName: string, name: string): void {
    const record = this.get(cacheName, name);
    this.byCache.get(cacheName)?.delete(name);
    this.removed(record);
  }

  /** Forgets the webhooks of a deleted cache, so a cache created again under that name starts with none. */
  forgetCache(cacheName: string): void {
    const webhooks = this.byCache.get(cacheName);
    if (!webhooks) return;
    this.byCache.delete(cacheName);
    for (const record of webhooks.values()) this.removed(record);
  }

  /** @returns the webhooks attached to one topic; a linear scan, since a cache holds few webhooks. */
  forTopic(cacheName: string, topic: string): WebhookRecord[] {
    const webhooks = this.byCache.get(cacheName);
    if (!webhooks) return [];
    const found: WebhookRecord[] = [];
    for (const record of webhooks.values()) if (record.topic === topic) found.push(record);
    return found;
  }

  /** Listens for webhooks that are deleted, directly or with their cache. */
  onRemove(listener: (record: WebhookRecord) => void): void {
    this.removeListeners.add(listener);
  }

  private removed(record: WebhookRecord): void {
    for (const listener of this.removeListeners) listener(record);
  }
}
