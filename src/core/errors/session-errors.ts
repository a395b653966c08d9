// The errors of the session protocol: what exactly-once could not hold.
import { LifelineError } from './lifeline-error.js';

/**
 * Why a session client must resync from its source of truth: the server's
 * `welcome` said `reset` (`epoch-changed`, `history-trimmed`,
 * `offset-ahead`), the server lost upstream messages it had acknowledged
 * (`upstream-lost`), or it rejected the session and the client started a
 * fresh one after having received messages (`session-rejected`).
 */
export type ResyncReason =
  | 'epoch-changed'
  | 'history-trimmed'
  | 'offset-ahead'
  | 'upstream-lost'
  | 'session-rejected';

/**
 * A session client (`session: true`) cannot resume exactly where it was:
 * downstream messages were lost to it, or the server lost upstream ones.
 * Reported on `onError` before any later message is delivered; `status.reset`
 * stays true until `connection.acknowledgeReset()`. Reload the state from
 * your source of truth, then acknowledge.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', session: true });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_RESYNC_REQUIRED') {
 *     console.warn('reload everything:', error.reason, error.epoch, error.offset);
 *     connection.acknowledgeReset();
 *   }
 * });
 * connection.close();
 * ```
 */
export class ResyncRequiredError extends LifelineError {
  /** Always `ERR_LIFELINE_RESYNC_REQUIRED`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_RESYNC_REQUIRED';
  /** Why the client must resync. */
  readonly reason: ResyncReason;
  /** The epoch of the stream the client continues in, when it has one. */
  readonly epoch: string | undefined;
  /** The downstream offset the client continues after, when known. */
  readonly offset: number | undefined;

  constructor(reason: ResyncReason, epoch?: string, offset?: number) {
    super('ERR_LIFELINE_RESYNC_REQUIRED', `the session cannot resume exactly: ${explain(reason)}`);
    this.name = 'ResyncRequiredError';
    this.reason = reason;
    this.epoch = epoch;
    this.offset = offset;
  }
}

function explain(reason: ResyncReason): string {
  switch (reason) {
    case 'epoch-changed':
      return 'epoch-changed (the server lost the stream; messages may have been missed)';
    case 'history-trimmed':
      return 'history-trimmed (messages older than the server keeps were missed)';
    case 'offset-ahead':
      return "offset-ahead (the client's offset is past the server's stream)";
    case 'upstream-lost':
      return 'upstream-lost (the server lost messages it had acknowledged)';
    case 'session-rejected':
      return 'session-rejected (a fresh session started; messages may have been missed)';
  }
}
