import { type Actor, type ActorOptions, createActor } from 'xstate';
import { type ConnectionMachine, connectionMachine } from './machine.js';
import { type ConnectionMachineInput, resolveConnectionConfig } from './machine-config.js';

/** Options of the actor itself (not of the connection): what `createActor` takes, minus `input`. */
export interface ConnectionActorOptions
  extends Omit<ActorOptions<ConnectionMachine>, 'input' | 'clock'> {
  /**
   * The machine to run: `connectionMachine.provide({ actors, actions })` with
   * real transport, sync and flush implementations.
   * @default connectionMachine (placeholders that never open a socket)
   */
  logic?: ConnectionMachine;
}

/**
 * Creates (but does not start) an actor of the connection machine, checking
 * every option first: a bad option throws here, naming itself, instead of
 * failing later inside the actor. The actor's timers run on the config's
 * clock, the same one `retryAt` is read from.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * import { createConnectionActor } from 'lifeline-ws';
 *
 * const clock = new SimulatedClock();
 * const actor = createConnectionActor({ backoff: { jitter: 'none' }, clock }).start();
 * actor.send({ type: 'START' });
 * ```
 */
export function createConnectionActor(
  input: ConnectionMachineInput = {},
  { logic = connectionMachine, ...options }: ConnectionActorOptions = {},
): Actor<ConnectionMachine> {
  const config = resolveConnectionConfig(input);
  return createActor(logic, { ...options, clock: config.clock, input: config });
}
