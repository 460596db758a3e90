export { Moderator } from './moderator.js';
export type { ModeratorOptions, ModeratorEvents, OutcomeEvent, ModeratorErrorEvent } from './moderator.js';
export { createWebhookHandler } from './webhook-handler.js';
export type { WebhookHandlerOptions, WebhookRequest, WebhookResponse } from './webhook-handler.js';
export { nodeWebhookListener } from './node-http.js';
export type {
  AcceptDecision,
  AcceptedOutcome,
  DuplicateOutcome,
  MalformedOutcome,
  ModerateFn,
  ModerationContext,
  ModerationDecision,
  ModerationInput,
  ModerationOutcome,
  ModerationSender,
  RejectDecision,
  RejectedOutcome,
} from './moderation.js';
export type { DeleteSuccess, IncrementSuccess, ModeratorCacheClient, SetIfAbsentNotStored, SetIfAbsentStored } from './moderator-ports.js';
