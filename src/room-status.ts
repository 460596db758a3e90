/**
 * Where a room is in its life:
 * `initialized` → `joining` → `joined` → `left`, or `failed` when joining or the live subscription fails.
 * A left or failed room can join again.
 */
export type RoomStatus = 'initialized' | 'joining' | 'joined' | 'left' | 'failed';
