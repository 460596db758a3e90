// Uses only @gomomento/sdk against a running `npx momento-chat-local`:
//   MOMENTO_LOCAL_ADDRESS=127.0.0.1:PORT MOMENTO_API_KEY=... node examples/local-server-quickstart.mjs
// It creates a cache, pushes to a list, vends a token scoped to one key, reads that key with it,
// and is refused another key.
import { AuthClient, CacheClient, CacheRole, Configurations, CredentialProvider, ExpiresIn, MomentoErrorCode } from '@gomomento/sdk';

const address = process.env.MOMENTO_LOCAL_ADDRESS;
const apiKey = process.env.MOMENTO_API_KEY;
if (!address || !apiKey) throw new Error('set MOMENTO_LOCAL_ADDRESS and MOMENTO_API_KEY as momento-chat-local prints them');

// The local server is plain HTTP/2 on one port, so every endpoint is the same and not secure.
const endpointOverrides = { cacheEndpoint: address, controlEndpoint: address, tokenEndpoint: address, secureConnection: false };
const admin = CredentialProvider.fromString({ apiKey, endpointOverrides });

const cache = await CacheClient.create({ configuration: Configurations.Laptop.v1(), credentialProvider: admin, defaultTtlSeconds: 600 });
const created = await cache.createCache('quickstart');
console.log('createCache:', created.type);

const pushed = await cache.listPushBack('quickstart', 'room-1', 'hello from the backend');
if (pushed.type !== 'Success') throw new Error(pushed.toString());
console.log('listPushBack: length', pushed.listLength());

const auth = new AuthClient({ credentialProvider: admin });
const vended = await auth.generateDisposableToken(
  { permissions: [{ role: CacheRole.ReadOnly, cache: 'quickstart', item: { key: 'room-1' } }] },
  ExpiresIn.minutes(30),
  { tokenId: 'user-42' },
);
if (vended.type !== 'Success') throw new Error(vended.toString());
console.log('generateDisposableToken: expires at', vended.expiresAt.epoch());

const scoped = await CacheClient.create({
  configuration: Configurations.Laptop.v1(),
  credentialProvider: CredentialProvider.fromDisposableToken({ apiKey: vended.authToken, endpointOverrides }),
  defaultTtlSeconds: 600,
});
const allowed = await scoped.listFetch('quickstart', 'room-1');
if (allowed.type !== 'Hit') throw new Error(allowed.toString());
console.log('token listFetch room-1:', allowed.valueList());

const denied = await scoped.listFetch('quickstart', 'room-2');
if (denied.type !== 'Error' || denied.errorCode() !== MomentoErrorCode.PERMISSION_ERROR) throw new Error(`expected a permission error, got ${denied.toString()}`);
console.log('token listFetch room-2:', denied.errorCode());

cache.close();
scoped.close();
