/**
 * Model-based tests (DESIGN.md, Tests): shortest paths through the machine,
 * keyed by transition, replayed on a real actor with a simulated clock.
 */

import { describe, expect, it } from 'vitest';
import {
  type ActorLogic,
  type AnyEventObject,
  initialTransition,
  __unsafe_getAllOwnEventDescriptors as ownEventTypes,
  type SnapshotFrom,
  transition,
} from 'xstate';
import { type EventExecutor, TestModel } from 'xstate/graph';
import { type ConnectionMachine, connectionMachine } from '../../src/core/machine.js';
import {
  type ConnectionMachineInput,
  resolveConnectionConfig,
} from '../../src/core/machine-config.js';

/** A clock that never moves: paths are generated without time. */
const clockAtZero = { now: () => 0, setTimeout: () => undefined, clearTimeout: () => undefined };

import { expectedTransitions, formatRow, rowsOf } from '../support/expected-transitions.js';
import {
  createFakeLogic,
  delayOf,
  failTransport,
  type Harness,
  settle,
  startHarness,
} from '../support/machine-harness.js';
import { transitionKey, transitionSet } from '../support/transition-set.js';

type Snapshot = SnapshotFrom<ConnectionMachine>;

const options = {
  backoff: { jitter: 'none', initialDelay: 1000, factor: 2, maxDelay: 4000 },
  maxAttempts: 2,
  connectTimeout: 3000,
  syncTimeout: 2000,
  stableAfter: 5000,
} satisfies ConnectionMachineInput;

/**
 * The configurations the paths are generated for. `stableAfter: 0` takes a
 * transition (`probation` -> `stable` at once) that no path of the default
 * configuration can take, and makes the timed one unreachable.
 */
const configurations: [string, ConnectionMachineInput][] = [
  ['stableAfter 5000', options],
  ['stableAfter 0', { ...options, stableAfter: 0 }],
];

const dropPayloads = [
  { type: 'DROP', code: 1006, reason: 'network' },
  { type: 'DROP', code: 1008, reason: 'policy' },
  { type: 'DROP', code: 1013, reason: '' },
  { type: 'DROP', code: 1006, reason: 'HTTP 503', status: 503, retryAfter: 7000 },
  { type: 'DROP', code: 1006, reason: 'no reply after wake', woke: true },
] as const;

/** The events each state accepts, from the machine's own descriptors, with the payloads that matter. */
function eventsFor(snapshot: Snapshot): AnyEventObject[] {
  if (snapshot.status !== 'active') return [];
  return ownEventTypes(snapshot)
    .filter((type) => type !== '')
    .flatMap((type): AnyEventObject[] => {
      if (type === 'DROP') return [...dropPayloads];
      if (type.startsWith('xstate.error.actor.')) return [{ type, error: new Error('boom') }];
      if (type.startsWith('xstate.done.actor.')) return [{ type, output: {} }];
      return [{ type }];
    });
}

/** What distinguishes states for the model: where, which attempt, why failed, whether a hint waits. */
function stateKey(snapshot: Snapshot): string {
  const { value, context } = snapshot;
  return JSON.stringify([
    value,
    context.attempt,
    context.failure,
    context.retryAfter !== null,
    context.retryFloor !== null,
  ]);
}

/** A TestModel of the machine with fake actors, for one configuration. */
function modelOf(input: ConnectionMachineInput) {
  const fake = createFakeLogic();
  // The model also takes the machine's internal events (timers, actor done/error), beyond ConnectionEvent.
  const modelLogic = fake.logic as unknown as ActorLogic<
    Snapshot,
    AnyEventObject,
    ConnectionMachineInput
  >;
  return new TestModel(modelLogic, {
    input: resolveConnectionConfig({ ...input, clock: clockAtZero }),
    events: eventsFor,
    // Keyed by (previous, event, next): each shortest path ends with one transition of the graph.
    serializeState: (snapshot, event, previous) =>
      `${previous ? stateKey(previous) : ''} | ${event ? JSON.stringify(event) : ''} | ${stateKey(snapshot)}`,
  });
}

function comparable(snapshot: Snapshot): string {
  return JSON.stringify({ value: snapshot.value, context: snapshot.context });
}

/** Replays one path on a real actor, checking each step against the pure `transition()`. */
function replayer(harness: Harness) {
  let expected = initialTransition(harness.actor.logic, harness.input)[0];
  const advance = (event: AnyEventObject) => {
    expected = transition(harness.actor.logic, expected, event as never)[0];
  };
  const send: EventExecutor<Snapshot, AnyEventObject> = ({ event }) => {
    harness.actor.send(event as never);
    advance(event);
  };
  const fireAfter: EventExecutor<Snapshot, AnyEventObject> = ({ event }) => {
    const delayName = event.type.split('.')[2] ?? '';
    const delay = delayOf(harness.actor, delayName);
    const before = comparable(harness.actor.getSnapshot());
    harness.clock.increment(delay - 1);
    expect(comparable(harness.actor.getSnapshot()), `${delayName} fired early`).toBe(before);
    harness.clock.increment(1);
    advance(event);
  };
  const settleSync =
    (outcome: 'resolve' | 'reject'): EventExecutor<Snapshot, AnyEventObject> =>
    async ({ event }) => {
      if (outcome === 'resolve') harness.fake.resolveSync();
      else harness.fake.rejectSync();
      await settle();
      advance(event);
    };
  const failTheTransport: EventExecutor<Snapshot, AnyEventObject> = async ({ event }) => {
    harness.actor.getSnapshot().children.transport?.send(failTransport as never);
    await settle();
    advance(event);
  };
  const events: Record<string, EventExecutor<Snapshot, AnyEventObject>> = {
    'xstate.done.actor.sync': settleSync('resolve'),
    'xstate.error.actor.sync': settleSync('reject'),
    'xstate.error.actor.transport': failTheTransport,
  };
  for (const type of ['START', 'OPEN', 'DROP', 'RESYNC', 'RETRY', 'ONLINE', 'OFFLINE', 'CLOSE']) {
    events[type] = send;
  }
  for (const { eventType } of transitionSet(harness.actor.logic).values()) {
    if (eventType.startsWith('xstate.after.')) events[eventType] = fireAfter;
  }
  const check = () => {
    expect(comparable(harness.actor.getSnapshot())).toBe(comparable(expected));
  };
  return { events, states: { '*': check } };
}

const machineTransitions = transitionSet(connectionMachine);
const machineRows = [...machineTransitions.values()].flatMap(rowsOf).map(formatRow);
const expectedRows = expectedTransitions.map(formatRow);

describe('the transitions of the machine', () => {
  it('are exactly the hand-written table: none missing, none extra', () => {
    const missing = expectedRows.filter((row) => !machineRows.includes(row));
    const extra = machineRows.filter((row) => !expectedRows.includes(row));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect(new Set(expectedRows).size).toBe(expectedRows.length);
    expect(machineRows).toHaveLength(machineTransitions.size);
  });
});

describe('model-based paths', () => {
  const covered = new Set<string>();
  const coveredRows = new Set<string>();

  describe.each(configurations)('with %s', (_name, input) => {
    const started = performance.now();
    const paths = modelOf(input).getShortestPaths();
    const generatedIn = performance.now() - started;

    it('generates a finite, non-trivial set of paths', () => {
      console.log(`generated ${paths.length} paths in ${generatedIn.toFixed(0)} ms`);
      expect(paths.length).toBeGreaterThan(expectedRows.length);
    });

    it('replays every path on a real actor, each step as the pure transition() predicts', async () => {
      for (const path of paths) {
        const harness = startHarness(input);
        try {
          await path.test(replayer(harness));
        } finally {
          harness.actor.stop();
        }
        for (const taken of harness.taken) {
          covered.add(transitionKey(taken));
          for (const row of rowsOf(taken)) coveredRows.add(formatRow(row));
        }
      }
    });
  });

  it('covers every transition of the machine', () => {
    const missing = [...machineTransitions.keys()].filter((key) => !covered.has(key));
    console.log(
      `covered ${machineTransitions.size - missing.length}/${machineTransitions.size} transitions`,
    );
    expect(missing).toEqual([]);
  });

  it('covers every row of the hand-written table', () => {
    expect(expectedRows.filter((row) => !coveredRows.has(row))).toEqual([]);
  });
});
