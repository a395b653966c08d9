import { assign, fromCallback, fromPromise, setup } from 'xstate';
import { nextDelay, type ResolvedBackoffOptions } from './backoff.js';
import {
  type CloseDisposition,
  type CloseInfo,
  defaultClassifyClose,
  isCloseDisposition,
} from './close-policy.js';
import { describeError } from './describe-error.js';
import {
  type ConnectionConfig,
  type ConnectionMachineInput,
  resolveConnectionConfig,
} from './machine-config.js';
import { maxTimerDelay } from './validate.js';

/** Why an attempt was abandoned when `sync` ran past `syncTimeout` (the recorded close's reason). */
export const syncTimeoutReason = 'sync timeout';

/** The close codes lifeline records for closes it decides itself (no frame was received). */
export const abnormalClosure = 1006;

/**
 * The most jitter added to a server's schedule or floor, in ms, unless the
 * event says how precise it is: `Retry-After` counts whole seconds.
 */
export const retryAfterSpread = 1000;

/**
 * The socket went away: a close frame, a network error, a heartbeat timeout.
 * `retryAfter` (ms) is the server's schedule, such as an HTTP 503
 * `Retry-After` at upgrade: the next attempt waits that long (plus spread)
 * instead of the backoff delay.
 */
export interface DropEvent {
  type: 'DROP';
  code: number;
  reason: string;
  /** The HTTP status when the server refused the upgrade. */
  status?: number;
  retryAfter?: number;
  /**
   * How precise `retryAfter` is, in ms: the spread added to it is up to this
   * much (a `Retry-After-Ms` header is precise to the millisecond).
   * @default retryAfterSpread
   */
  retryAfterPrecision?: number;
  /**
   * The transport's own verdict, when it knows better than the close policy:
   * a 1009 caused by one message it has rejected (retry), a `url()` that
   * returned no WebSocket URL (fatal).
   */
  verdict?: CloseDisposition;
}

/** Everything the connection machine reacts to. Inbound messages are deliberately absent. */
export type ConnectionEvent =
  | { type: 'START' }
  | { type: 'OPEN' }
  | DropEvent
  | { type: 'RESYNC' }
  | { type: 'RETRY' }
  | { type: 'ONLINE' }
  | { type: 'OFFLINE' }
  | { type: 'CLOSE'; code?: number; reason?: string };

/** Why the machine is in `failed`. */
export type FailureReason = 'fatal-close' | 'attempts-exhausted';

/** The machine's extended state. */
export interface ConnectionContext {
  /** The resolved options; never changes. */
  readonly config: ConnectionConfig;
  /** 0 on the first attempt of a series; n on the n-th reconnection attempt. */
  attempt: number;
  /** How the last socket closed (or why the attempt was abandoned). */
  lastClose: CloseInfo | null;
  /** The server's schedule for the next attempt, in ms (HTTP `Retry-After`) plus its spread, consumed by the next wait. */
  retryAfter: number | null;
  /** A floor on the next delay, in ms, from the close policy (1013), consumed by the next wait. */
  retryFloor: number | null;
  /** The most recent computed delay, in ms (decorrelated jitter grows from it). */
  retryDelay: number;
  /** When the pending wait ends, on the `now()` clock; null when not waiting. */
  retryAt: number | null;
  /** Set while in `failed`. */
  failure: FailureReason | null;
}

/** What the `transport` actor is told about the session it serves. */
export interface TransportInput {
  attempt: number;
  isReconnect: boolean;
}

/** What the `sync` actor is told: the same facts as the transport. */
export type SyncInput = TransportInput;

function sessionInput({ context }: { context: ConnectionContext }): TransportInput {
  return { attempt: context.attempt, isReconnect: context.attempt > 0 };
}

function spreadFor(backoff: ResolvedBackoffOptions, precision = retryAfterSpread): number {
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

/** A drop from any state that holds a socket: fatal closes fail, the rest back off. */
const dropped = [
  {
    guard: 'isFatalClose',
    target: '#connection.failed',
    actions: ['recordClose', { type: 'recordFailure', params: { failure: 'fatal-close' } }],
  },
  { target: '#connection.disconnected', actions: 'recordClose' },
] as const;

const connectTimedOut = {
  target: '#connection.disconnected',
  actions: { type: 'recordAbandon', params: { reason: 'connect timeout' } },
} as const;

function closeOf({ code, reason, status }: DropEvent): CloseInfo {
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
function classify(context: ConnectionContext, event: DropEvent): CloseDisposition {
  // The transport's own verdict comes first: it knows which message caused a 1009, or that url() is unusable.
  if (event.verdict && isCloseDisposition(event.verdict)) return event.verdict;
  const { config } = context;
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

/**
 * The connection statechart (see docs/statechart.md, generated from this
 * definition). Pure: it owns no socket and no timer. The `transport` and
 * `sync` actors and the `flushOutbox` action are placeholders here;
 * `createConnection()` supplies real ones with `machine.provide()`.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { connectionMachine } from 'lifeline-ws';
 *
 * const actor = createActor(connectionMachine, { input: { maxAttempts: 5 } }).start();
 * actor.send({ type: 'START' });
 * actor.getSnapshot().value; // { session: 'connecting' }
 * ```
 */
export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    // biome-ignore lint/suspicious/noConfusingVoidType: with `undefined`, the optional property drops it and every createActor needs an input.
    input: {} as ConnectionMachineInput | void,
  },
  actors: {
    /** Owns one socket: sends OPEN and DROP; leaving `session` stops it, closing the socket. */
    transport: fromCallback<ConnectionEvent, TransportInput>(() => undefined),
    /** Re-synchronises session state on a fresh socket before the outbox flows. */
    sync: fromPromise<unknown, SyncInput>(async () => undefined),
  },
  actions: {
    /** Lets the outbox flow on the synced socket, oldest first; supplied by the adapter. */
    flushOutbox: () => undefined,
    /** Stops writing to the socket: new messages queue again; supplied by the adapter. */
    holdOutbox: () => undefined,
    startSeries: assign({ attempt: 1, failure: null }),
    nextAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    resetAttempts: assign({ attempt: 0 }),
    recordClose: assign(({ context, event }) => {
      if (event.type !== 'DROP') return {};
      const disposition = classify(context, event);
      const floor = disposition.action === 'retry-after' ? disposition.delay : null;
      const scheduled = event.retryAfter;
      const precision = event.retryAfterPrecision;
      return {
        lastClose: closeOf(event),
        // The spread is drawn now, when the event says how precise the schedule is.
        retryAfter:
          typeof scheduled === 'number' && scheduled >= 0
            ? scheduled +
              spreadFor(
                context.config.backoff,
                typeof precision === 'number' && precision >= 0 && precision <= retryAfterSpread
                  ? precision
                  : retryAfterSpread,
              )
            : null,
        retryFloor: floor,
      };
    }),
    recordAbandon: assign((_, params: { reason: string }) => ({
      lastClose: { code: abnormalClosure, reason: params.reason },
    })),
    recordActorError: assign(({ event }, params: { source: string }) => ({
      lastClose: {
        code: abnormalClosure,
        reason: `${params.source} failed: ${'error' in event ? describeError(event.error) : 'unknown'}`,
      },
    })),
    scheduleRetry: assign(({ context }) => {
      const { backoff, now } = context.config;
      const { retryAfter, retryFloor } = context;
      let delay = backoffDelay(context);
      // The server's schedule replaces the backoff: a pacing server gives each client its own turn.
      if (retryAfter !== null) delay = retryAfter;
      else if (retryFloor !== null) delay = Math.max(delay, retryFloor + spreadFor(backoff));
      // Whole milliseconds: timers have that resolution, and status shows retryAt.
      delay = Math.round(Math.min(maxTimerDelay, delay));
      return { retryDelay: delay, retryAt: now() + delay, retryAfter: null, retryFloor: null };
    }),
    clearRetry: assign({ retryAt: null }),
    recordFailure: assign((_, params: { failure: FailureReason }) => ({
      failure: params.failure,
    })),
  },
  guards: {
    isFatalClose: ({ context, event }) =>
      event.type === 'DROP' && classify(context, event).action === 'fatal',
    attemptsExhausted: ({ context }) => context.attempt >= context.config.maxAttempts,
    /** `stableAfter: 0`: the original specification's rule, a connection counts as proven as soon as it is live. */
    provenWhenLive: ({ context }) => context.config.stableAfter === 0,
  },
  delays: {
    reconnectDelay: ({ context }) => context.retryDelay,
    connectTimeout: ({ context }) => context.config.connectTimeout,
    syncTimeout: ({ context }) => context.config.syncTimeout,
    stableAfter: ({ context }) => context.config.stableAfter,
  },
}).createMachine({
  id: 'connection',
  description: 'One long-lived WebSocket, kept alive across drops.',
  context: ({ input }) => ({
    config: resolveConnectionConfig(input ?? undefined),
    attempt: 0,
    lastClose: null,
    retryAfter: null,
    retryFloor: null,
    retryDelay: 0,
    retryAt: null,
    failure: null,
  }),
  initial: 'idle',
  on: {
    CLOSE: { target: '.closed' },
  },
  states: {
    idle: {
      description: 'Created, not started.',
      on: { START: { target: 'session.connecting' } },
    },
    session: {
      description: 'One socket per visit: leaving the session closes it.',
      initial: 'connecting',
      invoke: {
        id: 'transport',
        src: 'transport',
        input: sessionInput,
        onError: {
          target: 'disconnected',
          actions: { type: 'recordActorError', params: { source: 'transport' } },
        },
      },
      on: {
        OFFLINE: { target: 'disconnected.offline' },
      },
      states: {
        connecting: {
          description: 'The first attempt of a series (attempt 0).',
          after: { connectTimeout: connectTimedOut },
          on: {
            OPEN: { target: 'connected' },
            DROP: dropped,
          },
        },
        reconnecting: {
          description: 'A reconnection attempt (attempt >= 1).',
          after: { connectTimeout: connectTimedOut },
          on: {
            OPEN: { target: 'connected' },
            DROP: dropped,
          },
        },
        connected: {
          description: 'The socket is open.',
          initial: 'syncing',
          on: {
            DROP: dropped,
          },
          states: {
            syncing: {
              description: 'Re-synchronising session state; the outbox waits.',
              invoke: {
                id: 'sync',
                src: 'sync',
                input: sessionInput,
                onDone: { target: 'live' },
                onError: {
                  target: '#connection.disconnected',
                  actions: { type: 'recordActorError', params: { source: 'sync' } },
                },
              },
              after: {
                syncTimeout: {
                  target: '#connection.disconnected',
                  actions: { type: 'recordAbandon', params: { reason: syncTimeoutReason } },
                },
              },
            },
            live: {
              description: 'Messages flow: the outbox is flushed on entry and held again on exit.',
              entry: 'flushOutbox',
              exit: 'holdOutbox',
              initial: 'probation',
              on: { RESYNC: { target: 'syncing' } },
              states: {
                probation: {
                  description: 'Not yet proven: a drop now keeps the attempt count.',
                  // Taken in the step that enters `live`, so no 0 ms timer runs and no drop can come between.
                  always: { guard: 'provenWhenLive', target: 'stable', actions: 'resetAttempts' },
                  after: {
                    stableAfter: { target: 'stable', actions: 'resetAttempts' },
                  },
                },
                stable: {
                  description: 'Proven: the attempt count was reset.',
                },
              },
            },
          },
        },
      },
    },
    disconnected: {
      description: 'No socket.',
      initial: 'waiting',
      on: {
        RETRY: { target: 'session.reconnecting', actions: 'startSeries' },
      },
      states: {
        waiting: {
          description: 'Backing off before the next attempt.',
          entry: 'scheduleRetry',
          exit: 'clearRetry',
          always: {
            guard: 'attemptsExhausted',
            target: '#connection.failed',
            actions: { type: 'recordFailure', params: { failure: 'attempts-exhausted' } },
          },
          after: {
            reconnectDelay: { target: '#connection.session.reconnecting', actions: 'nextAttempt' },
          },
          on: {
            ONLINE: { target: '#connection.session.reconnecting', actions: 'startSeries' },
            OFFLINE: { target: 'offline' },
          },
        },
        offline: {
          description: 'The platform reports no network: no attempts are burnt.',
          on: {
            ONLINE: { target: '#connection.session.reconnecting', actions: 'startSeries' },
          },
        },
      },
    },
    failed: {
      description: 'Gave up: a fatal close, or maxAttempts reached. RETRY or ONLINE starts over.',
      on: {
        RETRY: { target: 'session.reconnecting', actions: 'startSeries' },
        ONLINE: { target: 'session.reconnecting', actions: 'startSeries' },
      },
    },
    closed: {
      description: 'Closed by the user. Final.',
      type: 'final',
    },
  },
});

/** The machine's type, for `provide()` and typed snapshots. */
export type ConnectionMachine = typeof connectionMachine;
