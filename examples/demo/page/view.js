// Rendering: the room lists, and the timeline — messages grouped by sender, day separators, the verified
// sender apart from the claimed name, the sender's own messages on the right, pending and rejected sends,
// the edge of the history and the empty state. Every text goes in through textContent.

const GROUP_WITHIN_MS = 5 * 60 * 1000;
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

/** Creates an element with a class and, optionally, text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** How the page names each mode. */
export const MODE_TEXT = { 'client-only': 'open room', moderated: 'moderated' };

/**
 * Fills the two room lists: a radio button with the room's description on the welcome form, a link in the sidebar.
 * @param options rooms ({ id, mode, about }), current (the id to check), onOpen(room) for a click on a link.
 */
export function renderRoomLists(choices, links, { rooms, current, onOpen }) {
  for (const room of rooms) {
    const choice = el('label', 'room-choice');
    const radio = el('input');
    Object.assign(radio, { type: 'radio', name: 'room', value: room.id, checked: room.id === current });
    const body = el('span', 'room-choice-body');
    const title = el('span', 'room-choice-title', `# ${room.id} `);
    const chip = el('span', 'mode-chip', MODE_TEXT[room.mode]);
    chip.dataset.mode = room.mode;
    title.append(chip);
    body.append(title, el('span', 'room-choice-about', room.about));
    choice.append(radio, body);
    choices.append(choice);

    const link = el('button', 'room-link');
    link.type = 'button';
    link.dataset.room = room.id;
    link.append(el('span', 'hash', '#'), el('span', 'room-link-name', room.id), el('span', 'room-link-mode', MODE_TEXT[room.mode]));
    link.addEventListener('click', () => onOpen(room));
    const item = el('li');
    item.append(link);
    links.append(item);
  }
}

/** A stable hue for a sender, so each person keeps a colour. */
function hueOf(key) {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % 360;
}

/** Up to two initials of a name. */
function initialsOf(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]].map((w) => [...w][0]) : [...(words[0] ?? '?')].slice(0, 1);
  return letters.join('').toUpperCase();
}

/** Fills an avatar element for a person. */
export function paintAvatar(node, name, key) {
  node.textContent = initialsOf(name || '?');
  node.style.setProperty('--hue', String(hueOf(key || name || '?')));
}

/** Who a message is from, for grouping and colours: the verified id when there is one, else the claims. */
const senderKey = (message) => message.sender.tokenId ?? `claims:${message.sender.claims.userId ?? ''}:${message.sender.claims.displayName ?? ''}`;

/** The time to show: the moderator's (verified) when there is one, else the sender's clock (claimed). */
const timeOf = (item) => item.message?.serverTimestamp ?? item.message?.timestamp ?? item.at;

function dayLabel(time) {
  const day = new Date(time).toDateString();
  const today = new Date();
  if (day === today.toDateString()) return 'Today';
  if (day === new Date(today.getTime() - 86_400_000).toDateString()) return 'Yesterday';
  return dayFormat.format(time);
}

function timeElement(time, verified) {
  const node = el('time', 'msg-time', timeFormat.format(time));
  node.dateTime = new Date(time).toISOString();
  node.title = `${fullFormat.format(time)} (${verified ? "the moderator's clock" : "the sender's clock"})`;
  return node;
}

/** The header of a group: claimed name, then the verified id (or why there is none), then the time. */
function metaOf(message, own) {
  const meta = el('div', 'msg-meta');
  if (own) {
    meta.append(el('span', 'msg-name', 'You'), timeElement(timeOf({ message }), message.serverTimestamp !== undefined));
    return meta;
  }
  meta.append(el('span', 'msg-name', message.sender.claims.displayName || 'anonymous'));
  if (message.sender.tokenId) {
    const badge = el('span', 'badge verified', '✓ verified');
    badge.title = `Verified by Momento: sent with the token of ${message.sender.tokenId}. The name beside it is only claimed.`;
    meta.append(badge, el('span', 'msg-uid', message.sender.tokenId));
  } else {
    const badge = el('span', 'badge unverified', 'unverified');
    badge.title = 'History in an open room keeps only what the sender claimed; messages that arrive live carry the verified id.';
    meta.append(badge);
  }
  meta.append(timeElement(timeOf({ message }), message.serverTimestamp !== undefined));
  return meta;
}

function messageRow(message, { own, grouped }) {
  const row = el('div', `msg ${own ? 'own' : 'other'}${grouped ? ' grouped' : ''}`);
  row.dataset.id = message.id;
  if (!own) {
    const avatar = el('span', 'avatar');
    avatar.setAttribute('aria-hidden', 'true');
    // Coloured by the id (an honest client claims its verified id), so history and live messages of one person match.
    if (!grouped) paintAvatar(avatar, message.sender.claims.displayName ?? '', message.sender.tokenId ?? message.sender.claims.userId ?? senderKey(message));
    row.append(avatar);
  }
  const body = el('div', 'msg-body');
  if (!grouped) body.append(metaOf(message, own));
  const bubble = el('div', 'bubble', message.text);
  if (grouped) bubble.title = timeFormat.format(timeOf({ message }));
  body.append(bubble);
  row.append(body);
  return row;
}

/** A send of this page that is not (or not yet) in the room: sending, rejected or unconfirmed. */
function localRow(item, onDismiss) {
  const row = el('div', `msg own local ${item.state}`);
  const body = el('div', 'msg-body');
  body.append(el('div', 'bubble', item.text));
  const note = el('div', 'msg-note');
  if (item.state === 'pending') note.append(el('span', 'spinner'), el('span', '', 'Waiting for the moderator…'));
  else {
    note.append(el('span', 'note-text', item.note));
    const dismiss = el('button', 'link-button', 'Dismiss');
    dismiss.type = 'button';
    dismiss.addEventListener('click', () => onDismiss(item));
    note.append(dismiss);
  }
  body.append(note);
  row.append(body);
  return row;
}

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" width="30" height="30" aria-hidden="true"><path d="M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v7a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6a.5.5 0 0 1-.8-.4V16h.5A2.5 2.5 0 0 1 4 13.5z" fill="currentColor"/><circle cx="9" cy="10" r="1.2" fill="var(--surface)"/><circle cx="12" cy="10" r="1.2" fill="var(--surface)"/><circle cx="15" cy="10" r="1.2" fill="var(--surface)"/></svg>';

function emptyState(room) {
  const box = el('div', 'empty');
  const icon = el('div', 'empty-icon');
  icon.innerHTML = CHAT_ICON; // a constant of this file, not user text
  box.append(icon, el('h2', '', `No messages in #${room.id} yet`));
  box.append(el('p', '', room.mode === 'moderated' ? 'Say hello. The moderator checks your message, then everyone in the room sees it.' : 'Say hello: everyone in the room sees it at once, and whoever comes later finds it in the history.'));
  return box;
}

/**
 * Renders the whole timeline into `container`.
 * @param state messages (the room's, oldest first), local (this page's sends not in the room), isOwn(message),
 *   room ({ id, mode }), history ('more' | 'loading' | 'start'), loading (not joined yet), onDismiss(item).
 */
export function renderTimeline(container, { messages, local, isOwn, room, history, loading, onDismiss }) {
  const fragment = document.createDocumentFragment();
  if (messages.length === 0 && local.length === 0) {
    if (!loading) return void container.replaceChildren(emptyState(room));
    const box = el('div', 'empty loading');
    box.append(el('span', 'spinner'), el('p', '', `Loading #${room.id}…`));
    return void container.replaceChildren(box);
  }
  const edge = el('div', `history-edge ${history}`);
  if (history === 'loading') edge.append(el('span', 'spinner'), el('span', '', 'Loading older messages…'));
  else if (history === 'start') edge.textContent = `This is the beginning of #${room.id}.`;
  else edge.textContent = 'Scroll up for older messages';
  fragment.append(edge);

  // The room's order stays; this page's sends that are not in the room go where they were made in time.
  const locals = [...local].sort((a, b) => a.at - b.at);
  const items = [];
  for (const message of messages) {
    while (locals.length > 0 && locals[0].at < timeOf({ message })) items.push(locals.shift());
    items.push({ message });
  }
  items.push(...locals);
  let previous;
  for (const item of items) {
    const time = timeOf(item);
    if (!previous || dayLabel(time) !== dayLabel(timeOf(previous))) fragment.append(el('div', 'day', dayLabel(time)));
    if (!item.message) {
      fragment.append(localRow(item, onDismiss));
      previous = item;
      continue;
    }
    const { message } = item;
    const own = isOwn(message);
    const grouped =
      previous?.message !== undefined && senderKey(previous.message) === senderKey(message) && time - timeOf(previous) < GROUP_WITHIN_MS && dayLabel(time) === dayLabel(timeOf(previous));
    fragment.append(messageRow(message, { own, grouped }));
    previous = item;
  }
  container.replaceChildren(fragment);
}
