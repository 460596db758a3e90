import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The system's Chromium (Debian's `chromium` package): playwright-core downloads no browser of its own. */
const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * How long a page action or wait may take. Playwright's own default (30 s) is longer than a test may run
 * (vitest's 20 s), so a stuck wait would end as a bare test timeout and go on waiting after the test.
 */
const ACTION_TIMEOUT_MS = 10_000;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Chromium that runs for one test file; its pages are closed after each test. */
export interface TestBrowser {
  /** Opens a page at `url`. It is closed after the current test. */
  open(url: string): Promise<Page>;
  /** Uncaught exceptions of the pages of the current test, as `url: message`. */
  readonly pageErrors: string[];
}

/**
 * Launches Chromium before the tests of the file (headless, in a fresh profile of its own) and closes it
 * after them, removing the profile.
 */
export function useBrowser(): TestBrowser {
  let context: BrowserContext | undefined;
  let profile: string | undefined;
  const pages: Page[] = [];
  const pageErrors: string[] = [];
  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), 'momento-chat-chromium-'));
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1100, height: 760 },
        locale: 'en-US',
      });
    } catch (error) {
      throw new Error(`unable to launch Chromium at ${CHROMIUM_PATH}; install Debian's package: apt-get install chromium`, { cause: error });
    }
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  }, 30_000);
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.close()));
    pageErrors.length = 0;
  });
  afterAll(async () => {
    try {
      await context?.close();
    } finally {
      if (profile) await rm(profile, { recursive: true, force: true });
    }
  });
  return {
    async open(url) {
      if (!context) throw new Error('the browser runs from beforeAll to afterAll');
      const page = await context.newPage();
      pages.push(page);
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      await page.goto(url);
      return page;
    },
    pageErrors,
  };
}
