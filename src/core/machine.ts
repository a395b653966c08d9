import { assign, fromCallback, fromPromise, setup } from 'xstate';
import { describeError } from './describe-error.js';
import { type ConnectionConfig, resolveConnectionConfig } from './machine-config.js';
import {
  abnormalClosure,
  type ConnectionContext,
  type ConnectionEvent,
  type FailureReason,
  type SyncInput,
  type TransportInput,
} from './machine-types.js';
import { classify, closeOf, retryDelayOf, retryHintsOf } from './retry-policy.js';
import { statusTags } from './status-tags.js';

export {
  abnormalClosure,
  type CloseRequest,
  type ConnectionContext,
  type ConnectionEvent,
  type DropEvent,
  type FailureReason,
  type SyncInput,
  type TransportInput,
} from './machine-types.js';
export { retryAfterSpread } from './retry-policy.js';

/** Why an attempt was abandoned when `sync` ran past `syncTimeout` (the recorded close's reason). */
export const syncTimeoutReason = 'sync timeout';

function sessionInput({ context }: { context: ConnectionContext }): TransportInput {
  return { attempt: context.attempt, isReconnect: context.attempt > 0 };
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

/**
 * The connection statechart (see docs/statechart.md, generated from this
 * definition). Pure: it owns no socket and no timer. The `transport` and
 * `sync` actors and the `flushOutbox`, `holdOutbox`, `reportFailure` and
 * `reportSyncTimeout` actions are placeholders here; `createConnection()`
 * supplies real ones with `machine.provide()`. Each state carries the tag of
 * the status it shows (`status:connected` ...) and, where it stands for one,
 * the seed state (`seed:CONNECTED` ...).
 *
 * @example
 * ```ts
 * import { connectionMachine, createConnectionActor } from 'lifeline-ws';
 *
 * // The checked options become the machine's input (createActor(connectionMachine) takes the defaults).
 * const actor = createConnectionActor({ maxAttempts: 5 }, { logic: connectionMachine }).start();
 * actor.send({ type: 'START' });
 * actor.getSnapshot().value; // { session: 'connecting' }
 * actor.getSnapshot().hasTag('status:connecting'); // true
 * ```
 */
export const connectionMachine = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    // biome-ignore lint/suspicious/noConfusingVoidType: with `undefined`, the optional property drops it and every createActor needs an input.
    input: {} as ConnectionConfig | void,
    tags: {} as (typeof statusTags)[keyof typeof statusTags] | `seed:${string}`,
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
    /** Tells the user why the machine gave up (a fatal close, or the last attempt); supplied by the adapter. */
    reportFailure: () => undefined,
    /** Tells the user that `sync` ran past `syncTimeout`; supplied by the adapter. */
    reportSyncTimeout: () => undefined,
    startSeries: assign({ attempt: 1, failure: null }),
    nextAttempt: assign({ attempt: ({ context }) => context.attempt + 1 }),
    resetAttempts: assign({ attempt: 0 }),
    recordClose: assign(({ context, event }) =>
      event.type === 'DROP' ? { lastClose: closeOf(event), ...retryHintsOf(context, event) } : {},
    ),
    recordAbandon: assign((_, params: { reason: string }) => ({
      lastClose: { code: abnormalClosure, reason: params.reason },
    })),
    recordActorError: assign(({ event }, params: { source: string }) => ({
      lastClose: {
        code: abnormalClosure,
        reason: `${params.source} failed: ${'error' in event ? describeError(event.error) : 'unknown'}`,
      },
    })),
    recordCloseRequest: assign(({ event }) =>
      event.type === 'CLOSE'
        ? { closeRequest: { code: event.code ?? 1000, reason: event.reason ?? '' } }
        : {},
    ),
    scheduleRetry: assign(({ context }) => {
      const delay = retryDelayOf(context);
      const retryAt = context.config.clock.now() + delay;
      return { retryDelay: delay, retryAt, retryAfter: null, retryFloor: null };
    }),
    clearRetry: assign({ retryAt: null }),
    recordFailure: assign((_, params: { failure: FailureReason }) => ({
      failure: params.failure,
    })),
  },
  guards: {
    isFatalClose: ({ context, event }) =>
      event.type === 'DROP' && classify(context.config, event).action === 'fatal',
    /** The probe sent on waking went unanswered: the socket died while the process slept. */
    wokeToDeadSocket: ({ event }) => event.type === 'DROP' && event.woke === true,
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
    config: input ?? resolveConnectionConfig(),
    attempt: 0,
    lastClose: null,
    retryAfter: null,
    retryFloor: null,
    retryDelay: 0,
    retryAt: null,
    failure: null,
    closeRequest: null,
  }),
  initial: 'idle',
  on: {
    CLOSE: { target: '.closed', actions: 'recordCloseRequest' },
  },
  states: {
    idle: {
      description: 'Created, not started.',
      tags: statusTags.connecting,
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
          tags: statusTags.connecting,
          after: { connectTimeout: connectTimedOut },
          on: {
            OPEN: { target: 'connected' },
            DROP: dropped,
          },
        },
        reconnecting: {
          description: 'A reconnection attempt (attempt >= 1).',
          tags: [statusTags.reconnecting, 'seed:RECONNECTING'],
          after: { connectTimeout: connectTimedOut },
          on: {
            OPEN: { target: 'connected' },
            DROP: dropped,
          },
        },
        connected: {
          description: 'The socket is open.',
          tags: 'seed:CONNECTED',
          initial: 'syncing',
          on: {
            DROP: [
              {
                guard: 'wokeToDeadSocket',
                target: '#connection.disconnected.woke',
                actions: 'recordClose',
              },
              ...dropped,
            ],
          },
          states: {
            syncing: {
              description: 'Re-synchronising session state; the outbox waits.',
              tags: [statusTags.syncing, 'seed:SYNCING'],
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
                  actions: [
                    { type: 'recordAbandon', params: { reason: syncTimeoutReason } },
                    'reportSyncTimeout',
                  ],
                },
              },
            },
            live: {
              description: 'Messages flow: the outbox is flushed on entry and held again on exit.',
              tags: statusTags.connected,
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
      tags: 'seed:DISCONNECTED',
      initial: 'waiting',
      on: {
        RETRY: { target: 'session.reconnecting', actions: 'startSeries' },
      },
      states: {
        waiting: {
          description: 'Backing off before the next attempt.',
          tags: statusTags.reconnecting,
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
        woke: {
          description:
            'The socket died while the process slept: no wait, a fresh series starts at once.',
          tags: statusTags.reconnecting,
          always: { target: '#connection.session.reconnecting', actions: 'startSeries' },
        },
        offline: {
          description: 'The platform reports no network: no attempts are burnt.',
          tags: statusTags.offline,
          on: {
            ONLINE: { target: '#connection.session.reconnecting', actions: 'startSeries' },
          },
        },
      },
    },
    failed: {
      description: 'Gave up: a fatal close, or maxAttempts reached. RETRY or ONLINE starts over.',
      tags: statusTags.failed,
      entry: 'reportFailure',
      on: {
        RETRY: { target: 'session.reconnecting', actions: 'startSeries' },
        ONLINE: { target: 'session.reconnecting', actions: 'startSeries' },
      },
    },
    closed: {
      description: 'Closed by the user. Final.',
      tags: statusTags.closed,
      type: 'final',
    },
  },
});

/** The machine's type, for `provide()` and typed snapshots. */
export type ConnectionMachine = typeof connectionMachine;
