import { describe, expect, it } from 'vitest';
import { TypedEvents } from '../../src/typed-events.js';

interface Events {
  ping: { type: 'ping'; n: number };
  pong: { type: 'pong' };
}

function emitter() {
  const failures: Array<{ error: unknown; event: keyof Events }> = [];
  const events = new TypedEvents<Events>((_events, error, event) => failures.push({ error, event }));
  return { events, failures };
}

describe('TypedEvents', () => {
  it('delivers a payload to every listener of its event, in the order they subscribed, and to no other', () => {
    const { events } = emitter();
    const got: string[] = [];
    events.on('ping', ({ n }) => got.push(`a${n}`));
    events.on('ping', ({ n }) => got.push(`b${n}`));
    events.on('pong', () => got.push('pong'));
    events.emit('ping', { type: 'ping', n: 1 });
    expect(got).toEqual(['a1', 'b1']);
  });

  it('emits to nobody without error when no one listens', () => {
    const { events, failures } = emitter();
    expect(() => events.emit('pong', { type: 'pong' })).not.toThrow();
    expect(failures).toEqual([]);
  });

  it('keeps delivering to the others when a listener throws, and reports the throw', () => {
    const { events, failures } = emitter();
    const got: number[] = [];
    const boom = new Error('listener bug');
    events.on('ping', () => {
      throw boom;
    });
    events.on('ping', ({ n }) => got.push(n));
    events.emit('ping', { type: 'ping', n: 1 });
    events.emit('ping', { type: 'ping', n: 2 });
    expect(got).toEqual([1, 2]);
    expect(failures).toEqual([
      { error: boom, event: 'ping' },
      { error: boom, event: 'ping' },
    ]);
  });

  it('stops a listener on unsubscribe, and a second unsubscribe is harmless', () => {
    const { events } = emitter();
    const got: string[] = [];
    const first = events.on('ping', () => got.push('first'));
    events.on('ping', () => got.push('second'));
    first.unsubscribe();
    first.unsubscribe();
    events.emit('ping', { type: 'ping', n: 1 });
    expect(got).toEqual(['second']);
  });

  it('a stale handle unsubscribed again does not stop the same function subscribed anew', () => {
    const { events } = emitter();
    const got: number[] = [];
    const listener = ({ n }: Events['ping']) => void got.push(n);
    const old = events.on('ping', listener);
    old.unsubscribe();
    events.on('ping', listener);
    // A cleanup that runs twice, as React's effects can.
    old.unsubscribe();
    events.emit('ping', { type: 'ping', n: 7 });
    expect(got).toEqual([7]);
  });

  it('treats each subscription of one function on its own', () => {
    const { events } = emitter();
    const got: number[] = [];
    const listener = ({ n }: Events['ping']) => void got.push(n);
    const a = events.on('ping', listener);
    events.on('ping', listener);
    events.emit('ping', { type: 'ping', n: 1 });
    a.unsubscribe();
    events.emit('ping', { type: 'ping', n: 2 });
    expect(got).toEqual([1, 1, 2]);
  });

  it('lets a listener unsubscribe itself while the event is being delivered', () => {
    const { events } = emitter();
    const got: string[] = [];
    const once = events.on('ping', () => {
      got.push('once');
      once.unsubscribe();
    });
    events.on('ping', () => got.push('always'));
    events.emit('ping', { type: 'ping', n: 1 });
    events.emit('ping', { type: 'ping', n: 2 });
    expect(got).toEqual(['once', 'always', 'always']);
  });

  it('drops every listener on clear; handles from before stay harmless', () => {
    const { events } = emitter();
    const got: string[] = [];
    const sub = events.on('ping', () => got.push('old'));
    events.clear();
    events.emit('ping', { type: 'ping', n: 1 });
    sub.unsubscribe();
    events.on('ping', () => got.push('new'));
    events.emit('ping', { type: 'ping', n: 2 });
    expect(got).toEqual(['new']);
  });
});
