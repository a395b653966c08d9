import {
  type Actor,
  type AnyTransitionDefinition,
  fromCallback,
  fromPromise,
  type InspectionEvent,
  SimulatedClock,
  type SnapshotFrom,
} from 'xstate';
import { createConnectionActor } from '../../src/core/connection-actor.js';
import {
  type ConnectionEvent,
  type ConnectionMachine,
  connectionMachine,
  type TransportInput,
} from '../../src/core/machine.js';
import {
  type ConnectionMachineInput,
  resolveConnectionConfig,
} from '../../src/core/machine-config.js';

type Snapshot = SnapshotFrom<ConnectionMachine>;

/** Sent to the fake transport to make it fail as a crashed socket would. */
export const failTransport = { type: 'FAIL' } as const;

interface Deferred {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The connection machine with fakes for its side effects: a transport that
 * does nothing until told to fail, a sync the test settles by hand, and a
 * flush that counts; the input of each transport and sync is recorded.
 * Events the real transport would send (OPEN, DROP) are sent by the test.
 */
export function createFakeLogic() {
  const syncs: Deferred[] = [];
  const transports: TransportInput[] = [];
  const syncInputs: TransportInput[] = [];
  const flushes = { count: 0 };
  const logic: ConnectionMachine = connectionMachine.provide({
    actors: {
      transport: fromCallback<ConnectionEvent, TransportInput>(({ input, receive }) => {
        transports.push(input);
        receive((event) => {
          if ((event as { type: string }).type === failTransport.type) {
            throw new Error('boom');
          }
        });
      }),
      sync: fromPromise<unknown, TransportInput>(({ input }) => {
        syncInputs.push(input);
        return new Promise((resolve, reject) => syncs.push({ resolve, reject }));
      }),
    },
    actions: {
      flushOutbox: () => {
        flushes.count += 1;
      },
    },
  });
  const pendingSync = (): Deferred => {
    const sync = syncs.at(-1);
    if (!sync) throw new Error('no sync is running');
    return sync;
  };
  return {
    logic,
    transports,
    syncInputs,
    flushes,
    resolveSync: () => pendingSync().resolve({}),
    rejectSync: () => pendingSync().reject(new Error('boom')),
  };
}

export type FakeLogic = ReturnType<typeof createFakeLogic>;

/** Lets promise callbacks (a settled sync) reach the actor; no time passes. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** An actor of the fake machine on a simulated clock, recording every transition it takes. */
export function startHarness(input: Omit<ConnectionMachineInput, 'clock'> = {}) {
  const clock = new SimulatedClock();
  const fake = createFakeLogic();
  const taken: AnyTransitionDefinition[] = [];
  const microsteps: { transitions: AnyTransitionDefinition[]; snapshot: Snapshot; at: number }[] =
    [];
  const resolvedInput = resolveConnectionConfig({ ...input, clock });
  const actor: Actor<ConnectionMachine> = createConnectionActor(resolvedInput, {
    logic: fake.logic,
    inspect: (event: InspectionEvent) => {
      if (event.type === '@xstate.microstep' && event.actorRef === actor) {
        taken.push(...event._transitions);
        microsteps.push({
          transitions: event._transitions,
          snapshot: event.snapshot as Snapshot,
          at: clock.now(),
        });
      }
    },
  });
  actor.start();
  return { actor, clock, fake, taken, microsteps, input: resolvedInput };
}

export type Harness = ReturnType<typeof startHarness>;

/** The snapshot's state value and context, as JSON (functions in the config drop out). */
export function observable(actor: Actor<ConnectionMachine>): string {
  const { value, context } = actor.getSnapshot();
  return JSON.stringify({ value, context });
}

/** Where the actor is, as a dotted path of its deepest state: `session.connected.syncing`. */
export function statePathOf(actor: Actor<ConnectionMachine>): string {
  const nodes = actor.getSnapshot()._nodes;
  const deepest = nodes.filter((node) => node.type === 'atomic' || node.type === 'final');
  return deepest.map((node) => node.path.join('.')).join(',');
}

/** The delay a named `after` timer computes from the actor's current context. */
export function delayOf(actor: Actor<ConnectionMachine>, name: string): number {
  const delay = actor.logic.implementations.delays[name];
  if (typeof delay !== 'function') throw new Error(`no delay named ${name}`);
  const snapshot = actor.getSnapshot();
  return (delay as (args: unknown) => number)({
    context: snapshot.context,
    event: { type: 'xstate.init' },
  });
}

/** Fires the pending timer `name` by advancing the clock exactly to its delay. */
export function fireTimer(harness: Harness, name: string): number {
  const delay = delayOf(harness.actor, name);
  harness.clock.increment(delay);
  return delay;
}
