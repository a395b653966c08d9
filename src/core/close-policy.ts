/** A close as the client saw it: the code and reason of the close frame (1006 when there was none). */
export interface CloseInfo {
  code: number;
  reason: string;
  /** The HTTP status, when the server refused the upgrade (503, 401 ...). */
  status?: number;
}

/**
 * What to do after a close: reconnect with backoff, give up (`failed`), or
 * reconnect no sooner than `delay` ms.
 */
export type CloseDisposition =
  | { action: 'retry' }
  | { action: 'fatal' }
  | { action: 'retry-after'; delay: number };

/** Decides what a close means. Must be pure: the statechart calls it in guards. */
export type ClassifyClose = (close: CloseInfo) => CloseDisposition;

/**
 * The floor on the next delay after a 1013 (Try Again Later) whose reason names no time, in ms.
 *
 * @example
 * ```ts
 * import { defaultClassifyClose } from 'lifeline-ws';
 * import { tryAgainLaterDelay } from './close-policy.js'; // internal
 *
 * defaultClassifyClose({ code: 1013, reason: '' }); // { action: 'retry-after', delay: tryAgainLaterDelay }
 * ```
 */
export const tryAgainLaterDelay = 5000;

/**
 * Codes after which reconnecting cannot help: the same client would be
 * refused again (policy violation, protocol or payload errors, a message too
 * big to ever send, a failed TLS handshake, the registered 3000 Unauthorized
 * and 3003 Forbidden).
 */
/** 4xx answers to an upgrade that say "not now" rather than "never": request timeout, too early, too many requests. */
const retriedStatuses = new Set([408, 425, 429]);

const fatalCodes = new Set([1002, 1003, 1007, 1008, 1009, 1010, 1015, 3000, 3003]);

function secondsNamedIn(reason: string): number | undefined {
  const match = /^\s*(?:retry[ -]?after\s*[:=]?\s*)?(\d{1,6})\s*s?\s*$/i.exec(reason);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1000;
}

/**
 * lifeline's default close policy. Retry: 1000, 1001, 1005, 1006, 1011, 1012,
 * 1014 and every other code. Fatal: 1002, 1003, 1007, 1008, 1009, 1010, 1015,
 * 3000, 3003 and 4400-4499 (the application's "4xx: your fault" range).
 * Retry after a floor: 1013 (Try Again Later), for the seconds its reason
 * names (`"30"` or `"retry after 30"`), else 5 s. An upgrade refused with
 * an HTTP 4xx status is fatal (401, 403, a 404 from a mistyped path), except
 * 408, 425 and 429, which are retried like any 5xx (503 with its
 * `Retry-After`, 502 during a deploy). The HTTP status is known only with
 * Node's `ws`: a browser's WebSocket reports every refused upgrade as 1006.
 *
 * A 1009 (message too big) is fatal here, but the connection first looks
 * for the message that caused it: when it finds one, it rejects that message
 * and retries instead.
 *
 * @example
 * ```ts
 * import { defaultClassifyClose } from 'lifeline-ws';
 *
 * defaultClassifyClose({ code: 1006, reason: '' }); // { action: 'retry' }
 * defaultClassifyClose({ code: 4401, reason: 'bad token' }); // { action: 'fatal' }
 * defaultClassifyClose({ code: 1013, reason: 'retry after 30' }); // { action: 'retry-after', delay: 30000 }
 * ```
 */
export const defaultClassifyClose: ClassifyClose = ({ code, reason, status }) => {
  // A refused upgrade: 4xx says the request is wrong (a bad path, no permission), except these.
  if (status !== undefined && status >= 400 && status < 500 && !retriedStatuses.has(status)) {
    return { action: 'fatal' };
  }
  if (code === 1013) {
    return { action: 'retry-after', delay: secondsNamedIn(reason) ?? tryAgainLaterDelay };
  }
  if (fatalCodes.has(code) || (code >= 4400 && code <= 4499)) return { action: 'fatal' };
  return { action: 'retry' };
};

/**
 * Whether `value` is a close disposition a policy may return.
 *
 * @example
 * ```ts
 * import { isCloseDisposition } from './close-policy.js'; // internal
 *
 * isCloseDisposition({ action: 'retry-after', delay: 3000 }); // true
 * isCloseDisposition({ action: 'maybe' }); // false
 * ```
 */
export function isCloseDisposition(value: unknown): value is CloseDisposition {
  if (typeof value !== 'object' || value === null) return false;
  const { action, delay } = value as { action?: unknown; delay?: unknown };
  if (action === 'retry' || action === 'fatal') return true;
  return action === 'retry-after' && typeof delay === 'number' && delay >= 0;
}
