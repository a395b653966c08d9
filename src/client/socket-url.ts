import { OptionTypeError } from '../core/errors/index.js';
import type { ConnectionOptions } from './options.js';

/** The `url` option: a ws:, wss:, http: or https: URL, or a function giving one. */
export function checkUrl(url: unknown): ConnectionOptions['url'] {
  if (typeof url === 'function') return url as ConnectionOptions['url'];
  const expected = 'a ws:, wss:, http: or https: URL, or a function returning one';
  if (typeof url !== 'string' && !(url instanceof URL))
    throw new OptionTypeError('url', expected, url);
  parseSocketUrl(String(url));
  return url;
}

/** Parses a URL a WebSocket can open, throwing an error that names `url` otherwise. */
export function parseSocketUrl(text: string): URL {
  const expected = 'a ws:, wss:, http: or https: URL';
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    if (/^(wss?|https?):\/\/\/*(?:[?#]|$)/i.test(text.trim())) {
      throw new OptionTypeError(
        'url',
        expected,
        redactUrl(text),
        `\`url\` has no host: "${redactUrl(text)}"`,
      );
    }
    throw new OptionTypeError('url', expected, redactUrl(text));
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) {
    throw new OptionTypeError('url', expected, redactUrl(text));
  }
  if (parsed.hash || text.includes('#')) {
    // A WebSocket refuses a URL with a fragment: every attempt would fail the same way.
    throw new OptionTypeError('url', `${expected} without a #fragment`, redactUrl(text));
  }
  return parsed;
}

/**
 * A URL with its credentials and query values hidden, for messages and
 * status: `wss://user:***@host/path?token=***`.
 *
 * @example
 * ```ts
 * import { redactUrl } from './socket-url.js'; // internal
 *
 * redactUrl('wss://me:secret@example.com/chat?token=abc'); // 'wss://me:***@example.com/chat?token=***'
 * ```
 */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, '***');
    if (url.hash) url.hash = '***';
    return url.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return text
      .replace(/\/\/[^/?]*@/, '//***@')
      .replace(/([?&][^=&#]*=)[^&#]*/g, '$1***')
      .replace(/#.*$/, '#***');
  }
}

/** RFC 7230 token characters: what the Sec-WebSocket-Protocol header allows. */
