// One person in one room: tokens from the demo's backend, @gomomento/sdk-web clients built from them (one
// per token), and a ChatRoom over those clients — the README's browser quickstart, plus the local endpoints.
import { CacheClient, Configurations, CredentialProvider, TopicClient, TopicConfigurations } from '@gomomento/sdk-web';
import { ChatRoom, createMessageIdGenerator } from 'momento-chat';

/**
 * Asks the backend for this person's tokens of one room.
 * @param session what the backend gave on an earlier call, if any (the demo's stand-in for sign-in).
 * @returns { userId, session, cacheToken, topicToken, expiresAt }
 */
export async function fetchTokens({ roomId, name, session }) {
  const params = new URLSearchParams({ room: roomId, name });
  if (session) params.set('session', session);
  const response = await fetch(`/api/tokens?${params}`);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`unable to get tokens; ${body.error ?? response.status}`);
  return body;
}

/**
 * Builds the room, not joined yet. The room makes its clients through `clients`: from `tokens` when it
 * joins, then from fresh tokens (`refreshTokens`) before those expire or when Momento refuses them, and
 * closes the clients it is done with.
 * @param onId called with the id of each message this page sends, before it is written, so the page knows its
 *   own messages even where the history carries no verified sender.
 */
export function openRoom({ config, room, tokens, refreshTokens, name, onId }) {
  const endpointOverrides = config.endpoints; // against Momento itself, leave this out
  let next = tokens;
  const clients = async () => {
    const current = next ?? (await refreshTokens());
    next = undefined;
    const cacheClient = new CacheClient({
      configuration: Configurations.Browser.v1(),
      credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: current.cacheToken, endpointOverrides }),
      defaultTtlSeconds: 24 * 60 * 60,
    });
    const topicClient = new TopicClient({
      configuration: TopicConfigurations.Browser.v1(),
      credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: current.topicToken, endpointOverrides }),
    });
    return { cacheClient, topicClient, expiresAt: current.expiresAt, close: () => cacheClient.close() };
  };
  const nextId = createMessageIdGenerator();
  const chatRoom = new ChatRoom({
    clients,
    cacheName: config.cacheName,
    roomId: room.id,
    mode: room.mode,
    pageSize: 30,
    sender: { displayName: name, userId: tokens.userId }, // claimed; the verified id is the token's
    generateId: () => {
      const id = nextId();
      onId(id);
      return id;
    },
  });
  return {
    room: chatRoom,
    // Leaving closes the clients the room made.
    close: () => chatRoom.leave(),
  };
}
