import { describe, expect, it } from 'vitest';
import { checkRoomId, inputTopicOf, moderatorKeyPrefixOf, roomOfInputTopic, seenKeyOf, sequenceKeyOf } from '../../src/room-names.js';
import { idOf } from './support/fake-momento.js';
import { thrown } from './support/thrown.js';

describe('room names', () => {
  it.each([['lobby'], ['a'], ['Aa0_.:@-x'], ['r'.repeat(128)], ['a-input-b'], ['input'], ['-input2']])('allows the room id %j', (roomId) => {
    expect(() => checkRoomId(roomId, 'join')).not.toThrow();
  });

  it.each([[''], ['r'.repeat(129)], ['a b'], ['a#b'], ['a/b'], ['é'], ['lobby-input'], ['-input'], ['a-input-input'], [42], [undefined]])(
    'refuses the room id %j (INVALID_ARGUMENT)',
    (roomId) => {
      const error = thrown(() => checkRoomId(roomId, 'join'));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe(`unable to join; roomId must be 1 to 128 letters, digits or _.:@- characters, not ending in -input, not ${JSON.stringify(roomId)}`);
    },
  );

  it("names a room's input topic, and reads the room back from it", () => {
    expect(inputTopicOf('lobby')).toBe('lobby-input');
    for (const roomId of ['lobby', 'a-input-b', 'r'.repeat(128)]) expect(roomOfInputTopic(inputTopicOf(roomId))).toBe(roomId);
  });

  it.each([['lobby'], ['-input'], ['lobby-input-input'], ['a b-input'], ['a#b-input'], [`${'r'.repeat(129)}-input`], ['lobby-Input']])(
    'reads no room from the topic %j',
    (topic) => {
      expect(roomOfInputTopic(topic)).toBeUndefined();
    },
  );

  it("keeps the moderator's keys under the room's prefix, where no other room's names can reach", () => {
    expect(moderatorKeyPrefixOf('lobby')).toBe('lobby#');
    expect(sequenceKeyOf('lobby')).toBe('lobby#seq');
    expect(seenKeyOf('lobby', idOf(1))).toBe(`lobby#seen#${idOf(1)}`);
    expect(sequenceKeyOf('lobby').startsWith(moderatorKeyPrefixOf('lobby'))).toBe(true);
    expect(seenKeyOf('lobby', idOf(1)).startsWith(moderatorKeyPrefixOf('lobby'))).toBe(true);
    // A room id cannot hold '#', so 'lobby#seq' is never a room, and 'lobby2#' never shares 'lobby#'.
    expect(() => checkRoomId(sequenceKeyOf('lobby'), 'join')).toThrow();
    expect(seenKeyOf('lobby2', idOf(1)).startsWith(moderatorKeyPrefixOf('lobby'))).toBe(false);
  });
});
