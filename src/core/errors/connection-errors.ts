// The errors of a connection that fails: a fatal close, retries run out, a sync that failed.
import { printable } from '../printable.js';
import { LifelineError, type LifelineErrorOptions } from './lifeline-error.js';

/**
 * The server closed with a code the close policy calls fatal (policy
 * violation, 4400-4499, an HTTP 401/403 at upgrade, an untrusted
 * certificate): the connection is `failed` until `retryNow()`.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/' });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_FATAL_CLOSE') {
 *     const { closeCode, reason } = error;
 *     console.error(closeCode, reason);
 *   }
 * });
 * connection.close();
 * ```
 */
export class FatalCloseError extends LifelineError {
  /** Always `ERR_LIFELINE_FATAL_CLOSE`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_FATAL_CLOSE';
  readonly closeCode: number;
  readonly reason: string;
  /** The HTTP status, when the server refused the upgrade (401, 403, 404 ...). */
  readonly status: number | undefined;

  constructor(
    closeCode: number,
    reason: string,
    options: LifelineErrorOptions & { status?: number } = {},
  ) {
    // The reason is the server's text: shown cleaned, kept raw in `reason`.
    const shown = printable(reason);
    const status = options.status;
    const refused =
      status === undefined || reason.includes(`HTTP ${status}`)
        ? ''
        : ` (the upgrade was refused with HTTP ${status})`;
    super(
      'ERR_LIFELINE_FATAL_CLOSE',
      `fatal close ${closeCode}${shown ? `: ${shown}` : ''}${refused}`,
      options,
    );
    this.name = 'FatalCloseError';
    this.closeCode = closeCode;
    this.reason = reason;
    this.status = options.status;
  }
}

/**
 * The connection gave up: `maxAttempts` reconnection attempts in a row
 * failed. It stays `failed` until `retryNow()` or the network comes back.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', maxAttempts: 2 });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_RETRIES_EXHAUSTED') {
 *     const { attempts, lastClose } = error;
 *     console.error(attempts, lastClose);
 *   }
 * });
 * ```
 */
export class RetriesExhaustedError extends LifelineError {
  /** Always `ERR_LIFELINE_RETRIES_EXHAUSTED`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_RETRIES_EXHAUSTED';
  /** How many reconnection attempts failed (the first attempt of a series not counted). */
  readonly attempts: number;
  /** How the last attempt ended. */
  readonly lastClose: { code: number; reason: string; status?: number } | null;

  constructor(
    attempts: number,
    lastClose: { code: number; reason: string; status?: number } | null,
  ) {
    const why = lastClose
      ? `; the last ended with ${lastClose.code}${lastClose.reason ? ` ${printable(lastClose.reason)}` : ''}`
      : '';
    super(
      'ERR_LIFELINE_RETRIES_EXHAUSTED',
      `gave up after ${attempts} reconnection attempts (maxAttempts)${why}`,
    );
    this.name = 'RetriesExhaustedError';
    this.attempts = attempts;
    this.lastClose = lastClose;
  }
}

/**
 * The `sync` function threw, rejected or ran past `syncTimeout`. The attempt
 * counts as failed and the connection backs off and tries again.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({
 *   url: 'ws://127.0.0.1:9/',
 *   sync: async () => {
 *     throw new Error('history service down');
 *   },
 * });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_SYNC_FAILED') {
 *     console.error((error).timedOut, error.cause);
 *   }
 * });
 * connection.close();
 * ```
 */
export class SyncFailedError extends LifelineError {
  /** Always `ERR_LIFELINE_SYNC_FAILED`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_SYNC_FAILED';
  /** True when the sync ran past `syncTimeout`; false when it threw or rejected (see `cause`). */
  readonly timedOut: boolean;

  constructor(message: string, timedOut: boolean, options: LifelineErrorOptions = {}) {
    super('ERR_LIFELINE_SYNC_FAILED', message, options);
    this.name = 'SyncFailedError';
    this.timedOut = timedOut;
  }
}
