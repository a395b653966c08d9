/**
 * Model-based tests (DESIGN.md, Tests): the shortest paths through the
 * machine, keyed by transition (`connectionPaths` of lifeline-ws/testing, the
 * same paths users get), replayed on a real actor with a simulated clock.
 */

import { describe, expect, it } from 'vitest';
import { type AnyEventObject, initialTransition, type SnapshotFrom, transition } from 'xstate';
import { type ConnectionMachine, connectionMachine } from '../../src/core/machine.js';
import { describeState } from '../../src/testing/describe-step.js';
import {
  type ConnectionPath,
  connectionPaths,
  pathConfigurations,
} from '../../src/testing/index.js';
import { expectedTransitions, formatRow, rowsOf } from '../support/expected-transitions.js';
import {
  delayOf,
  failTransport,
  type Harness,
  settle,
  startHarness,
} from '../support/machine-harness.js';
import { transitionKey, transitionSet } from '../support/transition-set.js';

type Snapshot = SnapshotFrom<ConnectionMachine>;
type Executor = (event: AnyEventObject) => void | Promise<void>;

function comparable(snapshot: Snapshot): string {
  return JSON.stringify({ value: snapshot.value, context: snapshot.context });
}

/** How each event of a path is made to happen on the harness; any other event is sent to the actor. */
function executors(harness: Harness): Record<string, Executor> {
  const fireAfter: Executor = (event) => {
    const delayName = event.type.split('.')[2] ?? '';
    const delay = delayOf(harness.actor, delayName);
    const before = comparable(harness.actor.getSnapshot());
    harness.clock.increment(delay - 1);
    expect(comparable(harness.actor.getSnapshot()), `${delayName} fired early`).toBe(before);
    harness.clock.increment(1);
  };
  const settleSync = (outcome: 'resolve' | 'reject'): Executor => {
    return async () => {
      if (outcome === 'resolve') harness.fake.resolveSync();
      else harness.fake.rejectSync();
      await settle();
    };
  };
  const events: Record<string, Executor> = {
    'xstate.done.actor.sync': settleSync('resolve'),
    'xstate.error.actor.sync': settleSync('reject'),
    'xstate.error.actor.transport': async () => {
      harness.actor.getSnapshot().children.transport?.send(failTransport as never);
      await settle();
    },
  };
  for (const { eventType } of transitionSet(harness.actor.logic).values()) {
    if (eventType.startsWith('xstate.after.')) events[eventType] = fireAfter;
  }
  return events;
}

/**
 * Replays one path on a real actor, checking each step against the pure
 * `transition()` (recomputed from the path's events, not taken from the
 * path) and against the state the path names.
 */
async function replay(path: ConnectionPath): Promise<Harness> {
  const harness = startHarness(path.options);
  const events = executors(harness);
  let expected = initialTransition(harness.actor.logic, harness.input)[0];
  try {
    for (const step of path.steps) {
      const execute = events[step.event.type];
      if (execute) await execute(step.event);
      else harness.actor.send(step.event as never);
      expected = transition(harness.actor.logic, expected, step.event as never)[0];
      const actual = harness.actor.getSnapshot();
      expect(comparable(actual), step.description).toBe(comparable(expected));
      expect(describeState(actual), step.description).toBe(step.to);
    }
  } finally {
    harness.actor.stop();
  }
  return harness;
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

  describe.each(pathConfigurations.map((configuration) => [configuration.name, configuration]))(
    'with %s',
    (_name, configuration) => {
      const started = performance.now();
      // With the paths a connection from createConnection cannot take (it starts at once).
      const paths = connectionPaths({ configurations: [configuration], fromIdle: true });
      const generatedIn = performance.now() - started;

      it('generates a finite, non-trivial set of paths', () => {
        console.log(`generated ${paths.length} paths in ${generatedIn.toFixed(0)} ms`);
        expect(paths.length).toBeGreaterThan(expectedRows.length);
        expect(paths.every((path) => path.configuration === configuration.name)).toBe(true);
      });

      it('replays every path on a real actor, each step as the pure transition() predicts', async () => {
        for (const path of paths) {
          const harness = await replay(path);
          for (const taken of harness.taken) {
            covered.add(transitionKey(taken));
            for (const row of rowsOf(taken)) coveredRows.add(formatRow(row));
          }
        }
      });
    },
  );

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
