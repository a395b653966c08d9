import {
  type BackoffOptions,
  type ResolvedBackoffOptions,
  resolveBackoffOptions,
} from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import { type ClassifyClose, defaultClassifyClose } from './close-policy.js';
import { OptionTypeError } from './errors/index.js';
import {
  checkFunction,
  checkNumber,
  checkOptionsObject,
  maxTimerDelay,
  prefixed,
} from './validate.js';

/** The options the connection machine reads: its timers, its backoff and its close policy. */
export interface ConnectionMachineInput {
  /** How long to wait between attempts. See {@link BackoffOptions}. */
  backoff?: BackoffOptions;
  /**
   * Reconnection attempts in a series before giving up (`failed`). A series
   * restarts on RETRY and ONLINE, and the count resets once a connection has
   * proven itself (`stableAfter`).
   * @default Infinity
   */
  maxAttempts?: number;
  /**
   * How long an attempt may take to open, in ms, before it counts as failed.
   * @default 10000
   */
  connectTimeout?: number;
  /**
   * How long `sync` may take, in ms, before the attempt counts as failed.
   * @default 10000
   */
  syncTimeout?: number;
  /**
   * How long a synced connection must stay up, in ms, before the attempt count
   * resets. A server that accepts and drops at once sees the backoff grow.
   * `0` resets the count as soon as the connection is live (sync done), so a
   * server that accepts and then drops gets a reconnect at the first delay
   * every time.
   * @default 5000
   */
  stableAfter?: number;
  /**
   * Decides what a close code means: retry, fatal, or retry after a floor.
   * Must be pure. See {@link defaultClassifyClose}.
   * @default defaultClassifyClose
   */
  classifyClose?: ClassifyClose;
  /**
   * The one clock of the connection: the actor's timers run on it and
   * `retryAt` is stamped from its `now()`. Tests pass a simulated one.
   * @default systemClock
   */
  clock?: Clock;
}

/** The machine's options with defaults filled in and every value checked. */
export interface ConnectionConfig {
  readonly backoff: ResolvedBackoffOptions;
  readonly maxAttempts: number;
  readonly connectTimeout: number;
  readonly syncTimeout: number;
  readonly stableAfter: number;
  readonly classifyClose: ClassifyClose;
  readonly clock: Clock;
}

/** Names of the options {@link resolveConnectionConfig} accepts. */
export const connectionMachineOptionNames = [
  'backoff',
  'maxAttempts',
  'connectTimeout',
  'syncTimeout',
  'stableAfter',
  'classifyClose',
  'clock',
] as const;

/** A timeout: it must be able to pass at all. */
const timeout = { min: 0, above: true, max: maxTimerDelay } as const;
/** A wait that may be skipped: 0 means at once. */
const wait = { min: 0, max: maxTimerDelay } as const;

/**
 * Fills in defaults and checks every option of the machine, throwing an
 * `OptionTypeError` or `OptionRangeError` that names the first bad option.
 * The result is frozen; the machine takes it as its input.
 *
 * @example
 * ```ts
 * import { resolveConnectionConfig } from './machine-config.js'; // internal
 *
 * resolveConnectionConfig({ maxAttempts: 5 }).connectTimeout; // 10000
 * resolveConnectionConfig({ stableAfter: -1 }); // RangeError: `stableAfter` must be a finite number >= 0 ...
 * ```
 */
export function resolveConnectionConfig(input: ConnectionMachineInput = {}): ConnectionConfig {
  const given = checkOptionsObject('', input, connectionMachineOptionNames);
  return withClock(resolveClock(given.clock), {
    backoff: resolveBackoffOptions((given.backoff ?? {}) as BackoffOptions, 'backoff'),
    maxAttempts: checkNumber('maxAttempts', given.maxAttempts ?? Number.POSITIVE_INFINITY, {
      min: 1,
      integer: true,
      orInfinity: true,
    }),
    connectTimeout: checkNumber('connectTimeout', given.connectTimeout ?? 10_000, timeout),
    syncTimeout: checkNumber('syncTimeout', given.syncTimeout ?? 10_000, timeout),
    stableAfter: checkNumber('stableAfter', given.stableAfter ?? 5000, wait),
    classifyClose: checkFunction<ClassifyClose>(
      'classifyClose',
      given.classifyClose ?? defaultClassifyClose,
    ),
  });
}

/**
 * The config, frozen, with its clock attached but not enumerable: the clock
 * is a live object (a simulated clock's pending timers), not a fact about
 * the connection, so snapshots, the inspector and JSON leave it out.
 */
export function withClock(clock: Clock, config: Omit<ConnectionConfig, 'clock'>): ConnectionConfig {
  // Object.assign, not a spread: V8 (Node 20) gives every `{ ...config }` that then gains a
  // property a hidden class of its own, about 300 bytes per connection.
  return Object.freeze(
    Object.defineProperty(Object.assign({}, config), 'clock', { value: clock }),
  ) as ConnectionConfig;
}

/** The clock option: anything with `now`, `setTimeout` and `clearTimeout`. */
export function resolveClock(value: unknown): Clock {
  if (value === undefined) return systemClock;
  const clock = value as Partial<Clock>;
  for (const method of ['now', 'setTimeout', 'clearTimeout'] as const) {
    if (typeof value !== 'object' || value === null || typeof clock[method] !== 'function') {
      throw new OptionTypeError(
        prefixed('clock', method),
        'a function (a clock has now, setTimeout and clearTimeout)',
        typeof value === 'object' && value !== null ? clock[method] : value,
      );
    }
  }
  return clock as Clock;
}
