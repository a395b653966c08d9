// The errors of a session server. They carry a stable `code` like the
// client's errors; they are a family of their own (`SessionServerError`), so
// the client's `ConnectionError` union stays what a client can meet.
import type { LifelineErrorOptions } from '../core/errors/index.js';

/**
 * The stable codes of a session server's errors:
 *
 * - `ERR_LIFELINE_UNKNOWN_CLIENT`: `send` named a client id without a session (`UnknownClientError`)
 * - `ERR_LIFELINE_SERVER_CLOSED`: the session server was closed (`SessionServerClosedError`)
 * - `ERR_LIFELINE_STORE_FAILED`: a session store call failed; the socket was closed with 4011 (`SessionStoreError`)
 * - `ERR_LIFELINE_HANDLER_FAILED`: `onMessage` or `authenticate` threw or rejected (`SessionHandlerError`)
 *
 * @example
 * ```ts
 * import type { SessionServerErrorCode } from 'lifeline-ws/server';
 *
 * const code: SessionServerErrorCode = 'ERR_LIFELINE_UNKNOWN_CLIENT';
 * ```
 */
export type SessionServerErrorCode =
  | 'ERR_LIFELINE_UNKNOWN_CLIENT'
  | 'ERR_LIFELINE_SERVER_CLOSED'
  | 'ERR_LIFELINE_STORE_FAILED'
  | 'ERR_LIFELINE_HANDLER_FAILED';

/**
 * The base class of a session server's errors: match on `error.code`.
 * Messages never contain a resume token.
 *
 * @example
 * ```ts
 * import { SessionServerError } from 'lifeline-ws/server';
 *
 * function report(error: unknown) {
 *   if (error instanceof SessionServerError) console.error(error.code, error.message);
 * }
 * ```
 */
export class SessionServerError extends Error {
  /** A stable identifier: match on this, not on the message. */
  readonly code: SessionServerErrorCode;

  constructor(code: SessionServerErrorCode, message: string, options: LifelineErrorOptions = {}) {
    super(message, options);
    this.name = 'SessionServerError';
    this.code = code;
  }
}

/**
 * `sessions.send(clientId, data)` named a client id that has no session
 * (never connected, or its session expired).
 *
 * @example
 * ```ts
 * sessions.send('nobody', 'hi').catch((error) => {
 *   if (error.code === 'ERR_LIFELINE_UNKNOWN_CLIENT') console.warn(error.clientId);
 * });
 * ```
 */
export class UnknownClientError extends SessionServerError {
  declare readonly code: 'ERR_LIFELINE_UNKNOWN_CLIENT';
  readonly clientId: string;

  constructor(clientId: string) {
    super('ERR_LIFELINE_UNKNOWN_CLIENT', `no session for client id ${JSON.stringify(clientId)}`);
    this.name = 'UnknownClientError';
    this.clientId = clientId;
  }
}

/**
 * The session server was closed: `send` rejects with this.
 *
 * @example
 * ```ts
 * await sessions.close();
 * await sessions.send('c1', 'late').catch((error) => error.code); // 'ERR_LIFELINE_SERVER_CLOSED'
 * ```
 */
export class SessionServerClosedError extends SessionServerError {
  declare readonly code: 'ERR_LIFELINE_SERVER_CLOSED';

  constructor() {
    super('ERR_LIFELINE_SERVER_CLOSED', 'the session server is closed');
    this.name = 'SessionServerClosedError';
  }
}

/**
 * A session store call failed (its error is the `cause`); the socket concerned
 * was closed with 4011 and the client retries.
 *
 * @example
 * ```ts
 * createSessionServer({ noServer: true, onMessage() {}, onError(error) {
 *   if (error.code === 'ERR_LIFELINE_STORE_FAILED') console.error(error.operation, error.cause);
 * } });
 * ```
 */
export class SessionStoreError extends SessionServerError {
  declare readonly code: 'ERR_LIFELINE_STORE_FAILED';
  /** The store call that failed: `get`, `acceptNext` ... */
  readonly operation: string;

  constructor(operation: string, cause: unknown) {
    super('ERR_LIFELINE_STORE_FAILED', `the session store failed in ${operation}`, { cause });
    this.name = 'SessionStoreError';
    this.operation = operation;
  }
}

/**
 * `onMessage` (the message counts as taken) or `authenticate` (the upgrade
 * was refused with HTTP 401) threw or rejected; its error is the `cause`.
 *
 * @example
 * ```ts
 * createSessionServer({ noServer: true, onMessage() { throw new Error('bug'); }, onError(error) {
 *   if (error.code === 'ERR_LIFELINE_HANDLER_FAILED') console.error(error.handler, error.cause);
 * } });
 * ```
 */
export class SessionHandlerError extends SessionServerError {
  declare readonly code: 'ERR_LIFELINE_HANDLER_FAILED';
  /** Which function failed. */
  readonly handler: 'onMessage' | 'authenticate';

  constructor(handler: 'onMessage' | 'authenticate', cause: unknown) {
    const what = handler === 'onMessage' ? 'the message counts as taken' : 'HTTP 401';
    super('ERR_LIFELINE_HANDLER_FAILED', `${handler} threw (${what})`, { cause });
    this.name = 'SessionHandlerError';
    this.handler = handler;
  }
}
