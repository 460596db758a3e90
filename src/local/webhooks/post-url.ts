import { invalidArgument } from '../status-error.js';

/** The hosts a webhook may point at: the local server only ever sends traffic to this machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a webhook's `post_url`: an absolute http or https URL on a loopback host.
 * WHATWG parsing lowercases the host and normalises `127.1` to `127.0.0.1`, so spellings cannot slip past.
 * @throws INVALID_ARGUMENT with what to change.
 */
export function checkPostUrl(raw: string): void {
  if (!raw) throw invalidArgument('unable to put webhook; the destination post_url is empty');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidArgument(`unable to put webhook; post_url is not an absolute URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidArgument(`unable to put webhook; post_url must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    throw invalidArgument(
      `unable to put webhook; the local server only posts to 127.0.0.1, localhost or [::1], not ${url.hostname}: ` +
        'run the receiver on this machine',
    );
  }
}
