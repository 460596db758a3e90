/**
 * Where a room is in its life:
 * `initialized` → `joining` → `joined` → `left`. A joined room goes to `reconnecting` when its live
 * subscription breaks, and back to `joined` once it is live again and caught up from history; it goes
 * to `failed` when joining fails or Momento refuses it for good (permission, token, missing cache).
 * A left or failed room can join again.
 */
export type RoomStatus = 'initialized' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'failed';
