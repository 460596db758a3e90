import { cache, control, pubsub } from '@gomomento/generated-types';
import { describe, expect, it } from 'vitest';
import { startLocalMomento } from '../../src/local/index.js';
import { adminAuthorization, callWeb, frameOf, openWebStream } from './support/grpc-web-wire.js';
import { useLocalServer } from './support/local-server.js';
import { eventually } from './support/time.js';

// What a browser sees on the wire: grpc-web framing, the trailer frame, CORS, streaming and stop(),
// checked with fetch and a parser written apart from the server's.
const scs = cache.cache_client;
const ps = pubsub.cache_client.pubsub;
const getRequest = (key: string): Uint8Array => new scs._GetRequest({ cache_key: Buffer.from(key) }).serialize();
const subscribeRequest = (cacheName: string, topic: string): Uint8Array =>
  new ps._SubscriptionRequest({ cache_name: cacheName, topic, resume_at_topic_sequence_number: 0 }).serialize();
const itemKind = (payload: Buffer): string => {
  const item = ps._SubscriptionItem.deserialize(payload);
  return item.has_item ? `item:${item.item.value.text}` : item.has_heartbeat ? 'heartbeat' : 'discontinuity';
};

describe('grpc-web on the wire', () => {
  const env = useLocalServer({ caches: ['wire'] });
  const auth = (): Record<string, string> => ({ authorization: adminAuthorization(env.momento) });

  it('answers a CORS preflight from another origin for what sdk-web sends', async () => {
    const sent = 'agent,authorization,cache,content-type,grpc-timeout,runtime-version,x-grpc-web,x-user-agent';
    const response = await fetch(`${env.momento.url}/cache_client.Scs/Get`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': `${sent},x-custom` },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    const allowed = response.headers.get('access-control-allow-headers')!.split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining([...sent.split(','), 'read-concern', 'x-custom']));
    expect(response.headers.get('access-control-expose-headers')).toBe('grpc-status, grpc-message');
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  });

  it('answers a unary call with 200, one padded base64 data frame, then exactly one trailer frame', async () => {
    const set = new scs._SetRequest({ cache_key: Buffer.from('k'), cache_body: Buffer.from('v'), ttl_milliseconds: 60_000 }).serialize();
    expect((await callWeb(env.momento, '/cache_client.Scs/Set', set, { headers: { ...auth(), cache: 'wire' } })).trailer['grpc-status']).toBe('0');

    const answer = await callWeb(env.momento, '/cache_client.Scs/Get', getRequest('k'), { headers: { ...auth(), cache: 'wire' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/grpc-web-text');
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.messages).toHaveLength(1);
    expect(Buffer.from(scs._GetResponse.deserialize(answer.messages[0]!).cache_body).toString()).toBe('v');
    expect(answer.body.startsWith(frameOf(answer.messages[0]!).toString('base64'))).toBe(true);
    expect(answer.trailerFrames).toBe(1);
    expect(answer.trailer['grpc-status']).toBe('0');
  });

  it('answers an error with the trailer frame only: status, percent-encoded message, err metadata', async () => {
    const answer = await callWeb(env.momento, '/cache_client.Scs/Get', getRequest('k'), { headers: { ...auth(), cache: '100% gone' } });
    expect(answer.status).toBe(200);
    expect(answer.messages).toHaveLength(0);
    expect(answer.trailerFrames).toBe(1);
    expect(answer.trailer).toEqual({ 'grpc-status': '5', 'grpc-message': 'cache not found: 100%25 gone', err: 'cache_not_found' });
    expect(decodeURIComponent(answer.trailer['grpc-message']!)).toBe('cache not found: 100% gone');
  });

  it('serves binary grpc-web too', async () => {
    const request = new control.control_client._ListCachesRequest({ next_token: '' }).serialize();
    const answer = await callWeb(env.momento, '/control_client.ScsControl/ListCaches', request, { headers: auth(), mode: 'binary' });
    expect(answer.headers.get('content-type')).toBe('application/grpc-web+proto');
    expect(control.control_client._ListCachesResponse.deserialize(answer.messages[0]!).cache.map((c) => c.cache_name)).toContain('wire');
    expect(answer.trailer['grpc-status']).toBe('0');
  });

  it('answers UNIMPLEMENTED for a method it does not know, and 404 to anything that is not grpc-web', async () => {
    const unknown = await callWeb(env.momento, '/leaderboard.Leaderboard/GetRank', new Uint8Array(), { headers: auth() });
    expect(unknown.trailer['grpc-status']).toBe('12');
    const home = await fetch(`${env.momento.url}/`);
    expect(home.status).toBe(404);
    expect(await home.text()).toContain('grpc-web');
    const plain = await fetch(`${env.momento.url}/cache_client.Scs/Get`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(plain.status).toBe(404);
    // A page that calls the wrong way can read why, instead of a CORS failure.
    expect(plain.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('ends a call past its grpc-timeout with DEADLINE_EXCEEDED', async () => {
    env.momento.faults.delay('get', { ms: 10_000, count: 1 });
    const answer = await callWeb(env.momento, '/cache_client.Scs/Get', getRequest('k'), { headers: { ...auth(), cache: 'wire', 'grpc-timeout': '30m' } });
    env.momento.faults.clear();
    expect(answer.trailer['grpc-status']).toBe('4');
  });

  it('takes a grpc-timeout longer than a timer can wait as no deadline, not as one already past', async () => {
    env.momento.faults.delay('get', { ms: 50, count: 1 });
    const answer = await callWeb(env.momento, '/cache_client.Scs/Get', getRequest('k'), { headers: { ...auth(), cache: 'wire', 'grpc-timeout': '99999999S' } });
    env.momento.faults.clear();
    expect(answer.trailer['grpc-status']).toBe('0');
  });

  it('applies stream faults to grpc-web streams (momento-local metadata)', async () => {
    const stream = await openWebStream(env.momento, '/cache_client.pubsub.Pubsub/Subscribe', subscribeRequest('wire', 'faulty'), {
      ...auth(),
      'request-id': 'web-stream-fault',
      'stream-error-rpcs': 'topic-subscribe',
      'stream-error': 'unavailable',
      'stream-error-message-limit': '1',
    });
    expect(itemKind((await stream.next()).payload)).toBe('heartbeat');
    const end = await stream.next();
    expect(end.flag).toBe(0x80);
    expect(end.payload.toString('latin1')).toContain('grpc-status:14');
  });
});

describe('grpc-web streams with one subscription allowed', () => {
  const env = useLocalServer({ caches: ['wire'], limits: { maxSubscriptions: 1 } });
  const auth = (): Record<string, string> => ({ authorization: adminAuthorization(env.momento) });

  it('streams Subscribe: a heartbeat at once, each item its own frame; a client abort frees the subscription', async () => {
    const first = await openWebStream(env.momento, '/cache_client.pubsub.Pubsub/Subscribe', subscribeRequest('wire', 't'), auth());
    expect(first.response.status).toBe(200);
    expect(itemKind((await first.next()).payload)).toBe('heartbeat');
    await env.clients.topics.publish('wire', 't', 'hi');
    let frame = await first.next();
    while (itemKind(frame.payload) === 'heartbeat') frame = await first.next();
    expect(itemKind(frame.payload)).toBe('item:hi');

    // maxSubscriptions is 1: a second stream is refused until the first one's abort reaches the server.
    first.abort();
    const second = await eventually(async () => {
      const stream = await openWebStream(env.momento, '/cache_client.pubsub.Pubsub/Subscribe', subscribeRequest('wire', 't'), auth());
      const opening = await stream.next();
      if (opening.flag === 0) return stream;
      stream.abort();
      return undefined;
    }, 5000, 'the subscription slot');
    second.abort();
  });
});

describe('grpc-web and stop()', () => {
  it('ends open web streams and closes their connections', async () => {
    const momento = await startLocalMomento({ caches: ['wire'] });
    const stream = await openWebStream(momento, '/cache_client.pubsub.Pubsub/Subscribe', subscribeRequest('wire', 't'));
    expect((await stream.next()).flag).toBe(0);
    await momento.stop();
    await expect(stream.next()).rejects.toThrow();
  });
});
