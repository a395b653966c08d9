/**
 * Random walks of up to 200 steps mixing events with WAIT (advance the clock),
 * checking what generated paths cannot: timers fire exactly when due after
 * their state was (re)entered, the seed's forbidden pairs never occur, the
 * attempt count stays in bounds, and `closed` is final.
 */
import fc from 'fast-check';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { AnyStateNode } from 'xstate';
import { jitterStrategies } from '../src/backoff.js';
import type { ConnectionEvent } from '../src/machine.js';
import {
  delayOf,
  failTransport,
  type Harness,
  settle,
  startHarness,
} from './support/machine-harness.js';
import { seedStateOf } from './support/seed-mapping.js';

type Step =
  | { kind: 'event'; event: ConnectionEvent }
  | { kind: 'wait'; ms: number }
  | { kind: 'sync'; outcome: 'resolve' | 'reject' }
  | { kind: 'transportFails' };

const event = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.constantFrom<ConnectionEvent>(
      { type: 'START' },
      { type: 'OPEN' },
      { type: 'RESYNC' },
      { type: 'RETRY' },
      { type: 'ONLINE' },
      { type: 'OFFLINE' },
    ),
  },
  // Rare, so that most of a walk happens before the machine is closed.
  { weight: 1, arbitrary: fc.constant<ConnectionEvent>({ type: 'CLOSE' }) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('DROP' as const),
      code: fc.constantFrom(1000, 1001, 1006, 1008, 1011, 1013, 4401),
      reason: fc.constantFrom('', 'bye', '7'),
      retryAfter: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
    }),
  },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: event.map((e) => ({ kind: 'event' as const, event: e })) },
  {
    weight: 4,
    arbitrary: fc.integer({ min: 0, max: 70_000 }).map((ms) => ({ kind: 'wait' as const, ms })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('resolve' as const, 'reject' as const)
      .map((outcome) => ({ kind: 'sync' as const, outcome })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'transportFails' as const }) },
);

const input = fc.record({
  backoff: fc.record({
    jitter: fc.constantFrom(...jitterStrategies),
    initialDelay: fc.integer({ min: 1, max: 2000 }),
    factor: fc.constantFrom(1, 1.5, 2, 3),
    maxDelay: fc.integer({ min: 2000, max: 60_000 }),
    seed: fc.integer(),
  }),
  maxAttempts: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(Number.POSITIVE_INFINITY)),
  connectTimeout: fc.integer({ min: 1, max: 20_000 }),
  syncTimeout: fc.integer({ min: 1, max: 20_000 }),
  stableAfter: fc.integer({ min: 1, max: 20_000 }),
});

/** mulberry32: a seeded random source, so that a failing walk replays exactly. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const forbidden = new Set(['DISCONNECTED->SYNCING', 'RECONNECTING->SYNCING']);

interface Pending {
  node: AnyStateNode;
  deadline: number;
}

/** Checks every invariant on the microsteps taken since `from`, and returns the pending timer. */
function inspect(harness: Harness, from: number, pending: Pending | null, maxAttempts: number) {
  const steps = harness.microsteps.slice(from);
  let previousNodes = from > 0 ? (harness.microsteps[from - 1]?.snapshot._nodes ?? []) : [];
  let entered: { node: AnyStateNode; at: number } | null = null;
  for (const { transitions, snapshot, at } of steps) {
    for (const transition of transitions) {
      const source = seedStateOf(transition.source.path.join('.'));
      for (const target of transition.target ?? []) {
        const pair = `${source}->${seedStateOf(target.path.join('.'))}`;
        expect(forbidden.has(pair), pair).toBe(false);
      }
    }
    const timed = snapshot._nodes.filter((node) => node.after.length > 0);
    expect(timed.length, 'more than one timer pending').toBeLessThanOrEqual(1);
    const node = timed[0];
    if (node && !previousNodes.includes(node)) entered = { node, at };
    previousNodes = snapshot._nodes;
  }
  const snapshot = harness.actor.getSnapshot();
  expect(snapshot.context.attempt).toBeGreaterThanOrEqual(0);
  expect(snapshot.context.attempt).toBeLessThanOrEqual(maxAttempts);
  const timed = snapshot._nodes.find((node) => node.after.length > 0);
  if (!timed) return null;
  if (entered && entered.node === timed) {
    const delayName = String(timed.after[0]?.delay);
    return { node: timed, deadline: entered.at + delayOf(harness.actor, delayName) };
  }
  expect(pending?.node, 'a timer state kept without a known deadline').toBe(timed);
  return pending;
}

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

async function walk(given: Input, steps: Step[]): Promise<void> {
  const { seed, ...backoff } = given.backoff;
  const harness = startHarness({ ...given, backoff: { ...backoff, random: seeded(seed) } });
  const { maxAttempts } = given;
  let pending: Pending | null = null;
  let closed = false;
  try {
    for (const current of steps) {
      const from = harness.microsteps.length;
      switch (current.kind) {
        case 'event':
          harness.actor.send(current.event);
          break;
        case 'sync':
          if (harness.actor.getSnapshot().children.sync) {
            if (current.outcome === 'resolve') harness.fake.resolveSync();
            else harness.fake.rejectSync();
            await settle();
          }
          break;
        case 'transportFails':
          harness.actor.getSnapshot().children.transport?.send(failTransport as never);
          await settle();
          break;
        case 'wait': {
          const target = harness.clock.now() + current.ms;
          pending = inspect(harness, from, pending, maxAttempts);
          while (pending && pending.deadline <= target) {
            const before = harness.microsteps.length;
            const early = pending.deadline - 1 - harness.clock.now();
            if (early > 0) {
              harness.clock.increment(early);
              expect(harness.microsteps.length, 'a timer fired early').toBe(before);
            }
            harness.clock.increment(pending.deadline - harness.clock.now());
            const fired = harness.microsteps[before]?.transitions[0]?.eventType ?? 'nothing';
            expect(fired, 'the due timer did not fire').toBe(pending.node.after[0]?.eventType);
            pending = inspect(harness, before, pending, maxAttempts);
          }
          const before = harness.microsteps.length;
          harness.clock.increment(target - harness.clock.now());
          expect(harness.microsteps.length, 'a timer fired before its deadline').toBe(before);
          break;
        }
      }
      pending = inspect(harness, from, pending, maxAttempts);
      const snapshot = harness.actor.getSnapshot();
      if (closed) {
        expect(snapshot.value).toBe('closed');
        expect(harness.microsteps.length).toBe(from);
      }
      closed ||= snapshot.status === 'done';
    }
  } finally {
    harness.actor.stop();
  }
}

describe('random walks', () => {
  it('keep every invariant over 200 steps', async () => {
    // XState warns on each event sent to the closed actor; those events are the point here.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    onTestFinished(() => warn.mockRestore());
    await fc.assert(
      fc.asyncProperty(input, fc.array(step, { minLength: 1, maxLength: 200, size: 'max' }), walk),
      { numRuns: 100 },
    );
  });
});
