export { startLocalMomento } from './local-momento.js';
export type { LocalMomento, LocalEndpoints, NodeEndpointOverrides, WebEndpointOverrides } from './local-momento.js';
export type { LocalMomentoOptions, LocalMomentoLimits } from './options.js';
export { MOMENTO_LIMITS } from './options.js';
export type { LocalMomentoFaults } from './faults/local-faults.js';
export type { FaultStatus } from './faults/fault-status.js';
export type { RpcName } from './faults/rpc-names.js';
export type { WebhookDeliveryStats } from './webhooks/webhook-deliveries.js';
