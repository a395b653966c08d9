import { pathToStateValue, type SnapshotFrom } from 'xstate';
import type { ConnectionMachine } from './machine.js';

/**
 * The name of every state of the connection machine (names are unique across
 * the chart, so a name identifies a state).
 *
 * @example
 * ```ts
 * import { ConnectionState, connectionStateOf, createConnectionActor } from 'lifeline-ws';
 *
 * const actor = createConnectionActor().start();
 * actor.send({ type: 'START' });
 * connectionStateOf(actor.getSnapshot()) === ConnectionState.Connecting; // true
 * ```
 */
export const ConnectionState = {
  Idle: 'idle',
  Session: 'session',
  Connecting: 'connecting',
  Reconnecting: 'reconnecting',
  Connected: 'connected',
  Syncing: 'syncing',
  Live: 'live',
  Probation: 'probation',
  Stable: 'stable',
  Disconnected: 'disconnected',
  Waiting: 'waiting',
  Offline: 'offline',
  Failed: 'failed',
  Closed: 'closed',
} as const;

/** The name of one of the machine's states. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Each state's path from the root; a test checks it against the machine. */
export const connectionStatePaths: Readonly<Record<ConnectionState, readonly string[]>> = {
  idle: ['idle'],
  session: ['session'],
  connecting: ['session', 'connecting'],
  reconnecting: ['session', 'reconnecting'],
  connected: ['session', 'connected'],
  syncing: ['session', 'connected', 'syncing'],
  live: ['session', 'connected', 'live'],
  probation: ['session', 'connected', 'live', 'probation'],
  stable: ['session', 'connected', 'live', 'stable'],
  disconnected: ['disconnected'],
  waiting: ['disconnected', 'waiting'],
  offline: ['disconnected', 'offline'],
  failed: ['failed'],
  closed: ['closed'],
};

type Snapshot = Pick<SnapshotFrom<ConnectionMachine>, 'value' | 'matches'>;

/**
 * Whether the snapshot is in `state` or one of its children
 * (`session` is true while `connecting`).
 *
 * @example
 * ```ts
 * import { ConnectionState, createConnectionActor, isInState } from 'lifeline-ws';
 *
 * const actor = createConnectionActor().start();
 * actor.send({ type: 'START' });
 * isInState(actor.getSnapshot(), ConnectionState.Session); // true
 * ```
 */
export function isInState(snapshot: Snapshot, state: ConnectionState): boolean {
  return snapshot.matches(pathToStateValue(connectionStatePaths[state] as string[]) as never);
}

/**
 * The innermost state the snapshot is in: `probation` while live and not yet stable.
 *
 * @example
 * ```ts
 * import { connectionStateOf, createConnectionActor } from 'lifeline-ws';
 *
 * connectionStateOf(createConnectionActor().start().getSnapshot()); // 'idle'
 * ```
 */
export function connectionStateOf(snapshot: Pick<Snapshot, 'value'>): ConnectionState {
  let value: unknown = snapshot.value;
  while (typeof value === 'object' && value !== null) {
    value = Object.values(value)[0];
  }
  return value as ConnectionState;
}
