import { OptionRangeError, OptionTypeError } from './errors/index.js';

/** What a numeric option accepts. Every number must be finite unless `orInfinity`. */
export interface NumberRange {
  min: number;
  /** Inclusive upper bound. */
  max?: number;
  /** The minimum itself is not accepted. */
  above?: boolean;
  integer?: boolean;
  orInfinity?: boolean;
}

function describeRange(range: NumberRange): string {
  const kind = range.integer ? 'an integer' : 'a finite number';
  const upper = range.max === undefined ? '' : ` and <= ${range.max}`;
  const bound = `${range.above ? '>' : '>='} ${range.min}${upper}`;
  return `${kind} ${bound}${range.orInfinity ? ' or Infinity' : ''}`;
}

/**
 * The longest delay a timer keeps in Node and browsers (2^31 - 1 ms, about 24.8
 * days); a longer one fires at once.
 */
export const maxTimerDelay = 2_147_483_647;

/** Returns `value` when it is a number in `range`, else throws naming `option`. */
export function checkNumber(option: string, value: unknown, range: NumberRange): number {
  if (typeof value !== 'number') throw new OptionTypeError(option, describeRange(range), value);
  if (range.orInfinity && value === Number.POSITIVE_INFINITY) return value;
  const inRange =
    Number.isFinite(value) &&
    (range.above ? value > range.min : value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (!range.integer || Number.isInteger(value));
  if (!inRange) throw new OptionRangeError(option, describeRange(range), value);
  return value;
}

/** Returns `value` when it is a function, else throws naming `option`. */
export function checkFunction<T extends (...args: never[]) => unknown>(
  option: string,
  value: unknown,
): T {
  if (typeof value !== 'function') throw new OptionTypeError(option, 'a function', value);
  return value as T;
}

/** Returns `value` when it is one of `choices`, else throws naming `option` and the choices. */
export function checkOneOf<T extends string>(
  option: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T)) {
    const listed = choices.map((choice) => JSON.stringify(choice)).join(', ');
    throw new OptionTypeError(option, `one of ${listed}`, value);
  }
  return value as T;
}

/**
 * Returns `value` as a record when it is a plain object whose keys are all
 * known, so that a misspelt option fails loudly instead of being ignored.
 */
export function checkOptionsObject(
  option: string,
  value: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (option === '') {
      const expected = `an options object such as { ${known[0]}: ... }`;
      throw new OptionTypeError(
        'options',
        expected,
        value,
        `expected ${expected}, got ${shown(value)}`,
      );
    }
    throw new OptionTypeError(option, 'an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const path = option ? `${option}.${key}` : key;
      const expected = `one of ${known.join(', ')}`;
      throw new OptionTypeError(
        path,
        expected,
        (value as Record<string, unknown>)[key],
        `\`${path}\` is not an option (${expected})`,
      );
    }
  }
  return value as Record<string, unknown>;
}

/** Joins an option path: `prefixed('backoff', 'factor')` is `backoff.factor`. */
export function prefixed(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
