import { fromPromise } from 'xstate';
import { type ConnectionContext, connectionMachine, type SyncInput } from '../core/machine.js';
import type { SyncResult } from './sync-context.js';
import { type ActorLookup, type TransportBinding, transportLogic } from './transport.js';

/** What the shared machine's actors and actions reach a connection through. */
export interface ConnectionRuntime extends TransportBinding {
  sync(input: SyncInput, signal: AbortSignal): Promise<SyncResult | undefined>;
  flush(): void;
  hold(): void;
  /** The machine entered `failed`: tell the user why. */
  reportFailure(context: ConnectionContext): void;
  /** `sync` ran past `syncTimeout`. */
  reportSyncTimeout(context: ConnectionContext): void;
}

/** The system id of every connection's root actor: each connection's actors form their own system. */
export const connectionSystemId = 'lifeline.connection';
const runtimes = new WeakMap<object, ConnectionRuntime>();

/** Makes `runtime` the one the actor's system finds. */
export function attachRuntime(root: object, runtime: ConnectionRuntime): void {
  runtimes.set(root, runtime);
}

/** The connection an actor or action of this system belongs to. */
export function runtimeOf(system: ActorLookup): ConnectionRuntime {
  const root = system.get(connectionSystemId);
  const runtime = root ? runtimes.get(root) : undefined;
  if (!runtime) throw new Error('lifeline: this actor belongs to no connection');
  return runtime;
}

/**
 * One provided machine for every connection: actions and actors alike find
 * their connection through their system. A machine per connection
 * (`provide()` in the constructor) would cost about 30 KiB of heap per idle
 * connection.
 */
export const connectionLogic = connectionMachine.provide({
  actors: {
    transport: transportLogic(runtimeOf),
    sync: fromPromise<unknown, SyncInput>(({ input, signal, system }) =>
      runtimeOf(system).sync(input, signal),
    ),
  },
  actions: {
    flushOutbox: ({ system }) => runtimeOf(system).flush(),
    holdOutbox: ({ system }) => runtimeOf(system).hold(),
    reportFailure: ({ context, system }) => runtimeOf(system).reportFailure(context),
    reportSyncTimeout: ({ context, system }) => runtimeOf(system).reportSyncTimeout(context),
  },
});
