import { nextDelay, type ResolvedBackoffOptions } from './backoff.js';
import {
  type CloseDisposition,
  type CloseInfo,
  defaultClassifyClose,
  isCloseDisposition,
} from './close-policy.js';
import type { ConnectionConfig } from './machine-config.js';
import type { ConnectionContext, DropEvent } from './machine-types.js';
import { maxTimerDelay } from './validate.js';

/**
 * The most jitter added to a server's schedule or floor, in ms, unless the
 * event says how precise it is: `Retry-After` counts whole seconds.
 */
export const retryAfterSpread = 1000;

/** The close a DROP reports. */
export function closeOf({ code, reason, status }: DropEvent): CloseInfo {
  return status === undefined ? { code, reason } : { code, reason, status };
}

/**
 * The close policy's verdict on each DROP, per configuration. A DROP is read
 * twice (the guard `isFatalClose`, then the action `recordClose`), and the
 * policy must be asked once: createConnection reports each call of a broken
 * policy, and a user should see one report per drop, not two.
 */
const verdicts = new WeakMap<ConnectionConfig, WeakMap<DropEvent, CloseDisposition>>();

/** The close policy's verdict; a policy that throws or answers nonsense yields to the default. */
export function classify(config: ConnectionConfig, event: DropEvent): CloseDisposition {
  // The transport's own verdict comes first: it knows which message caused a 1009, or that url() is unusable.
  if (event.verdict && isCloseDisposition(event.verdict)) return event.verdict;
  let known = verdicts.get(config);
  if (!known) {
    known = new WeakMap();
    verdicts.set(config, known);
  }
  const remembered = known.get(event);
  if (remembered) return remembered;
  const disposition = askPolicy(config, closeOf(event));
  known.set(event, disposition);
  return disposition;
}

function askPolicy(config: ConnectionConfig, close: CloseInfo): CloseDisposition {
  try {
    const disposition = config.classifyClose(close);
    if (isCloseDisposition(disposition)) return disposition;
  } catch {
    // Reported by createConnection, which wraps the function; here it only must not throw.
  }
  return defaultClassifyClose(close);
}

/** A random spread of up to `precision` ms on a server's schedule (none without jitter). */
export function spreadFor(backoff: ResolvedBackoffOptions, precision = retryAfterSpread): number {
  return backoff.jitter === 'none' ? 0 : safeRandom(backoff) * precision;
}

/** The user's random source where it behaves, else Math.random: a bad draw must not stop reconnecting. */
function safeRandom(backoff: ResolvedBackoffOptions): number {
  try {
    const value = backoff.random();
    if (value >= 0 && value <= 1) return value;
  } catch {
    // Reported by createConnection, which wraps the function; here it only must not throw.
  }
  return Math.random();
}

function backoffDelay(context: ConnectionContext): number {
  const { backoff } = context.config;
  const attempt = context.attempt + 1;
  try {
    return nextDelay(attempt, context.retryDelay, backoff);
  } catch {
    return nextDelay(attempt, context.retryDelay, { ...backoff, random: Math.random });
  }
}

/**
 * The next wait, in whole ms: the server's schedule where it gave one, else
 * the backoff delay, raised to the close policy's floor.
 */
export function retryDelayOf(context: ConnectionContext): number {
  const { backoff } = context.config;
  const { retryAfter, retryFloor } = context;
  let delay = backoffDelay(context);
  // The server's schedule replaces the backoff: a pacing server gives each client its own turn.
  if (retryAfter !== null) delay = retryAfter;
  else if (retryFloor !== null) delay = Math.max(delay, retryFloor + spreadFor(backoff));
  // Whole milliseconds: timers have that resolution, and status shows retryAt.
  return Math.round(Math.min(maxTimerDelay, delay));
}

/** What a DROP leaves for the next wait: the server's schedule with its spread, and the policy's floor. */
export function retryHintsOf(
  context: ConnectionContext,
  event: DropEvent,
): Pick<ConnectionContext, 'retryAfter' | 'retryFloor'> {
  const disposition = classify(context.config, event);
  const scheduled = event.retryAfter;
  const precision = event.retryAfterPrecision;
  const spread =
    typeof precision === 'number' && precision >= 0 && precision <= retryAfterSpread
      ? precision
      : retryAfterSpread;
  return {
    // The spread is drawn now, when the event says how precise the schedule is.
    retryAfter:
      typeof scheduled === 'number' && scheduled >= 0
        ? scheduled + spreadFor(context.config.backoff, spread)
        : null,
    retryFloor: disposition.action === 'retry-after' ? disposition.delay : null,
  };
}
