// Compiled by `npm run typecheck`: the real clients of both SDKs must satisfy the ports. The two SDKs
// here resolve to two different copies of @gomomento/sdk-core, as in many apps.
import type * as NodeSdk from '@gomomento/sdk';
import type * as WebSdk from '@gomomento/sdk-web';
import type { ChatCacheClient, ChatTopicClient } from '../../src/momento-ports.js';

declare const nodeCache: NodeSdk.CacheClient;
declare const nodeTopics: NodeSdk.TopicClient;
declare const webCache: WebSdk.CacheClient;
declare const webTopics: WebSdk.TopicClient;

export const ports: Array<[ChatCacheClient, ChatTopicClient]> = [
  [nodeCache, nodeTopics],
  [webCache, webTopics],
];

import type { ChatAuthClient } from '../../src/token-vending.js';

declare const nodeAuth: NodeSdk.AuthClient;
declare const webAuth: WebSdk.AuthClient;

export const authPorts: ChatAuthClient[] = [nodeAuth, webAuth];

import type { ModeratorCacheClient } from '../../src/moderator/moderator-ports.js';

export const moderatorPorts: ModeratorCacheClient[] = [nodeCache];
