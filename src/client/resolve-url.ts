import { describeError } from '../core/describe-error.js';
import { UserCallbackError } from '../core/errors/index.js';
import type { ResolvedConnectionOptions } from './options.js';
import { parseSocketUrl, redactUrl } from './socket-url.js';
import type { WebSocketConstructor } from './websocket-like.js';

let defaultConstructor: Promise<WebSocketConstructor> | undefined;

/** The global WebSocket where there is one, else `ws` (loaded only then). */
export function platformWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  // Node 22's global WebSocket cannot send ping frames or take `ca`: in Node, `ws` is the better socket.
  const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (global && !inNode) return Promise.resolve(global);
  defaultConstructor ??= import('ws').then(
    (module) => (module.default ?? module) as unknown as WebSocketConstructor,
  );
  return defaultConstructor;
}

/** What the `url` option gave for this attempt: a URL to open, or why there is none. */
export type UrlOutcome = { url: string } | { failed: UserCallbackError } | { unusable: string };

/** Calls the `url` option (a URL, or a function that gives one) for this attempt. */
export async function resolveUrl(url: ResolvedConnectionOptions['url']): Promise<UrlOutcome> {
  if (typeof url !== 'function') return { url: parseSocketUrl(String(url)).toString() };
  let value: unknown;
  try {
    value = await url();
  } catch (error) {
    // No `cause`: the thrown error may quote the URL with its credentials; the message is redacted.
    const problem = `failed: ${redactUrl(describeError(error))}`;
    return { failed: new UserCallbackError('url', problem) };
  }
  try {
    if (typeof value !== 'string' && !(value instanceof URL)) {
      throw new TypeError(`returned ${describeError(value)}, not a URL`);
    }
    return { url: parseSocketUrl(String(value)).toString() };
  } catch (error) {
    // The same answer next time: retrying would only repeat the failure.
    return { unusable: `url() gave no usable WebSocket URL: ${describeError(error)}` };
  }
}
