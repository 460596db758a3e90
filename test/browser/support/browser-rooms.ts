import type { OpenOptions } from '../page/chat-harness.js';
import { useBrowser, type TestBrowser } from './browser.js';
import { harnessOf, useHarnessServer, type RemoteHarness } from './harness-server.js';
import { useMomento, type MomentoSide, type Mode } from './momento.js';

/** What a file of room tests in Chromium works with. */
export interface BrowserRooms {
  /** The local server with its token backend, Node users and moderators. */
  readonly side: MomentoSide;
  /** Chromium, with the page errors of the current test. */
  readonly browser: TestBrowser;
  /**
   * Opens the page of one browser user and builds its room (not joined) from tokens vended for `userId`.
   * @param options what the page's room is built with; `tokenRoomId` vends the tokens of another room.
   */
  browserUser(roomId: string, userId: string, options?: Partial<OpenOptions> & { tokenRoomId?: string }): Promise<RemoteHarness>;
}

/** The local server, the test page's server and Chromium, from before the file's tests to after them; users join rooms of `mode`. */
export function useBrowserRooms(mode: Mode): BrowserRooms {
  const side = useMomento();
  const server = useHarnessServer();
  const browser = useBrowser();
  return {
    side,
    browser,
    async browserUser(roomId, userId, options = {}) {
      const chat = await harnessOf(await browser.open(server.url));
      await chat.open(await side.browserOptions({ mode, roomId, userId, ...options }));
      return chat;
    },
  };
}
