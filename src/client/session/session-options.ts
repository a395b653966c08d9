import { OptionTypeError } from '../../core/errors/index.js';
import { checkNumber, checkOptionsObject, maxTimerDelay } from '../../core/validate.js';

/**
 * Session mode: the lifeline session protocol (docs/protocol.md), with
 * exactly-once delivery both ways across drops and reconnects.
 */
export interface SessionOptions {
  /**
   * The client id (1-256 characters) named in `hello`.
   * @default a random UUID, once per connection object
   */
  clientId?: string;
  /**
   * Acknowledge processed downstream messages after this many.
   * @default 32
   */
  ackEvery?: number;
  /**
   * Or this long after the first unacknowledged one, in ms.
   * @default 50
   */
  ackDelay?: number;
}

/** Session options with defaults filled in and every value checked. */
export interface ResolvedSessionOptions {
  clientId: string | undefined;
  ackEvery: number;
  ackDelay: number;
}

/** The longest client id the protocol allows. */
const maxClientIdLength = 256;

/**
 * Checks the `session` option and how it combines with `ack` and
 * `binaryType`; null when session mode is off.
 *
 * @example
 * ```ts
 * import { resolveSessionOptions } from './session-options.js'; // internal
 *
 * resolveSessionOptions(true, undefined, undefined)?.ackEvery; // 32
 * resolveSessionOptions({ ackEvery: 0 }, undefined, undefined); // RangeError: `session.ackEvery` must be ...
 * ```
 */
export function resolveSessionOptions(
  value: unknown,
  ack: unknown,
  binaryType: unknown,
): ResolvedSessionOptions | null {
  if (value === undefined || value === false) return null;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new OptionTypeError(
      'session',
      'true, false, or an object such as { clientId, ackEvery, ackDelay }',
      value,
    );
  }
  if (ack !== undefined && ack !== false) {
    throw new OptionTypeError(
      'ack',
      'left out with `session` (the session protocol has its own acks)',
      ack,
    );
  }
  if (binaryType !== undefined && binaryType !== 'arraybuffer' && binaryType !== 'nodebuffer') {
    throw new OptionTypeError(
      'binaryType',
      "'arraybuffer' or 'nodebuffer' with `session` (frames must be read synchronously)",
      binaryType,
    );
  }
  const given = checkOptionsObject('session', value === true ? {} : value, [
    'clientId',
    'ackEvery',
    'ackDelay',
  ]);
  const clientId = given.clientId;
  if (
    clientId !== undefined &&
    (typeof clientId !== 'string' || clientId.length === 0 || clientId.length > maxClientIdLength)
  ) {
    throw new OptionTypeError(
      'session.clientId',
      `a string of 1 to ${maxClientIdLength} characters`,
      clientId,
    );
  }
  return {
    clientId: clientId as string | undefined,
    ackEvery: checkNumber('session.ackEvery', given.ackEvery ?? 32, {
      min: 1,
      integer: true,
    }),
    ackDelay: checkNumber('session.ackDelay', given.ackDelay ?? 50, {
      min: 0,
      max: maxTimerDelay,
    }),
  };
}
