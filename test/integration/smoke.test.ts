import { describe, expect, it } from 'vitest';
import { useLocalServer } from './support/local-server.js';

describe('local server smoke', () => {
  const env = useLocalServer();

  it('creates a cache and round-trips a value through the real SDK', async () => {
    expect((await env.clients.cache.createCache('smoke')).type).toBe('Success');
    expect((await env.clients.cache.set('smoke', 'k', 'v')).type).toBe('Success');
    const got = await env.clients.cache.get('smoke', 'k');
    expect(got.type).toBe('Hit');
    expect(got.value()).toBe('v');
  });

  it('answers a plain HTTP request on the same port with a clear 404', async () => {
    const response = await fetch(`${env.momento.url}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('serves Momento over gRPC');
  });
});
