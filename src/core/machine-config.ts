import {
  type BackoffOptions,
  type ResolvedBackoffOptions,
  resolveBackoffOptions,
} from './backoff.js';
import { type ClassifyClose, defaultClassifyClose } from './close-policy.js';
import { checkFunction, checkNumber, checkOptionsObject, maxTimerDelay } from './validate.js';

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
   * The clock the machine stamps `retryAt` with. Pass the same clock as the actor's.
   * @default Date.now
   */
  now?: () => number;
}

/** The machine's options with defaults filled in and every value checked. */
export interface ConnectionConfig {
  readonly backoff: ResolvedBackoffOptions;
  readonly maxAttempts: number;
  readonly connectTimeout: number;
  readonly syncTimeout: number;
  readonly stableAfter: number;
  readonly classifyClose: ClassifyClose;
  readonly now: () => number;
}

/** Names of the options {@link resolveConnectionConfig} accepts. */
export const connectionMachineOptionNames = [
  'backoff',
  'maxAttempts',
  'connectTimeout',
  'syncTimeout',
  'stableAfter',
  'classifyClose',
  'now',
] as const;

const resolved = new WeakSet<object>();
/** A timeout: it must be able to pass at all. */
const timeout = { min: 0, above: true, max: maxTimerDelay } as const;
/** A wait that may be skipped: 0 means at once. */
const wait = { min: 0, max: maxTimerDelay } as const;

/**
 * Fills in defaults and checks every option of the machine, throwing an
 * `OptionTypeError` or `OptionRangeError` that names the first bad option.
 * `known` lists extra option names an enclosing API accepts (they are ignored here).
 *
 * @example
 * ```ts
 * import { resolveConnectionConfig } from 'lifeline-ws';
 *
 * resolveConnectionConfig({ maxAttempts: 5 }).connectTimeout; // 10000
 * resolveConnectionConfig({ stableAfter: -1 }); // RangeError: `stableAfter` must be a finite number >= 0 ...
 * ```
 */
export function resolveConnectionConfig(
  input: ConnectionMachineInput | ConnectionConfig = {},
  known: readonly string[] = [],
): ConnectionConfig {
  if (resolved.has(input)) return input as ConnectionConfig;
  const given = checkOptionsObject('', input, [...connectionMachineOptionNames, ...known]);
  const config: ConnectionConfig = Object.freeze({
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
    now: checkFunction<() => number>('now', given.now ?? Date.now),
  });
  resolved.add(config);
  return config;
}
