// The demo page: pick a name and a room, then chat. History on arrival, older messages when scrolled to
// the top, live messages, the room's status, and, in the moderated room, the moderator's rejections.
import { isChatError } from 'momento-chat';
import { fetchTokens, openRoom } from './chat-session.js';
import { el, MODE_TEXT, paintAvatar, renderRoomLists, renderTimeline } from './view.js';

const $ = (id) => document.getElementById(id);
const saved = window.sessionStorage; // per tab, so two tabs can be two people
const RECONNECT_DELAYS_MS = [1000, 2000, 5000, 10000, 30000];
const STATUS_TEXT = { initialized: 'Not connected', joining: 'Connecting…', joined: 'Live', left: 'Left', failed: 'Disconnected', reconnecting: 'Reconnecting…' };

const state = {
  config: undefined,
  name: saved.getItem('demo.name') ?? '',
  userId: saved.getItem('demo.user') ?? '',
  signIn: saved.getItem('demo.signIn') ?? '', // the backend's session: who this tab is
  roomId: saved.getItem('demo.room') ?? 'lobby',
  session: undefined, // the room this page is in: { room, close() }
  generation: 0,
  local: [], // this page's sends that are not in the room: { roomId, text, at, state, note }
  history: 'more',
  reconnects: 0,
  reconnectTimer: undefined,
};
const sentIds = new Set(JSON.parse(saved.getItem('demo.sent') ?? '[]'));

const currentRoom = () => state.config.rooms.find((room) => room.id === state.roomId) ?? state.config.rooms[0];

function toast(text) {
  const node = el('div', 'toast', text);
  $('toasts').append(node);
  setTimeout(() => node.remove(), 6000);
}

function setStatus(status) {
  $('status').dataset.status = status;
  $('status-text').textContent = STATUS_TEXT[status] ?? status;
  $('reconnect').hidden = status !== 'failed';
  // A reconnecting room still sends: the write goes to history, and others catch up from it.
  const joined = status === 'joined' || status === 'reconnecting';
  $('message-input').disabled = !joined;
  updateComposer();
}

/** Own messages: the verified id says so; where there is none (open-room history), the ids this page made. */
function isOwn(message) {
  return message.sender.tokenId ? message.sender.tokenId === state.userId : sentIds.has(message.id);
}

function rememberSent(id) {
  sentIds.add(id);
  saved.setItem('demo.sent', JSON.stringify([...sentIds].slice(-500)));
}

/**
 * Renders the timeline, keeping the reader's place: pinned to the bottom when they were there (or `bottom`),
 * the same distance from the bottom when older messages came in above (`older`).
 */
function render(reason) {
  const timeline = $('timeline');
  const fromBottom = timeline.scrollHeight - timeline.scrollTop;
  const atBottom = fromBottom - timeline.clientHeight < 48;
  const session = state.session;
  renderTimeline($('timeline-inner'), {
    messages: session ? session.room.messages : [],
    local: state.local.filter((item) => item.roomId === state.roomId),
    isOwn,
    room: currentRoom(),
    history: state.history,
    loading: !session || session.room.status === 'joining' || session.room.status === 'initialized',
    onDismiss: (item) => {
      state.local = state.local.filter((other) => other !== item);
      render();
    },
  });
  if (reason === 'older') timeline.scrollTop = timeline.scrollHeight - fromBottom;
  else if (reason === 'bottom' || atBottom) timeline.scrollTop = timeline.scrollHeight;
  if (reason === 'bottom' || atBottom) $('jump').hidden = true;
}

/** @returns false when the page could not be loaded. */
async function loadOlder() {
  const session = state.session;
  if (!session || state.history !== 'more' || session.room.status !== 'joined') return true;
  state.history = 'loading';
  render('older');
  try {
    const page = await session.room.loadOlder();
    if (session !== state.session) return true;
    state.history = page.hasMore ? 'more' : 'start';
  } catch (error) {
    if (session !== state.session) return false;
    state.history = 'more';
    toast(`Could not load older messages: ${error.message}`);
    render('older');
    return false;
  }
  render('older');
  return true;
}

/** Loads older pages until the timeline can scroll (or the history starts), so scrolling up can ask for more. */
async function fillTimeline() {
  const timeline = $('timeline');
  while (state.history === 'more' && timeline.scrollHeight <= timeline.clientHeight + 8) {
    const session = state.session;
    if (!(await loadOlder()) || session !== state.session) return;
  }
}

function renderHeader() {
  const room = currentRoom();
  $('room-title').textContent = `# ${room.id}`;
  $('room-mode').textContent = MODE_TEXT[room.mode];
  $('room-mode').dataset.mode = room.mode;
  $('room-about').textContent = room.about;
  $('message-input').placeholder = `Message #${room.id}`;
  for (const button of document.querySelectorAll('.room-link')) button.classList.toggle('active', button.dataset.room === room.id);
  $('me-name').textContent = state.name;
  $('me-id').textContent = state.userId || '…';
  paintAvatar($('me-avatar'), state.name, state.userId || state.name);
  document.title = `#${room.id} · momento-chat demo`;
}

async function closeSession() {
  clearTimeout(state.reconnectTimer);
  const session = state.session;
  state.session = undefined;
  await session?.close().catch(() => undefined);
}

/** Leaves the current room (if any) and joins `roomId` with fresh tokens. */
async function enter(roomId, { reconnecting = false } = {}) {
  const generation = ++state.generation;
  await closeSession();
  if (generation !== state.generation) return;
  state.roomId = roomId;
  saved.setItem('demo.room', roomId);
  state.history = 'more';
  showChat();
  renderHeader();
  setStatus(reconnecting ? 'reconnecting' : 'joining');
  render('bottom');
  try {
    const tokens = await fetchTokens({ roomId, name: state.name, session: state.signIn });
    if (generation !== state.generation) return;
    Object.assign(state, { userId: tokens.userId, signIn: tokens.session });
    saved.setItem('demo.user', tokens.userId);
    saved.setItem('demo.signIn', tokens.session);
    renderHeader();
    const refreshTokens = () => fetchTokens({ roomId, name: state.name, session: state.signIn });
    const session = openRoom({ config: state.config, room: currentRoom(), tokens, refreshTokens, name: state.name, onId: rememberSent });
    state.session = session;
    session.room.on('message', ({ message }) => {
      const timeline = $('timeline');
      const away = timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight > 48;
      render(isOwn(message) ? 'bottom' : undefined);
      if (away && !isOwn(message)) $('jump').hidden = false;
    });
    session.room.on('status', ({ status, previous }) => {
      if (session !== state.session) return;
      setStatus(status);
      // The room reconnects and renews its tokens by itself; it fails only when Momento refuses it for good
      // (a permission, a cache gone): try the whole join again, later.
      if (status === 'failed' && (previous === 'joined' || previous === 'reconnecting')) scheduleReconnect();
    });
    session.room.on('error', ({ error }) => toast(`${error.code}: ${error.message}`));
    await session.room.join();
    if (session !== state.session) return;
    state.reconnects = 0;
    state.history = session.room.hasMoreHistory ? 'more' : 'start';
    render('bottom');
    $('message-input').focus();
    await fillTimeline();
  } catch (error) {
    if (generation !== state.generation) return;
    setStatus('failed');
    toast(`Could not join #${roomId}: ${error.message}`);
  }
}

function scheduleReconnect() {
  const delay = RECONNECT_DELAYS_MS[Math.min(state.reconnects, RECONNECT_DELAYS_MS.length - 1)];
  state.reconnects += 1;
  setStatus('reconnecting');
  clearTimeout(state.reconnectTimer);
  state.reconnectTimer = setTimeout(() => enter(state.roomId, { reconnecting: true }), delay);
}

function updateComposer() {
  const input = $('message-input');
  const room = currentRoom();
  const length = [...input.value.trim()].length;
  $('send-button').disabled = input.disabled || length === 0;
  const { maxLength } = state.config.moderation;
  const counter = $('counter');
  const show = room.mode === 'moderated' && length > maxLength * 0.8;
  counter.textContent = show ? `${length} / ${maxLength}` : '';
  counter.classList.toggle('over', length > maxLength);
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
}

async function send() {
  const session = state.session;
  const input = $('message-input');
  const text = input.value.trim();
  if (!session || !text || session.room.status !== 'joined') return;
  input.value = '';
  updateComposer();
  const moderated = currentRoom().mode === 'moderated';
  // A moderated send waits for the moderator's answer: show it as on its way until then.
  const item = { roomId: session.room.roomId, text, at: Date.now(), state: 'pending' };
  if (moderated) {
    state.local.push(item);
    render('bottom');
  }
  try {
    await session.room.send(text);
    state.local = state.local.filter((other) => other !== item);
  } catch (error) {
    const code = isChatError(error) ? error.code : undefined;
    if (code === 'MESSAGE_REJECTED') Object.assign(item, { state: 'rejected', note: `Not posted: the moderator turned it down — ${error.reason}.` });
    else if (code === 'MODERATION_TIMEOUT') Object.assign(item, { state: 'unconfirmed', note: 'No answer from the moderator yet; it may still appear.' });
    else {
      state.local = state.local.filter((other) => other !== item);
      if (!input.value) input.value = text; // give the text back to fix and resend
      updateComposer();
      toast(`Could not send: ${error.message}`);
    }
  }
  if (session === state.session) render('bottom');
}

function showChat() {
  $('welcome').hidden = true;
  $('chat').hidden = false;
}

function showWelcome() {
  $('chat').hidden = true;
  $('welcome').hidden = false;
  $('name-input').value = state.name;
  const choice = document.querySelector(`input[name="room"][value="${CSS.escape(state.roomId)}"]`);
  if (choice) choice.checked = true;
  $('name-input').focus();
}

function wire() {
  $('welcome-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const name = $('name-input').value.trim();
    if (!name) return;
    state.name = name;
    saved.setItem('demo.name', name);
    void enter(new FormData($('welcome-form')).get('room') ?? 'lobby');
  });
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  $('message-input').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });
  $('message-input').addEventListener('input', updateComposer);
  $('timeline').addEventListener('scroll', () => {
    const timeline = $('timeline');
    if (timeline.scrollTop < 120) void loadOlder();
    if (timeline.scrollHeight - timeline.scrollTop - timeline.clientHeight < 48) $('jump').hidden = true;
  });
  $('jump').addEventListener('click', () => render('bottom'));
  $('reconnect').addEventListener('click', () => enter(state.roomId));
  const changeName = async () => {
    state.generation += 1;
    await closeSession();
    showWelcome();
  };
  $('change-name').addEventListener('click', changeName);
  $('me-avatar').addEventListener('click', changeName); // the only control left on narrow screens
}

async function start() {
  const response = await fetch('/api/config');
  state.config = await response.json();
  renderRoomLists($('room-choices'), $('room-list'), {
    rooms: state.config.rooms,
    current: state.roomId,
    // A click on the room this page is live in does nothing; any other (or a failed one) joins it.
    onOpen: (room) => (room.id !== state.roomId || state.session?.room.status !== 'joined' ? enter(room.id) : undefined),
  });
  wire();
  if (state.name) void enter(state.roomId);
  else showWelcome();
}

start().catch((error) => {
  document.body.replaceChildren(el('p', 'fatal', `The demo could not start: ${error.message}`));
});
