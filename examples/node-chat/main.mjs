// Two users chatting through the local Momento server, with tokens from a backend:
//   npm run build && node examples/node-chat/main.mjs
import { startLocalMomento } from 'momento-chat/local';
import { connect } from './chat-client.mjs';
import { startTokenBackend } from './token-backend.mjs';

const cacheName = 'chat';
const momento = await startLocalMomento({ caches: [cacheName] });
const backend = await startTokenBackend({ credentialProvider: momento.credentialProvider, cacheName });
const endpointOverrides = momento.endpoints.node;

const ann = await connect({ backendUrl: backend.url, endpointOverrides, cacheName, roomId: 'lobby', userId: 'ann', claims: { displayName: 'Ann' } });
await ann.room.join();
await ann.room.send('Hi, is anyone here?');

const bob = await connect({ backendUrl: backend.url, endpointOverrides, cacheName, roomId: 'lobby', userId: 'bob', claims: { displayName: 'Bob' } });
const history = await bob.room.join();
console.log(`Bob joined and sees ${history.length} message(s) of history:`);
for (const m of history) console.log(`  [history] ${m.sender.claims.displayName}: ${m.text}`);

const heard = new Promise((resolve) => {
  ann.room.on('message', ({ message }) => {
    // sender.tokenId is stamped by Momento from the token: verified. displayName is only claimed.
    console.log(`Ann hears ${message.sender.claims.displayName} (verified id ${message.sender.tokenId}): ${message.text}`);
    resolve();
  });
});
await bob.room.send('Hello Ann!', { metadata: { emoji: 'wave' } });
await heard;

await ann.close();
await bob.close();
await backend.stop();
await momento.stop();
