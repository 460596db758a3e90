import { afterAll, beforeAll } from 'vitest';
import { startLocalMomento, type LocalMomento, type LocalMomentoOptions } from '../../../src/local/index.js';
import { adminClients, type Clients } from './clients.js';

/** A running local server and admin clients of the real SDK. */
export interface LocalServer {
  readonly momento: LocalMomento;
  readonly clients: Clients;
}

/**
 * Starts a local server with admin clients before the tests of the enclosing `describe` (or file),
 * and stops it after them. Hooks registered after this call run after the start and, being "after"
 * hooks in vitest's stack order, before the stop.
 * @returns a handle to read inside tests and hooks, once the server runs.
 */
export function useLocalServer(options: LocalMomentoOptions = {}): LocalServer {
  let momento: LocalMomento | undefined;
  let clients: Clients | undefined;
  beforeAll(async () => {
    momento = await startLocalMomento(options);
    clients = await adminClients(momento);
  });
  afterAll(async () => {
    clients?.cache.close();
    await momento?.stop();
    momento = undefined;
    clients = undefined;
  });
  const running = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the local server runs from beforeAll to afterAll; read it inside a test or a hook');
    return value;
  };
  return {
    get momento() {
      return running(momento);
    },
    get clients() {
      return running(clients);
    },
  };
}
