import { checkNumber, checkOptionsObject } from '../core/validate.js';

/** How fast a server lets clients in. */
export interface UpgradePacerOptions {
  /** WebSocket upgrades admitted per second, on average. */
  rate: number;
  /**
   * Upgrades admitted at once before pacing starts.
   * @default rate / 10, at least 1
   */
  burst?: number;
  /**
   * The clock, in ms. Tests pass a simulated one.
   * @default Date.now
   */
  now?: () => number;
}

/** A pacer's decision for one upgrade request. */
export type Admission =
  | { admitted: true }
  | {
      admitted: false;
      /** Seconds until this client's turn, rounded up, for the `Retry-After` header. */
      retryAfter: number;
      /** Milliseconds until this client's turn, for the `Retry-After-Ms` header. */
      retryAfterMs: number;
    };

/** The callback `ws`'s `verifyClient` hands over: accept, or refuse with a status and headers. */
export type VerifyClientCallback = (
  result: boolean,
  code?: number,
  name?: string,
  headers?: Record<string, string>,
) => void;

/** Admits WebSocket upgrades at a server's pace and tells everyone else when to return. */
export interface UpgradePacer {
  /** Decides for one upgrade request, now. */
  admit(): Admission;
  /**
   * A `verifyClient` for `new WebSocketServer({ verifyClient })`: refused
   * clients get HTTP 503 with a `Retry-After` (and `Retry-After-Ms`) that
   * gives each its own turn.
   */
  verifyClient(info: unknown, callback: VerifyClientCallback): void;
  /** Upgrades admitted and refused so far. */
  readonly counts: { admitted: number; refused: number };
}

/**
 * A token bucket for upgrades with a virtual queue: a client that finds no
 * token is told, in `Retry-After`, the time of the next free slot, and the
 * slot after it goes to the next refused client. A reconnecting fleet is thus
 * admitted at the server's pace instead of storming it. lifeline clients
 * read `Retry-After-Ms` and return at their slot (plus up to 100 ms of
 * spread); other clients get `Retry-After` in whole seconds, rounded up.
 *
 * @example
 * ```ts
 * import { WebSocketServer } from 'ws';
 * import { createUpgradePacer } from 'lifeline-ws/server';
 *
 * const pacer = createUpgradePacer({ rate: 100 });
 * const server = new WebSocketServer({ port: 0, host: '127.0.0.1', verifyClient: pacer.verifyClient });
 * server.close();
 * ```
 */
export function createUpgradePacer(options: UpgradePacerOptions): UpgradePacer {
  const given = checkOptionsObject('', options, ['rate', 'burst', 'now']);
  const rate = checkNumber('rate', given.rate, { min: 0, above: true });
  const burst = checkNumber('burst', given.burst ?? Math.max(1, rate / 10), { min: 1 });
  const now = (given.now ?? Date.now) as () => number;
  if (typeof now !== 'function') throw new TypeError('`now` must be a function');
  const interval = 1000 / rate;
  let tokens = burst;
  let refilledAt = now();
  /** The end of the last slot promised to a refused client. */
  let horizon = refilledAt;
  const counts = { admitted: 0, refused: 0 };

  const admit = (): Admission => {
    const at = now();
    tokens = Math.min(burst, tokens + (at - refilledAt) / interval);
    refilledAt = at;
    if (tokens >= 1) {
      tokens -= 1;
      counts.admitted += 1;
      return { admitted: true };
    }
    horizon = Math.max(horizon, at) + interval;
    counts.refused += 1;
    const wait = horizon - at;
    // Retry-After counts whole seconds, so it is rounded up: a client back before its slot finds no
    // token and is refused again. Retry-After-Ms gives the slot itself to clients that read it.
    return { admitted: false, retryAfter: Math.ceil(wait / 1000), retryAfterMs: Math.ceil(wait) };
  };

  return {
    admit,
    counts,
    verifyClient: (_info, callback) => {
      const admission = admit();
      if (admission.admitted) callback(true);
      else {
        callback(false, 503, 'Service Unavailable', {
          'Retry-After': String(admission.retryAfter),
          'Retry-After-Ms': String(admission.retryAfterMs),
        });
      }
    },
  };
}
