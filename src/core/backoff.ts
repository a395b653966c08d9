import { OptionRangeError } from './errors/index.js';
import {
  checkFunction,
  checkNumber,
  checkOneOf,
  checkOptionsObject,
  maxTimerDelay,
  prefixed,
} from './validate.js';

/**
 * The jitter strategies, in the order the docs present them.
 *
 * @example
 * ```ts
 * import { jitterStrategies } from './backoff.js'; // internal
 *
 * jitterStrategies.includes('equal'); // true
 * ```
 */
export const jitterStrategies = ['none', 'full', 'equal', 'decorrelated'] as const;

/**
 * How a delay is randomised around the exponential ceiling:
 * - `none`: exactly the ceiling (every client that dropped together retries together);
 * - `full`: uniform in [0, ceiling];
 * - `equal`: uniform in [ceiling / 2, ceiling];
 * - `decorrelated`: uniform in [initialDelay, 3 x previous delay], capped at maxDelay.
 */
export type Jitter = (typeof jitterStrategies)[number];

/** How long to wait between reconnection attempts. */
export interface BackoffOptions {
  /**
   * Delay before the first retry, in ms.
   * @default 1000
   */
  initialDelay?: number;
  /**
   * Growth of the ceiling per attempt (at least 1).
   * @default 2
   */
  factor?: number;
  /**
   * The cap on any delay, in ms (at least `initialDelay`, at most 2^31 - 1).
   * @default 60000
   */
  maxDelay?: number;
  /**
   * The jitter strategy. The default spreads clients that dropped together
   * while keeping at least half of each delay, so the schedule still grows.
   * @default 'equal'
   */
  jitter?: Jitter;
  /**
   * Source of randomness, returning a number in [0, 1). Inject one for exact tests.
   * @default Math.random
   */
  random?: () => number;
}

/** Backoff options with every default filled in and every value checked. */
export type ResolvedBackoffOptions = Readonly<Required<BackoffOptions>>;

/**
 * The defaults: the schedule 1, 2, 4, 8, 16, 32, 60, 60 s ... with equal
 * jitter (each delay uniform in [ceiling / 2, ceiling]).
 *
 * @example
 * ```ts
 * import { defaultBackoffOptions } from './backoff.js'; // internal
 *
 * defaultBackoffOptions.maxDelay; // 60000
 * ```
 */
export const defaultBackoffOptions: ResolvedBackoffOptions = Object.freeze({
  initialDelay: 1000,
  factor: 2,
  maxDelay: 60_000,
  jitter: 'equal',
  random: Math.random,
});

const backoffOptionNames = ['initialDelay', 'factor', 'maxDelay', 'jitter', 'random'] as const;

/**
 * Fills in defaults and checks every option, throwing an `OptionTypeError` or
 * `OptionRangeError` that names the option, its value and the accepted range.
 * `path` prefixes the names (`backoff.factor`) when the options are nested.
 *
 * @example
 * ```ts
 * import { resolveBackoffOptions } from './backoff.js'; // internal
 *
 * resolveBackoffOptions({ jitter: 'none' }).maxDelay; // 60000
 * resolveBackoffOptions({ factor: 0.5 }); // RangeError: `factor` must be a finite number >= 1, got 0.5
 * ```
 */
export function resolveBackoffOptions(
  options: BackoffOptions = {},
  path = '',
): ResolvedBackoffOptions {
  const given = checkOptionsObject(path, options, backoffOptionNames);
  const name = (key: string) => prefixed(path, key);
  const initialDelay = checkNumber(
    name('initialDelay'),
    given.initialDelay ?? defaultBackoffOptions.initialDelay,
    { min: 0, max: maxTimerDelay },
  );
  const factor = checkNumber(name('factor'), given.factor ?? defaultBackoffOptions.factor, {
    min: 1,
  });
  const maxDelay = checkNumber(name('maxDelay'), given.maxDelay ?? defaultBackoffOptions.maxDelay, {
    min: initialDelay,
    max: maxTimerDelay,
  });
  const jitter = checkOneOf(
    name('jitter'),
    given.jitter ?? defaultBackoffOptions.jitter,
    jitterStrategies,
  );
  const random = checkFunction<() => number>(
    name('random'),
    given.random ?? defaultBackoffOptions.random,
  );
  if (jitter === 'decorrelated' && initialDelay === 0) {
    // Decorrelated jitter grows from initialDelay: from 0 it would retry at once forever.
    throw new OptionRangeError(
      name('initialDelay'),
      'a finite number > 0 when jitter is "decorrelated"',
      initialDelay,
    );
  }
  return Object.freeze({ initialDelay, factor, maxDelay, jitter, random });
}

function checkAttempt(attempt: number): number {
  return checkNumber('attempt', attempt, { min: 0, integer: true });
}

/**
 * The schedule without jitter: `min(initialDelay * factor ** (attempt - 1), maxDelay)`.
 * Attempts 0 and 1 both give `initialDelay`. Never Infinity or NaN, even at attempt 10,000.
 *
 * @example
 * ```ts
 * import { exponentialDelay } from './backoff.js'; // internal
 *
 * [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => exponentialDelay(attempt));
 * // [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]
 * ```
 */
export function exponentialDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialDelay, factor, maxDelay } = resolveBackoffOptions(options);
  return ceilingFor(checkAttempt(attempt), initialDelay, factor, maxDelay);
}

function ceilingFor(attempt: number, initialDelay: number, factor: number, maxDelay: number) {
  if (initialDelay === 0) return 0;
  const raw = initialDelay * factor ** Math.max(0, attempt - 1);
  return Math.min(raw, maxDelay);
}

function draw(random: () => number): number {
  const value = random();
  if (!(value >= 0 && value <= 1)) {
    throw new OptionRangeError('random', 'a function returning a number in [0, 1)', value);
  }
  return value;
}

type Strategy = (ceiling: number, previous: number, options: ResolvedBackoffOptions) => number;

const strategies: Record<Jitter, Strategy> = {
  none: (ceiling) => ceiling,
  full: (ceiling, _previous, { random }) => draw(random) * ceiling,
  equal: (ceiling, _previous, { random }) => ceiling / 2 + (draw(random) * ceiling) / 2,
  decorrelated: (_ceiling, previous, { initialDelay, maxDelay, random }) => {
    const upper = Math.max(initialDelay, previous * 3);
    return Math.min(maxDelay, initialDelay + draw(random) * (upper - initialDelay));
  },
};

/**
 * The delay before `attempt` (1 for the first retry), with the configured
 * jitter. `previousDelay` feeds the decorrelated strategy; a new series
 * (attempt 0 or 1) starts from `initialDelay`. The result, in ms, is always
 * within [0, maxDelay].
 *
 * @example
 * ```ts
 * import { nextDelay, resolveBackoffOptions } from './backoff.js'; // internal
 *
 * const options = resolveBackoffOptions({ jitter: 'equal', random: () => 0.5 });
 * nextDelay(3, 0, options); // 3000: halfway between 2000 and 4000
 * ```
 */
export function nextDelay(
  attempt: number,
  previousDelay: number,
  options: ResolvedBackoffOptions,
): number {
  const { initialDelay, factor, maxDelay, jitter } = options;
  const ceiling = ceilingFor(checkAttempt(attempt), initialDelay, factor, maxDelay);
  const previous = attempt <= 1 ? initialDelay : previousDelay;
  return strategies[jitter](ceiling, previous, options);
}

/**
 * One step of a backoff series: the delay before `attempt`, and the step after it.
 * A tiny immutable value, as in cockatiel.
 */
export interface Backoff {
  /** The attempt this delay precedes (1 is the first retry). */
  readonly attempt: number;
  /** Milliseconds to wait before this attempt. */
  readonly duration: number;
  /** The following step; this one is unchanged. */
  next(): Backoff;
}

/**
 * A backoff series starting at the first retry, for use outside the machine.
 *
 * @example
 * ```ts
 * import { backoff } from 'lifeline-ws';
 *
 * const first = backoff({ jitter: 'none' });
 * first.duration; // 1000
 * first.next().next().duration; // 4000
 * ```
 */
export function backoff(options: BackoffOptions = {}): Backoff {
  const resolved = resolveBackoffOptions(options);
  const step = (attempt: number, previous: number): Backoff => {
    const duration = nextDelay(attempt, previous, resolved);
    return { attempt, duration, next: () => step(attempt + 1, duration) };
  };
  return step(1, resolved.initialDelay);
}
