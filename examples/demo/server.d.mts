import type { LocalMomento } from 'momento-chat/local';

/** The running demo. */
export interface RunningDemo {
  /** The page: `http://127.0.0.1:PORT/`. */
  url: string;
  /** The local Momento server behind it. */
  momento: LocalMomento;
  /** Stops the web server, the moderator and the local Momento server. */
  stop(): Promise<void>;
}

/** Starts the demo's servers on 127.0.0.1: the local Momento server, the moderator and the web page with its token backend. */
export function startDemo(options?: { port?: number; log?: (line: string) => void }): Promise<RunningDemo>;
