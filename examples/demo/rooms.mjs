// The demo's rooms and moderation rules: shared by the token backend (which mode's tokens to vend), the
// moderator (which rooms it watches) and the page (what it shows), which reads them from /api/config.

/** The cache that holds the demo's rooms. */
export const CACHE_NAME = 'demo';

/** What the moderated room's moderator enforces. */
export const MODERATION = {
  maskedWords: ['darn', 'heck', 'dang', 'frak'],
  maxLength: 200,
};

/** The rooms a person can pick on the page. */
export const ROOMS = [
  {
    id: 'lobby',
    mode: 'client-only',
    about: 'An open room: each browser writes the history and publishes live itself, with no backend in the path of a message.',
  },
  {
    id: 'moderated',
    mode: 'moderated',
    about: `Every message goes through a moderator first: it masks a few words and turns down messages over ${MODERATION.maxLength} characters.`,
  },
];

/** @returns the room with this id, or undefined. */
export const roomById = (id) => ROOMS.find((room) => room.id === id);
