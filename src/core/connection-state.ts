import { pathToStateValue, type SnapshotFrom, type StateNode } from 'xstate';
import { type ConnectionMachine, connectionMachine } from './machine.js';

/** Every state name in a state value type: `{ a: 'b' | 'c' }` gives `'a' | 'b' | 'c'`. */
type NamesIn<Value> = Value extends string
  ? Value
  : Value extends object
    ? { [Key in keyof Value & string]: Key | NamesIn<Value[Key]> }[keyof Value & string]
    : never;

/** The name of one of the machine's states (names are unique across the chart). */
export type ConnectionState = NamesIn<SnapshotFrom<ConnectionMachine>['value']>;

function pathsOf(node: StateNode, into: Record<string, readonly string[]>) {
  for (const [name, child] of Object.entries(node.states)) {
    into[name] = child.path;
    pathsOf(child, into);
  }
  return into;
}

/** Each state's path from the root, read from the machine. */
export const connectionStatePaths = Object.freeze(
  pathsOf(connectionMachine.root as StateNode, {}),
) as Readonly<Record<ConnectionState, readonly string[]>>;

const capitalized = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The name of every state of the connection machine, read from the machine
 * itself, so it cannot drift from the chart.
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
export const ConnectionState = Object.freeze(
  Object.fromEntries(Object.keys(connectionStatePaths).map((name) => [capitalized(name), name])),
) as { readonly [Name in ConnectionState as Capitalize<Name>]: Name };

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
