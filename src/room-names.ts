import { ChatError } from './errors.js';

/**
 * The Momento names of a room. The list and the topic carry the room id; a moderated room adds an input
 * topic and the moderator's keys. Room ids may not contain `#` and may not end in `-input`, so no room's
 * names can ever be another room's.
 */
const ROOM_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;
const INPUT_SUFFIX = '-input';

const isRoomId = (roomId: unknown): roomId is string => typeof roomId === 'string' && ROOM_ID.test(roomId) && !roomId.endsWith(INPUT_SUFFIX);

/** @throws ChatError INVALID_ARGUMENT for a room id that is not allowed. */
export function checkRoomId(roomId: unknown, operation: string): asserts roomId is string {
  if (!isRoomId(roomId)) {
    throw new ChatError(
      'INVALID_ARGUMENT',
      `unable to ${operation}; roomId must be 1 to 128 letters, digits or _.:@- characters, not ending in ${INPUT_SUFFIX}, not ${JSON.stringify(roomId)}`,
    );
  }
}

/** The topic a moderated room's members publish to, and its moderator reads. */
export const inputTopicOf = (roomId: string): string => `${roomId}${INPUT_SUFFIX}`;

/** @returns the room whose input topic this is, or undefined (also for the input topic of an input topic). */
export const roomOfInputTopic = (topic: string): string | undefined => {
  const roomId = topic.endsWith(INPUT_SUFFIX) ? topic.slice(0, -INPUT_SUFFIX.length) : undefined;
  return isRoomId(roomId) ? roomId : undefined;
};

/** The prefix of every key a moderator keeps for a room (its sequence and what it has seen). */
export const moderatorKeyPrefixOf = (roomId: string): string => `${roomId}#`;

/** The key of a room's sequence counter. */
export const sequenceKeyOf = (roomId: string): string => `${roomId}#seq`;

/** The key marking a message id as taken by a moderator. */
export const seenKeyOf = (roomId: string, messageId: string): string => `${roomId}#seen#${messageId}`;
