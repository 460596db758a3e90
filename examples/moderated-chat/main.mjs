// Moderated chat through the local Momento server, with one moderation hook run both ways:
//   npm run build && node examples/moderated-chat/main.mjs
// (a) room `lobby`: a long-lived Moderator watches `lobby-input`;
// (b) room `help`: Momento POSTs each message of `help-input` to a webhook handler.
// In each room Ann and Bob chat; Bob's client claims the display name "Ann".
import { TopicClient, TopicConfigurations } from '@gomomento/sdk';
import { isChatError } from 'momento-chat';
import { startLocalMomento } from 'momento-chat/local';
import { connect } from '../node-chat/chat-client.mjs';
import { moderationRules } from './moderation-rules.mjs';
import { registerModerationWebhooks, startWatchingModerator, startWebhookModerator } from './moderators.mjs';
import { startTokenBackend } from '../node-chat/token-backend.mjs';

const cacheName = 'chat';
const momento = await startLocalMomento({ caches: [cacheName] });
const endpointOverrides = momento.endpoints.node;
const backend = await startTokenBackend({ credentialProvider: momento.credentialProvider, cacheName, mode: 'moderated' });
const moderate = moderationRules({ maskedWords: ['darn', 'heck'], maxLength: 80 });

console.log('(a) room lobby: a long-lived moderator watches lobby-input');
const watching = await startWatchingModerator({ tokens: await backend.moderatorTokens(['lobby']), endpointOverrides, cacheName, roomIds: ['lobby'], moderate });
await chat('lobby');
await watching.stop();

console.log('(b) room help: the same rules in a webhook handler on help-input');
// Managing webhooks takes an API key: the admin's TopicClient, not a user's or the moderator's token.
const adminTopics = new TopicClient({ configuration: TopicConfigurations.Default.latest(), credentialProvider: momento.credentialProvider });
const secrets = new Map();
const webhook = await startWebhookModerator({
  tokens: await backend.moderatorTokens(['help']),
  endpointOverrides,
  cacheName,
  moderate,
  signingSecret: (topic) => secrets.get(topic), // one webhook, so one secret, per room
});
for (const [topic, secret] of await registerModerationWebhooks(adminTopics, { cacheName, roomIds: ['help'], url: webhook.url })) secrets.set(topic, secret);
await chat('help');
const { delivered, failed } = momento.webhookDeliveries;
console.log(`  webhook requests from the local server: ${delivered} delivered, ${failed} failed`);
// Anyone can reach the URL; only Momento knows the secret. An unsigned or forged request is refused.
const forged = await fetch(webhook.url, { method: 'POST', headers: { 'momento-signature': 'f'.repeat(64) }, body: '{"cache":"chat","topic":"help-input","text":"{}"}' });
console.log(`  forged webhook request: ${forged.status} ${await forged.text()}`);
await adminTopics.deleteWebhook(cacheName, 'moderate-help');
await webhook.stop();

await backend.stop();
await momento.stop();

/** Ann and Bob in one room: an accepted message, a masked one, a rejected one and a spoofed name. */
async function chat(roomId) {
  const ann = await connect({ backendUrl: backend.url, endpointOverrides, cacheName, roomId, userId: 'ann', claims: { displayName: 'Ann' }, mode: 'moderated' });
  // Bob's client claims to be Ann. Claims are whatever a client says; the tokenId is what its token says.
  const bob = await connect({ backendUrl: backend.url, endpointOverrides, cacheName, roomId, userId: 'bob', claims: { displayName: 'Ann' }, mode: 'moderated' });
  await ann.room.join();
  await bob.room.join();

  let heard = nextMessageFrom(bob.room, 'ann');
  await ann.room.send(`Hi Bob, welcome to ${roomId}.`);
  show('accepted', 'Bob', await heard);

  const typed = 'This darn printer jammed again!';
  heard = nextMessageFrom(bob.room, 'ann');
  await ann.room.send(typed);
  show('masked', 'Bob', await heard, `(Ann typed "${typed}")`);

  try {
    await ann.room.send('Let me tell you the whole story of that printer, from the first jam last spring to today.');
    console.log('  not rejected?!');
  } catch (error) {
    if (!isChatError(error) || error.code !== 'MESSAGE_REJECTED') throw error;
    console.log(`  rejected: Ann's send fails with MESSAGE_REJECTED, reason: ${error.reason}`);
  }

  heard = nextMessageFrom(ann.room, 'bob');
  await bob.room.send('Hi, it is me, Ann.');
  show('spoofed', 'Ann', await heard, '(the name is claimed; the verified id is the token\'s)');

  // The history is written by the moderator only, with the verified sender and the sequence number.
  await bob.room.leave();
  const history = await bob.room.join();
  console.log(`  history: ${history.map((m) => `#${m.sequence} by ${m.sender.tokenId}`).join(', ')} (nothing of the rejected message)`);

  await ann.close();
  await bob.close();
}

/** The next message in `room` whose verified sender is `tokenId`. */
function nextMessageFrom(room, tokenId) {
  return new Promise((resolve) => {
    const sub = room.on('message', ({ message }) => {
      if (message.sender.tokenId !== tokenId) return;
      sub.unsubscribe();
      resolve(message);
    });
  });
}

function show(label, reader, message, note = '') {
  const { displayName } = message.sender.claims;
  console.log(`  ${label}: ${reader} sees "${displayName}" (verified id ${message.sender.tokenId}, #${message.sequence}): ${message.text} ${note}`.trimEnd());
}
