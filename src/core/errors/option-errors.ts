import type { LifelineErrorCode } from './lifeline-error.js';

/** How an option error shows the value it rejected. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function optionMessage(option: string, expected: string, value: unknown): string {
  return `\`${option}\` must be ${expected}, got ${describe(value)}`;
}

/**
 * An option of the wrong type (a string where a number is expected, an
 * unknown name). Thrown before anything starts. It is a `TypeError`, not a
 * `LifelineError`: match it on `code`, `'ERR_LIFELINE_INVALID_OPTION'`.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * try {
 *   createConnection({ url: 'ws://127.0.0.1:9/', backoff: { jitter: 'random' as never } });
 * } catch (error) {
 *   if ((error as { code?: unknown }).code === 'ERR_LIFELINE_INVALID_OPTION') {
 *     console.error((error as Error).message);
 *     // `backoff.jitter` must be one of "none", "full", "equal", "decorrelated", got "random"
 *   }
 * }
 * ```
 */
export class OptionTypeError extends TypeError {
  readonly code = 'ERR_LIFELINE_INVALID_OPTION' as const satisfies LifelineErrorCode;
  /** The option's path, as the user wrote it (`backoff.factor`). */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;

  constructor(option: string, expected: string, value: unknown, message?: string) {
    super(message ?? optionMessage(option, expected, value));
    this.name = 'OptionTypeError';
    this.option = option;
    this.value = value;
  }
}

/**
 * A number outside the accepted range (negative, NaN, Infinity where a finite
 * number is needed, a factor below 1). Thrown before anything starts. It is a
 * `RangeError`, not a `LifelineError`: match it on `code`,
 * `'ERR_LIFELINE_INVALID_OPTION'`.
 *
 * @example
 * ```ts
 * import { resolveBackoffOptions } from '../backoff.js'; // internal
 *
 * resolveBackoffOptions({ initialDelay: Number.NaN });
 * // OptionRangeError: `initialDelay` must be a finite number >= 0, got NaN
 * ```
 */
export class OptionRangeError extends RangeError {
  readonly code = 'ERR_LIFELINE_INVALID_OPTION' as const satisfies LifelineErrorCode;
  /** The option's path, as the user wrote it (`backoff.factor`). */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;

  constructor(option: string, expected: string, value: unknown) {
    super(optionMessage(option, expected, value));
    this.name = 'OptionRangeError';
    this.option = option;
    this.value = value;
  }
}
