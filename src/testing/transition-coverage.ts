import type { AnyStateMachine, AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { connectionMachine } from '../core/machine.js';
import { transitionKey, transitionSet } from './transition-set.js';

/**
 * Which transitions of the connection machine a test run took. Give its
 * `inspect` to the connections under test (a {@link PathDriver} does it when
 * given this coverage), then check `missing` at the end.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { FakeTransport, TransitionCoverage } from 'lifeline-ws/testing';
 *
 * const coverage = new TransitionCoverage();
 * const transport = new FakeTransport();
 * createConnection({ url: 'ws://app.test/', WebSocket: transport.WebSocket, inspect: coverage.inspect }).close();
 * coverage.covered; // 2: idle --START--> session.connecting, then CLOSE
 * coverage.toString(); // 'covered 2/28 transitions'
 * ```
 */
export class TransitionCoverage {
  readonly #all: Map<string, AnyTransitionDefinition>;
  readonly #taken = new Set<string>();

  /** @param machine the machine whose transitions count @default connectionMachine */
  constructor(machine: AnyStateMachine = connectionMachine) {
    this.#all = transitionSet(machine);
  }

  /** An XState inspection observer that records every transition taken: the `inspect` option. */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.microstep') return;
    for (const transition of event._transitions) this.record(transition);
  };

  /** Records one transition taken (transitions of other machines are ignored). */
  record(transition: AnyTransitionDefinition): void {
    const key = transitionKey(transition);
    if (this.#all.has(key)) this.#taken.add(key);
  }

  /** How many transitions the machine has. */
  get total(): number {
    return this.#all.size;
  }

  /** How many of them were taken. */
  get covered(): number {
    return this.#taken.size;
  }

  /** The transitions not taken yet, as `source | event | #index`: `session.connecting | OPEN | #0`. */
  get missing(): string[] {
    return [...this.#all.keys()].filter((key) => !this.#taken.has(key));
  }

  /** `covered 28/28 transitions`. */
  toString(): string {
    return `covered ${this.covered}/${this.total} transitions`;
  }
}
