#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startLocalMomento } from './local-momento.js';

const USAGE = `usage: momento-chat-local [--port N] [--cache NAME]...

Runs a Momento-compatible server on 127.0.0.1 for development and tests: gRPC for
@gomomento/sdk and grpc-web for @gomomento/sdk-web, on one port.
  --port N       port to listen on (default 0: the OS picks a free one)
  --cache NAME   create this cache at start (repeatable)
  --help         show this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      cache: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`momento-chat-local: --port must be a port number, not ${values.port}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const momento = await startLocalMomento({ port, caches: values.cache });
  // Before the banner: whoever reads it may signal at once.
  const stop = (): void => {
    void momento.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`momento-chat local server listening on ${momento.address}

  MOMENTO_LOCAL_ADDRESS=${momento.address}
  MOMENTO_API_KEY=${momento.adminApiKey}

Node (@gomomento/sdk):
  CredentialProvider.fromString({
    apiKey: process.env.MOMENTO_API_KEY,
    endpointOverrides: { cacheEndpoint: '${momento.address}', controlEndpoint: '${momento.address}', tokenEndpoint: '${momento.address}', secureConnection: false },
  })
  or, with no key at all: CredentialProvider.forMomentoLocal({ hostname: '${momento.host}', port: ${momento.port} })

Browser (@gomomento/sdk-web): grpc-web on the same port, CORS open to any origin:
  CredentialProvider.fromDisposableToken({
    apiKey: token,
    endpointOverrides: { cacheEndpoint: '${momento.url}', controlEndpoint: '${momento.url}', tokenEndpoint: '${momento.url}' },
  })

Disposable tokens from this server need the same endpoint overrides. Ctrl-C stops it.`);
}

main().catch((error: unknown) => {
  console.error(`momento-chat-local: unable to start; ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
