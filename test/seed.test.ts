/**
 * The seed plan's seven test cases, translated to this machine with the seed
 * mapping of DESIGN.md (test/support/seed-mapping.ts): CONNECTED =
 * `session.connected`, SYNCING = `session.connected.syncing`, RECONNECTING =
 * `session.reconnecting`, DISCONNECTED = `disconnected`.
 */
import { describe, expect, it } from 'vitest';
import { exponentialDelay } from '../src/core/backoff.js';
import { connectionMachine } from '../src/core/machine.js';
import {
  fireTimer,
  type Harness,
  settle,
  startHarness,
  statePathOf,
} from './support/machine-harness.js';
import {
  forbiddenSeedPairs,
  type SeedState,
  seedMapping,
  seedPairsOf,
  seedStateOf,
  seedStatesPassed,
  validSeedPairs,
} from './support/seed-mapping.js';
import { transitionSet } from './support/transition-set.js';

const seedSchedule = { backoff: { jitter: 'none' } } as const;
const drop = { type: 'DROP', code: 1006, reason: 'network' } as const;

function seedStateNow(harness: Harness): SeedState | undefined {
  return seedStateOf(statePathOf(harness.actor));
}

/** The seed pairs (source, target) of every transition the machine defines. */
function seedPairs(): Set<string> {
  const pairs = new Set<string>();
  for (const transition of transitionSet(connectionMachine).values()) {
    const source = seedStateOf(transition.source.path.join('.'));
    for (const target of transition.target ?? []) {
      const mapped = seedStateOf(target.path.join('.'));
      if (source && mapped && source !== mapped) pairs.add(`${source}->${mapped}`);
    }
  }
  return pairs;
}

async function live(harness: Harness): Promise<void> {
  harness.actor.send({ type: 'START' });
  harness.actor.send({ type: 'OPEN' });
  harness.fake.resolveSync();
  await settle();
}

function waitingToReconnecting(harness: Harness): void {
  harness.actor.send({ type: 'START' });
  harness.actor.send(drop);
  fireTimer(harness, 'reconnectDelay');
}

describe('seed test 1: the four states exist and are distinct', () => {
  it('maps each seed state to its own state node of the machine', () => {
    const ids = Object.values(seedMapping).map(
      (path) => connectionMachine.getStateNodeById(`connection.${path}`).id,
    );
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
  });

  it("reads the mapping from the chart's seed: tags, as DESIGN.md states it", () => {
    expect(seedMapping).toEqual({
      CONNECTED: 'session.connected',
      SYNCING: 'session.connected.syncing',
      RECONNECTING: 'session.reconnecting',
      DISCONNECTED: 'disconnected',
    });
  });
});

describe('seed test 2: the six valid transitions', () => {
  it('are all in the machine transition set', () => {
    const pairs = seedPairs();
    for (const pair of validSeedPairs) expect(pairs, pair).toContain(pair);
  });

  const cases: [
    string,
    (h: Harness) => Promise<void> | void,
    (h: Harness) => Promise<void> | void,
  ][] = [
    ['CONNECTED->DISCONNECTED', live, (h) => h.actor.send(drop)],
    [
      'DISCONNECTED->RECONNECTING',
      (h) => {
        h.actor.send({ type: 'START' });
        h.actor.send(drop);
      },
      (h) => {
        fireTimer(h, 'reconnectDelay');
      },
    ],
    ['RECONNECTING->CONNECTED', waitingToReconnecting, (h) => h.actor.send({ type: 'OPEN' })],
    ['RECONNECTING->DISCONNECTED', waitingToReconnecting, (h) => h.actor.send(drop)],
    ['CONNECTED->SYNCING', live, (h) => h.actor.send({ type: 'RESYNC' })],
    [
      'SYNCING->CONNECTED',
      (h) => {
        h.actor.send({ type: 'START' });
        h.actor.send({ type: 'OPEN' });
      },
      async (h) => {
        h.fake.resolveSync();
        await settle();
      },
    ],
  ];

  it.each(cases)('%s happens on one event at run time', async (pair, arrive, event) => {
    const [from, to] = pair.split('->') as [SeedState, SeedState];
    const harness = startHarness(seedSchedule);
    const inSeedState = (state: SeedState) =>
      harness.actor.getSnapshot().matches(seedMapping[state] as never);
    await arrive(harness);
    expect(seedStateNow(harness)).toBe(from);
    const before = harness.taken.length;
    await event(harness);
    expect(inSeedState(to)).toBe(true);
    expect(seedStateNow(harness)).not.toBe(from);
    // One event, one transition: entering `connected` lands in `syncing` within the same step.
    expect(harness.taken.length - before).toBe(1);
    harness.actor.stop();
  });
});

describe('seed test 3: forbidden transitions', () => {
  it('no transition from DISCONNECTED or RECONNECTING targets SYNCING', () => {
    const pairs = seedPairs();
    expect(forbiddenSeedPairs).toEqual(['DISCONNECTED->SYNCING', 'RECONNECTING->SYNCING']);
    for (const pair of forbiddenSeedPairs) expect(pairs).not.toContain(pair);
  });

  it('reconnecting enters CONNECTED, whose initial child is SYNCING (one step)', () => {
    const reconnecting = connectionMachine.getStateNodeById('connection.session.reconnecting');
    const open = reconnecting.transitions.get('OPEN')?.[0];
    expect(open?.target?.map((node) => node.path.join('.'))).toEqual([seedMapping.CONNECTED]);
    const connected = connectionMachine.getStateNodeById(`connection.${seedMapping.CONNECTED}`);
    expect(connected.initial.target[0]?.path.join('.')).toBe(seedMapping.SYNCING);
  });
});

describe('seed test 4: the backoff sequence', () => {
  const seconds = [1, 2, 4, 8, 16, 32, 60, 60];

  it('is 1, 2, 4, 8, 16, 32, 60, 60 s without jitter', () => {
    expect(seconds.map((_, index) => exponentialDelay(index + 1, { jitter: 'none' }))).toEqual(
      seconds.map((s) => s * 1000),
    );
  });

  it('is the sequence of waits the machine schedules after repeated failures', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    const waits: number[] = [];
    for (const _ of seconds) {
      harness.actor.send(drop);
      waits.push(fireTimer(harness, 'reconnectDelay'));
    }
    expect(waits).toEqual(seconds.map((s) => s * 1000));
    harness.actor.stop();
  });
});

describe('seed test 5: the attempt count resets after a proven connection', () => {
  it('resets once sync is done and stableAfter has elapsed, not before', async () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    for (let failures = 0; failures < 3; failures += 1) {
      harness.actor.send(drop);
      fireTimer(harness, 'reconnectDelay');
    }
    expect(harness.actor.getSnapshot().context.attempt).toBe(3);
    harness.actor.send({ type: 'OPEN' });
    harness.fake.resolveSync();
    await settle();
    expect(harness.actor.getSnapshot().context.attempt).toBe(3);
    fireTimer(harness, 'stableAfter');
    expect(harness.actor.getSnapshot().context.attempt).toBe(0);
    harness.actor.send(drop);
    expect(harness.actor.getSnapshot().context.retryDelay).toBe(1000);
    harness.actor.stop();
  });
});

describe("seed test 5, the seed's own rule: stableAfter: 0", () => {
  it('resets the attempt count as soon as the connection is live', async () => {
    const harness = startHarness({ ...seedSchedule, stableAfter: 0 });
    harness.actor.send({ type: 'START' });
    for (let failures = 0; failures < 3; failures += 1) {
      harness.actor.send(drop);
      fireTimer(harness, 'reconnectDelay');
    }
    harness.actor.send({ type: 'OPEN' });
    expect(harness.actor.getSnapshot().context.attempt).toBe(3);
    harness.fake.resolveSync();
    await settle();
    expect(harness.actor.getSnapshot().context.attempt).toBe(0);
    harness.actor.send(drop);
    expect(harness.actor.getSnapshot().context.retryDelay).toBe(1000);
    harness.actor.stop();
  });
});

describe('the seed states a step passes through (the run-time check of the property test)', () => {
  const nodes = (...paths: string[]) => paths.map((path) => ({ path: path.split('.') }));
  const connected = ['session', 'session.connected'];

  it.each([
    [
      'OPEN while reconnecting',
      nodes('session', 'session.reconnecting'),
      nodes(...connected, 'session.connected.syncing'),
      ['RECONNECTING', 'CONNECTED', 'SYNCING'],
    ],
    [
      'sync done',
      nodes(...connected, 'session.connected.syncing'),
      nodes(...connected, 'session.connected.live', 'session.connected.live.probation'),
      ['SYNCING', 'CONNECTED'],
    ],
    [
      'RESYNC',
      nodes(...connected, 'session.connected.live', 'session.connected.live.stable'),
      nodes(...connected, 'session.connected.syncing'),
      ['CONNECTED', 'SYNCING'],
    ],
    [
      'sync failed',
      nodes(...connected, 'session.connected.syncing'),
      nodes('disconnected', 'disconnected.waiting'),
      ['SYNCING', 'CONNECTED', 'DISCONNECTED'],
    ],
    [
      'OPEN on the first attempt',
      nodes('session', 'session.connecting'),
      nodes(...connected, 'session.connected.syncing'),
      [undefined, 'CONNECTED', 'SYNCING'],
    ],
    [
      'a fatal close',
      nodes(...connected, 'session.connected.live'),
      nodes('failed'),
      ['CONNECTED', undefined],
    ],
    [
      'a wait that ends',
      nodes('disconnected', 'disconnected.waiting'),
      nodes('session', 'session.reconnecting'),
      ['DISCONNECTED', 'RECONNECTING'],
    ],
  ])('%s', (_step, before, after, passed) => {
    expect(seedStatesPassed(before, after)).toEqual(passed);
  });

  it('would show a jump from DISCONNECTED into a sync, and count only changes between seed states', () => {
    const jump = seedStatesPassed(
      nodes('disconnected', 'disconnected.waiting'),
      nodes(...connected, 'session.connected.syncing'),
    );
    expect(seedPairsOf(jump)).toEqual(['DISCONNECTED->CONNECTED', 'CONNECTED->SYNCING']);
    expect(seedPairsOf(['SYNCING', 'SYNCING', undefined, 'CONNECTED', 'DISCONNECTED'])).toEqual([
      'CONNECTED->DISCONNECTED',
    ]);
  });
});

describe('seed test 6: a workflow with one success', () => {
  it('connects, syncs, flushes and becomes stable', async () => {
    const harness = startHarness(seedSchedule);
    const visited: (SeedState | undefined)[] = [seedStateNow(harness)];
    harness.actor.subscribe(() => {
      const now = seedStateNow(harness);
      if (now !== visited.at(-1)) visited.push(now);
    });
    await live(harness);
    fireTimer(harness, 'stableAfter');
    expect(statePathOf(harness.actor)).toBe('session.connected.live.stable');
    expect(harness.fake.flushes.count).toBe(1);
    expect(visited).toEqual([
      undefined, // idle, then connecting: states the seed does not name
      'SYNCING',
      'CONNECTED',
    ]);
    harness.actor.stop();
  });
});

describe('seed test 7: a workflow with two failures then success', () => {
  it('waits 1 s then 2 s, each exactly, then connects', async () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    for (const expectedDelay of [1000, 2000]) {
      harness.actor.send(drop);
      expect(seedStateNow(harness)).toBe('DISCONNECTED');
      harness.clock.increment(expectedDelay - 1);
      expect(seedStateNow(harness)).toBe('DISCONNECTED');
      harness.clock.increment(1);
      expect(seedStateNow(harness)).toBe('RECONNECTING');
    }
    expect(harness.actor.getSnapshot().context.attempt).toBe(2);
    harness.actor.send({ type: 'OPEN' });
    expect(seedStateNow(harness)).toBe('SYNCING');
    harness.fake.resolveSync();
    await settle();
    expect(seedStateNow(harness)).toBe('CONNECTED');
    expect(harness.fake.flushes.count).toBe(1);
    harness.actor.stop();
  });
});
