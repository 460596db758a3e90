import { decodeMessage, encodeStamped, isMetadata, malformedMessage, MOMENTO_TOPIC_MESSAGE_BYTES } from '../envelope.js';
import { callMomento, fromMomentoError, isChatError, type ChatError } from '../errors.js';
import { isMessageId, timeOfMessageId } from '../message-id.js';
import type { ChatMessage } from '../message.js';
import { encodeRejection } from '../moderation-notice.js';
import type { ChatTopicClient } from '../momento-ports.js';
import { publishWithRetry } from '../publish-with-retry.js';
import { seenKeyOf, sequenceKeyOf } from '../room-names.js';
import { collectionTtl } from '../room-sender.js';
import type { ModerateFn, ModerationContext, ModerationDecision, ModerationInput, ModerationOutcome, RejectDecision } from './moderation.js';
import type { ModeratorCacheClient } from './moderator-ports.js';

/** What processing needs, with every default filled in. */
export interface ProcessorSettings {
  cacheClient: ModeratorCacheClient;
  topicClient: ChatTopicClient;
  cacheName: string;
  moderate: ModerateFn;
  historyLength: number;
  historyTtlSeconds: number;
  seenTtlSeconds: number;
  recentHistorySize: number;
  now: () => number;
}

/** The id of an input that is not a valid message, when one can be read, so its sender can still be told. */
function idOf(raw: string | Uint8Array): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const id = (JSON.parse(raw) as { id?: unknown } | null)?.id;
    return isMessageId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

type Decision = ModerationDecision | (RejectDecision & { cause: unknown });

async function decide(settings: ProcessorSettings, input: ModerationInput, context: ModerationContext): Promise<Decision> {
  try {
    const decision = await settings.moderate(input, context);
    if (decision?.action === 'reject') return { action: 'reject', reason: String(decision.reason || 'rejected') };
    if (decision?.action !== 'accept') return { action: 'reject', reason: 'the moderator gave no decision' };
    if (decision.text !== undefined && (typeof decision.text !== 'string' || decision.text.trim() === '')) {
      return { action: 'reject', reason: 'the moderated text is empty' };
    }
    if (decision.metadata !== undefined && !isMetadata(decision.metadata)) return { action: 'reject', reason: 'the moderated metadata is not a JSON object' };
    return decision;
  } catch (cause) {
    // The hook's failure is the operator's to see (the outcome carries it), not the sender's.
    return { action: 'reject', reason: 'the message could not be moderated', cause };
  }
}

/**
 * Handles one input of one room: read it, claim its id (once across every moderator), ask the hook,
 * then either tell the sender why not, or stamp, number, store and publish it — in that order, so a
 * message is never live before it is in the history.
 * @param raw the input topic item's value; a binary one is malformed, as is an envelope of another room.
 * @param tokenId the tokenId Momento stamped on the input: the verified sender.
 * @throws ChatError when Momento fails. The id is then released, so that the same input can be handled
 * if it comes again, unless the message is or may be in the history: stored and only its publish failed
 * (DELIVERY_FAILED), or a write whose outcome is unknown (a timeout). Handling it again would store it twice.
 */
export async function processInput(settings: ProcessorSettings, roomId: string, raw: string | Uint8Array, tokenId: string): Promise<ModerationOutcome> {
  const { cacheClient, cacheName } = settings;
  const decoded = typeof raw === 'string' ? decodeMessage(raw, { roomId }) : malformedMessage('it is binary; messages are text', raw);
  if (isChatError(decoded)) {
    const id = idOf(raw);
    if (!id) return { status: 'malformed', reason: decoded.message };
    await notify(settings, roomId, id, decoded.message);
    return { status: 'malformed', reason: decoded.message, id };
  }
  const { id } = decoded;
  const refusal = refusalOf(settings, decoded);
  if (refusal) return reject(settings, roomId, id, refusal);
  const seenKey = seenKeyOf(roomId, id);
  const claimed = await callMomento('claim the message id', () => cacheClient.setIfAbsent(cacheName, seenKey, tokenId || '-', { ttl: settings.seenTtlSeconds }));
  if (claimed.type === 'Error') throw fromMomentoError('claim the message id', claimed);
  if (claimed.type === 'NotStored') return { status: 'duplicate', id };
  const release = (): Promise<unknown> => callMomento('release the message id', () => cacheClient.delete(cacheName, seenKey)).catch(() => undefined);

  const input: ModerationInput = { id, text: decoded.text, claims: decoded.sender.claims, timestamp: decoded.timestamp, ...(decoded.metadata && { metadata: decoded.metadata }) };
  const decision = await decide(settings, input, contextFor(settings, roomId, tokenId));
  if (decision.action === 'reject') return reject(settings, roomId, id, decision.reason, 'cause' in decision ? decision.cause : undefined);

  const accepted: ChatMessage = {
    id,
    text: decision.text ?? decoded.text,
    timestamp: decoded.timestamp,
    sender: tokenId ? { claims: decoded.sender.claims, tokenId } : { claims: decoded.sender.claims },
    ...((decision.metadata ?? decoded.metadata) && { metadata: decision.metadata ?? decoded.metadata }),
  };
  let stamped: { encoded: string; message: ChatMessage };
  try {
    stamped = await stamp(settings, roomId, accepted);
  } catch (error) {
    // A rejected id stays claimed, as for any rejection.
    if (isChatError(error) && error.code === 'MESSAGE_TOO_LARGE') return reject(settings, roomId, id, 'the moderated message is too large');
    await release();
    throw error;
  }
  await write(settings, roomId, stamped.encoded, release);
  await publishWithRetry(settings.topicClient, cacheName, roomId, id, stamped.encoded);
  return { status: 'accepted', message: stamped.message };
}

/** Tells the sender, on the room's topic, that its message was not stored. */
function notify(settings: ProcessorSettings, roomId: string, id: string, reason: string): Promise<void> {
  return publishWithRetry(settings.topicClient, settings.cacheName, roomId, id, encodeRejection({ id, reason }), `deliver the rejection of message ${id}`);
}

async function reject(settings: ProcessorSettings, roomId: string, id: string, reason: string, cause?: unknown): Promise<ModerationOutcome> {
  await notify(settings, roomId, id, reason);
  return cause === undefined ? { status: 'rejected', id, reason } : { status: 'rejected', id, reason, cause };
}

const MAX_CLAIM_LENGTH = 256;

/**
 * Why an input is refused before its id is claimed, if it is. An id carries the time it was made, and an
 * id is remembered for `seenTtlSeconds`: refusing ids older than that window (less the clock skew allowed)
 * means a message accepted once can never be accepted again, however late someone replays it.
 */
function refusalOf(settings: ProcessorSettings, input: ChatMessage): string | undefined {
  // What a room refuses to send; only a client of its own makes such an input.
  if (input.text.trim() === '') return 'the text is empty';
  const { displayName, userId } = input.sender.claims;
  if ((displayName?.length ?? 0) > MAX_CLAIM_LENGTH || (userId?.length ?? 0) > MAX_CLAIM_LENGTH) return 'the sender claims are too long';
  const skew = clockSkewMs(settings.seenTtlSeconds);
  const age = settings.now() - timeOfMessageId(input.id);
  if (age < -skew) return 'the message id lies in the future; check the device clock';
  if (age > settings.seenTtlSeconds * 1000 - skew) return 'the message is too old; check the device clock';
  return undefined;
}

/** The clock difference allowed between a sender and the moderator: an hour, or a quarter of the window when shorter. */
const clockSkewMs = (seenTtlSeconds: number): number => Math.min(60 * 60 * 1000, (seenTtlSeconds * 1000) / 4);

/**
 * Numbers an accepted message and encodes it with its stamps.
 * @throws ChatError MESSAGE_TOO_LARGE when the stamped message exceeds the topic limit; the code of a failed increment.
 */
async function stamp(settings: ProcessorSettings, roomId: string, accepted: ChatMessage): Promise<{ encoded: string; message: ChatMessage }> {
  const counted = await callMomento('number the message', () =>
    settings.cacheClient.increment(settings.cacheName, sequenceKeyOf(roomId), 1, { ttl: settings.historyTtlSeconds }),
  );
  if (counted.type === 'Error') throw fromMomentoError('number the message', counted);
  const serverTimestamp = settings.now();
  const sequence = counted.value();
  const encoded = encodeStamped(roomId, accepted, { by: accepted.sender.tokenId ?? '', sts: serverTimestamp, n: sequence }, MOMENTO_TOPIC_MESSAGE_BYTES);
  return { encoded, message: { ...accepted, serverTimestamp, sequence } };
}

// Failures after which a list write may still have landed: the moderator cannot tell it from a refusal.
const UNKNOWN_OUTCOME_CODES = new Set(['TIMEOUT_ERROR', 'CANCELLED_ERROR', 'INTERNAL_SERVER_ERROR', 'UNKNOWN_SERVICE_ERROR', 'UNKNOWN_ERROR']);

/**
 * Appends a stamped message to the room's history, trimmed and with its TTL refreshed.
 * @param release frees the id; called when the write surely did not land.
 */
async function write(settings: ProcessorSettings, roomId: string, encoded: string, release: () => Promise<unknown>): Promise<void> {
  let failure: ChatError;
  try {
    const stored = await callMomento('store the message', () =>
      settings.cacheClient.listPushBack(settings.cacheName, roomId, encoded, { truncateFrontToSize: settings.historyLength, ttl: collectionTtl(settings.historyTtlSeconds) }),
    );
    if (stored.type !== 'Error') return;
    failure = fromMomentoError('store the message', stored);
  } catch (error) {
    failure = error as ChatError;
  }
  // A client that threw gives no code: whether it wrote is unknown too.
  if (failure.momentoErrorCode !== undefined && !UNKNOWN_OUTCOME_CODES.has(failure.momentoErrorCode)) await release();
  throw failure;
}

function contextFor(settings: ProcessorSettings, roomId: string, tokenId: string): ModerationContext {
  let history: Promise<readonly ChatMessage[]> | undefined;
  return {
    roomId,
    sender: { tokenId },
    recentHistory: () =>
      (history ??= (async () => {
        const fetched = await callMomento('read the history', () =>
          settings.cacheClient.listFetch(settings.cacheName, roomId, { startIndex: -settings.recentHistorySize }),
        );
        if (fetched.type === 'Error') throw fromMomentoError('read the history', fetched);
        if (fetched.type === 'Miss') return [];
        return fetched.valueListString().flatMap((raw) => {
          const message = decodeMessage(raw, { roomId, stamped: true });
          return isChatError(message) ? [] : [message];
        });
      })()),
  };
}
