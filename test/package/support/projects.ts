import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './processes.js';

/** How a script reaches the package: ES modules (`import`) or CommonJS (`require`), and whether it is TypeScript. */
export interface ScriptFlavor {
  /** Shown in the message the script sends, so each project proves it ran its own copy. */
  label: string;
  module: 'esm' | 'cjs';
  typescript: boolean;
}

/**
 * A user's script, in the flavor asked for: start the local server, create a cache, vend two users the
 * client-only tokens of a room; both join, one sends, the other hears it live and reads it back from the
 * history; then a moderated room with a `Moderator`. It prints one JSON line of what happened.
 * TypeScript flavors also carry lines that must not type-check (`@ts-expect-error`): were the package's
 * types missing or `any`, those lines would compile and tsc would report the unused directives.
 */
export function chatScript({ label, module, typescript }: ScriptFlavor): string {
  const ts = (code: string): string => (typescript ? code : '');
  const sdk = 'AuthClient, AuthClientConfigurations, CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations';
  const main = 'ChatRoom, vendClientOnlyTokens, vendModeratedClientTokens';
  const imports =
    module === 'esm' || typescript
      ? [
          `import { ${sdk} } from '@gomomento/sdk';`,
          `import { ${main} } from 'momento-chat';`,
          ts(`import type { ChatMessage, RoomTokens } from 'momento-chat';`),
          `import { Moderator } from 'momento-chat/moderator';`,
          `import { startLocalMomento } from 'momento-chat/local';`,
          ts(`import type { NodeEndpointOverrides } from 'momento-chat/local';`),
        ]
      : [
          `const { ${sdk} } = require('@gomomento/sdk');`,
          `const { ${main} } = require('momento-chat');`,
          `const { Moderator } = require('momento-chat/moderator');`,
          `const { startLocalMomento } = require('momento-chat/local');`,
        ];
  return `${imports.filter(Boolean).join('\n')}

async function connect(tokens${ts(': RoomTokens')}, endpointOverrides${ts(': NodeEndpointOverrides')}) {
  const cacheClient = await CacheClient.create({
    configuration: Configurations.Laptop.v1(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: tokens.cacheToken, endpointOverrides }),
    defaultTtlSeconds: 600,
  });
  const topicClient = new TopicClient({
    configuration: TopicConfigurations.Default.latest(),
    credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: tokens.topicToken, endpointOverrides }),
  });
  return { cacheClient, topicClient };
}

function nextMessage(room${ts(': ChatRoom')})${ts(': Promise<ChatMessage>')} {
  return new Promise((resolve) => {
    const subscription = room.on('message', ({ message }) => {
      subscription.unsubscribe();
      resolve(message);
    });
  });
}
${ts(`
// Never called: each line must fail to type-check.
export function typesAreReal(room: ChatRoom): void {
  // @ts-expect-error send takes a string
  void room.send(42);
  // @ts-expect-error a port is a number
  void startLocalMomento({ port: 'eighty' });
  // @ts-expect-error the moderation hook is required
  void new Moderator({ cacheClient: null as never, topicClient: null as never, cacheName: 'chat' });
}
`)}
async function main()${ts(': Promise<void>')} {
  const momento = await startLocalMomento();
  try {
    const endpointOverrides = momento.endpoints.node;
    const admin = await CacheClient.create({ configuration: Configurations.Laptop.v1(), credentialProvider: momento.credentialProvider, defaultTtlSeconds: 600 });
    const adminTopics = new TopicClient({ configuration: TopicConfigurations.Default.latest(), credentialProvider: momento.credentialProvider });
    const created = await admin.createCache('chat');
    if (String(created.type) !== 'Success') throw new Error('unable to create the cache; ' + created.toString());
    const auth = new AuthClient({ configuration: AuthClientConfigurations.Default.latest(), credentialProvider: momento.credentialProvider });

    // Client-only: two users, each with the two tokens of the room.
    const annClients = await connect(await vendClientOnlyTokens(auth, { cacheName: 'chat', roomId: 'lobby', userId: 'ann' }), endpointOverrides);
    const bobClients = await connect(await vendClientOnlyTokens(auth, { cacheName: 'chat', roomId: 'lobby', userId: 'bob' }), endpointOverrides);
    const ann = new ChatRoom({ ...annClients, cacheName: 'chat', roomId: 'lobby', sender: { displayName: 'Ann' } });
    const bob = new ChatRoom({ ...bobClients, cacheName: 'chat', roomId: 'lobby' });
    await ann.join();
    await bob.join();
    const live = nextMessage(bob);
    const sent = await ann.send('hello from ${label}');
    const heard = await live;
    await bob.leave();
    const history = await bob.join();
    await bob.leave();
    await ann.leave();

    const moderator = new Moderator({
      cacheClient: admin,
      topicClient: adminTopics,
      cacheName: 'chat',
      moderate: (input) => ({ action: 'accept', text: input.text.toUpperCase() }),
    });
    await moderator.watch('desk');
    const cleo = await connect(await vendModeratedClientTokens(auth, { cacheName: 'chat', roomId: 'desk', userId: 'cleo' }), endpointOverrides);
    const desk = new ChatRoom({ ...cleo, cacheName: 'chat', roomId: 'desk', mode: 'moderated' });
    await desk.join();
    const moderated = await desk.send('quiet please');
    await desk.leave();
    await moderator.stop();

    for (const clients of [annClients, bobClients, cleo]) clients.cacheClient.close();
    admin.close();
    console.log(JSON.stringify({
      sent: sent.text,
      heard: { text: heard.text, tokenId: heard.sender.tokenId, displayName: heard.sender.claims.displayName },
      history: history.map((message) => message.text),
      moderated: { text: moderated.text, tokenId: moderated.sender.tokenId, sequence: moderated.sequence },
    }));
  } finally {
    await momento.stop();
  }
}

main().catch((error${ts(': unknown')}) => {
  console.error(error);
  process.exitCode = 1;
});
`;
}

/** What {@link chatScript} prints when everything worked. */
export function chatScriptResult(label: string): unknown {
  return {
    sent: `hello from ${label}`,
    heard: { text: `hello from ${label}`, tokenId: 'ann', displayName: 'Ann' },
    history: [`hello from ${label}`],
    moderated: { text: 'QUIET PLEASE', tokenId: 'cleo', sequence: 1 },
  };
}

/** A TypeScript code block of the README, found by what it contains. */
export interface ReadmeSnippet {
  /** The file name to give it in a project. */
  file: string;
  /** Every string the block must contain: how it is found. */
  contains: string[];
  /** Declarations of what the snippet leaves to the reader (a session, a render function...). */
  context: string;
}

/** The README's snippets that a user copies into a Node project, with `@gomomento/sdk`. */
export const nodeSnippets: ReadmeSnippet[] = [
  {
    file: 'readme-backend.ts',
    contains: ["from 'momento-chat'", 'vendClientOnlyTokens(authClient'],
    context: 'declare const session: { userId: string };',
  },
  {
    file: 'readme-moderator.ts',
    contains: ["from 'momento-chat/moderator'", 'new Moderator('],
    context: "declare const cacheClient: import('@gomomento/sdk').CacheClient;\ndeclare const topicClient: import('@gomomento/sdk').TopicClient;",
  },
  {
    file: 'readme-local.ts',
    contains: ["from 'momento-chat/local'", 'startLocalMomento()'],
    context: '',
  },
];

/** The README's browser quickstart, with `@gomomento/sdk-web`. */
export const browserSnippet: ReadmeSnippet = {
  file: 'readme-browser.ts',
  contains: ["from '@gomomento/sdk-web'", 'new ChatRoom('],
  context: 'declare function render(message: unknown): void;\ndeclare function rerender(messages: readonly unknown[]): void;\ndeclare function showStatus(status: string): void;',
};

/**
 * The snippet's code from README.md, after its context.
 * @throws when no single `ts` block of the README contains all of `contains`: the README changed, so change the snippet's description.
 */
export function readmeSnippet(snippet: ReadmeSnippet): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
  const found = blocks.filter((block) => snippet.contains.every((text) => block.includes(text)));
  if (found.length !== 1) {
    throw new Error(`README.md has ${found.length} ts blocks containing ${JSON.stringify(snippet.contains)}, not 1: update test/package/support/projects.ts`);
  }
  // Each snippet is a module of its own (it imports), so its declarations do not clash with the others'.
  return `${snippet.context}\n${found[0]}\nexport {};\n`;
}
