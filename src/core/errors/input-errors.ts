// The errors about input lifeline could not use, a frame or a callback's answer: reported, and the connection carries on.
import { LifelineError, type LifelineErrorOptions } from './lifeline-error.js';

/**
 * An inbound frame lifeline had to read (an ack, a message id) could not be
 * read. The frame is not delivered; the connection carries on.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', ack: true });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_INBOUND_FRAME') console.warn(error.message);
 * });
 * connection.close();
 * ```
 */
export class InboundFrameError extends LifelineError {
  /** Always `ERR_LIFELINE_INBOUND_FRAME`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_INBOUND_FRAME';
  constructor(message: string, options: LifelineErrorOptions = {}) {
    super('ERR_LIFELINE_INBOUND_FRAME', message, options);
    this.name = 'InboundFrameError';
  }
}

/**
 * A function passed as an option threw, or returned something it may not
 * (`random` outside [0, 1), a `classifyClose` result that is no disposition,
 * an `ack.stamp` frame that cannot be sent). lifeline carries on with its
 * default for that call; `option` names the function.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', random: () => 2 });
 * connection.onError((error) => {
 *   if (error.code === 'ERR_LIFELINE_CALLBACK') {
 *     console.error((error).option, error.message);
 *   }
 * });
 * connection.close();
 * ```
 */
export class UserCallbackError extends LifelineError {
  /** Always `ERR_LIFELINE_CALLBACK`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_CALLBACK';
  /** The option whose function misbehaved (`classifyClose`, `ack.stamp` ...). */
  readonly option: string;

  constructor(option: string, problem: string, options: LifelineErrorOptions = {}) {
    super('ERR_LIFELINE_CALLBACK', `\`${option}\` ${problem}`, options);
    this.name = 'UserCallbackError';
    this.option = option;
  }
}
