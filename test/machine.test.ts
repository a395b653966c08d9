import { describe, expect, it } from 'vitest';
import { stateNodes, statePath } from '../scripts/statechart-doc.js';
import {
  ConnectionState,
  connectionStateOf,
  connectionStatePaths,
  isInState,
} from '../src/core/connection-state.js';
import { abnormalClosure, connectionMachine, retryAfterSpread } from '../src/core/machine.js';
import {
  failTransport,
  fireTimer,
  type Harness,
  settle,
  startHarness,
  statePathOf,
} from './support/machine-harness.js';

const seedSchedule = { backoff: { jitter: 'none' } } as const;
const drop = { type: 'DROP', code: 1006, reason: 'network' } as const;

function inState(harness: Harness, state: ConnectionState): boolean {
  return isInState(harness.actor.getSnapshot(), state);
}

async function openAndSync(harness: Harness): Promise<void> {
  harness.actor.send({ type: 'OPEN' });
  harness.fake.resolveSync();
  await settle();
}

describe('a flapping server (accept, then close at once)', () => {
  it('makes the delays grow to the cap: an unproven open does not reset the count', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    const delays: number[] = [];
    for (let flap = 0; flap < 20; flap += 1) {
      harness.actor.send({ type: 'OPEN' });
      harness.actor.send(drop);
      delays.push(fireTimer(harness, 'reconnectDelay'));
    }
    expect(delays.slice(0, 8)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(delays.slice(8).every((delay) => delay === 60_000)).toBe(true);
    harness.actor.stop();
  });

  it('grows too when each open syncs but drops before stableAfter', async () => {
    const harness = startHarness({ ...seedSchedule, stableAfter: 5000 });
    harness.actor.send({ type: 'START' });
    const delays: number[] = [];
    for (let flap = 0; flap < 4; flap += 1) {
      await openAndSync(harness);
      expect(inState(harness, ConnectionState.Probation)).toBe(true);
      harness.clock.increment(4999);
      harness.actor.send(drop);
      delays.push(fireTimer(harness, 'reconnectDelay'));
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    harness.actor.stop();
  });

  it("with stableAfter: 0, follows the seed's rule: each live connection resets the count", async () => {
    const harness = startHarness({ ...seedSchedule, stableAfter: 0 });
    harness.actor.send({ type: 'START' });
    harness.actor.send(drop);
    fireTimer(harness, 'reconnectDelay');
    harness.actor.send(drop);
    fireTimer(harness, 'reconnectDelay');
    expect(harness.actor.getSnapshot().context.attempt).toBe(2);
    const delays: number[] = [];
    for (let flap = 0; flap < 4; flap += 1) {
      await openAndSync(harness);
      // Proven in the same step that made it live: no timer, no time passes.
      expect(inState(harness, ConnectionState.Stable)).toBe(true);
      expect(harness.actor.getSnapshot().context.attempt).toBe(0);
      harness.actor.send(drop);
      delays.push(fireTimer(harness, 'reconnectDelay'));
    }
    expect(delays).toEqual([1000, 1000, 1000, 1000]);
    harness.actor.stop();
  });

  it('with stableAfter: 0, keeps the count while the connection is still syncing', () => {
    const harness = startHarness({ ...seedSchedule, stableAfter: 0 });
    harness.actor.send({ type: 'START' });
    const delays: number[] = [];
    for (let flap = 0; flap < 3; flap += 1) {
      harness.actor.send({ type: 'OPEN' });
      harness.actor.send(drop);
      delays.push(fireTimer(harness, 'reconnectDelay'));
    }
    expect(delays).toEqual([1000, 2000, 4000]);
    harness.actor.stop();
  });
});

describe('failing', () => {
  it('fails on a fatal close, recording it, and RETRY starts a fresh series', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'DROP', code: 4401, reason: 'bad token' });
    const { context } = harness.actor.getSnapshot();
    expect(inState(harness, ConnectionState.Failed)).toBe(true);
    expect(context.failure).toBe('fatal-close');
    expect(context.lastClose).toEqual({ code: 4401, reason: 'bad token' });
    harness.actor.send({ type: 'RETRY' });
    expect(inState(harness, ConnectionState.Reconnecting)).toBe(true);
    expect(harness.actor.getSnapshot().context).toMatchObject({ attempt: 1, failure: null });
    harness.actor.stop();
  });

  it('fails after maxAttempts reconnection attempts, without a pointless last wait', () => {
    const harness = startHarness({ ...seedSchedule, maxAttempts: 3 });
    harness.actor.send({ type: 'START' });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      harness.actor.send(drop);
      fireTimer(harness, 'reconnectDelay');
      expect(harness.actor.getSnapshot().context.attempt).toBe(attempt);
    }
    harness.actor.send(drop);
    expect(inState(harness, ConnectionState.Failed)).toBe(true);
    expect(harness.actor.getSnapshot().context).toMatchObject({
      failure: 'attempts-exhausted',
      retryAt: null,
    });
    harness.actor.send({ type: 'ONLINE' });
    expect(harness.actor.getSnapshot().context.attempt).toBe(1);
    harness.actor.stop();
  });
});

describe('offline', () => {
  it('burns no attempts while offline, and ONLINE retries at once as a fresh series', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    for (let failures = 0; failures < 3; failures += 1) {
      harness.actor.send(drop);
      fireTimer(harness, 'reconnectDelay');
    }
    harness.actor.send({ type: 'OFFLINE' });
    expect(inState(harness, ConnectionState.Offline)).toBe(true);
    harness.clock.increment(10 * 60_000);
    expect(inState(harness, ConnectionState.Offline)).toBe(true);
    expect(harness.fake.transports).toHaveLength(4);
    harness.actor.send({ type: 'ONLINE' });
    expect(inState(harness, ConnectionState.Reconnecting)).toBe(true);
    expect(harness.actor.getSnapshot().context.attempt).toBe(1);
    expect(harness.fake.transports).toHaveLength(5);
    harness.actor.stop();
  });

  it('cuts the wait short when the network comes back', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send(drop);
    harness.clock.increment(10);
    harness.actor.send({ type: 'ONLINE' });
    expect(inState(harness, ConnectionState.Reconnecting)).toBe(true);
    harness.actor.stop();
  });
});

describe('server hints', () => {
  it('treats 1013 as a floor of 5 s plus up to 1 s of spread', () => {
    const harness = startHarness({ backoff: { jitter: 'full', random: () => 0.5 } });
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'DROP', code: 1013, reason: '' });
    expect(harness.actor.getSnapshot().context.retryDelay).toBe(5000 + retryAfterSpread / 2);
    harness.actor.stop();
  });

  it('follows a retryAfter on the event instead of the backoff, once', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send({ ...drop, retryAfter: 30_000 });
    expect(fireTimer(harness, 'reconnectDelay')).toBe(30_000);
    harness.actor.send(drop);
    expect(fireTimer(harness, 'reconnectDelay')).toBe(2000);
    harness.actor.stop();
  });

  it('spreads a precise schedule (Retry-After-Ms) by its precision, not by a whole second', () => {
    const harness = startHarness({ backoff: { jitter: 'full', random: () => 0.5 } });
    harness.actor.send({ type: 'START' });
    harness.actor.send({ ...drop, retryAfter: 4250, retryAfterPrecision: 100 });
    expect(fireTimer(harness, 'reconnectDelay')).toBe(4250 + 50);
    harness.actor.send({ ...drop, retryAfter: 4250, retryAfterPrecision: Number.NaN });
    expect(harness.actor.getSnapshot().context.retryDelay).toBe(4250 + retryAfterSpread / 2);
    harness.actor.stop();
  });

  it('follows a server schedule even when it is shorter than the backoff', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    for (let i = 0; i < 5; i += 1) {
      harness.actor.send(drop);
      fireTimer(harness, 'reconnectDelay');
    }
    harness.actor.send({ ...drop, retryAfter: 3000 });
    expect(harness.actor.getSnapshot().context.retryDelay).toBe(3000);
    harness.actor.stop();
  });

  it('stamps retryAt on the clock it was given', () => {
    const harness = startHarness(seedSchedule);
    harness.clock.increment(12_345);
    harness.actor.send({ type: 'START' });
    harness.actor.send(drop);
    expect(harness.actor.getSnapshot().context.retryAt).toBe(12_345 + 1000);
    fireTimer(harness, 'reconnectDelay');
    expect(harness.actor.getSnapshot().context.retryAt).toBeNull();
    harness.actor.stop();
  });
});

describe('failures that are not closes', () => {
  it('counts a transport error as a drop', async () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.getSnapshot().children.transport?.send(failTransport as never);
    await settle();
    expect(inState(harness, ConnectionState.Waiting)).toBe(true);
    expect(harness.actor.getSnapshot().context.lastClose).toEqual({
      code: abnormalClosure,
      reason: 'transport failed: boom',
    });
    harness.actor.stop();
  });

  it('abandons an attempt that does not open within connectTimeout', () => {
    const harness = startHarness({ ...seedSchedule, connectTimeout: 3000 });
    harness.actor.send({ type: 'START' });
    harness.clock.increment(2999);
    expect(inState(harness, ConnectionState.Connecting)).toBe(true);
    harness.clock.increment(1);
    expect(inState(harness, ConnectionState.Waiting)).toBe(true);
    expect(harness.actor.getSnapshot().context.lastClose?.reason).toBe('connect timeout');
    harness.actor.stop();
  });

  it('abandons a reconnection attempt that does not open within connectTimeout', () => {
    const harness = startHarness({ ...seedSchedule, connectTimeout: 3000 });
    harness.actor.send({ type: 'START' });
    harness.actor.send(drop);
    fireTimer(harness, 'reconnectDelay');
    expect(inState(harness, ConnectionState.Reconnecting)).toBe(true);
    harness.clock.increment(2999);
    expect(inState(harness, ConnectionState.Reconnecting)).toBe(true);
    harness.clock.increment(1);
    expect(inState(harness, ConnectionState.Waiting)).toBe(true);
    expect(harness.actor.getSnapshot().context).toMatchObject({
      attempt: 1,
      lastClose: { code: abnormalClosure, reason: 'connect timeout' },
      // Reconnecting at 1 s, abandoned at 4 s, the second wait is 2 s.
      retryAt: 1000 + 3000 + 2000,
    });
    // The abandoned attempt's socket is closed: the next attempt gets a transport of its own.
    fireTimer(harness, 'reconnectDelay');
    expect(harness.fake.transports).toHaveLength(3);
    harness.actor.stop();
  });

  it('gives up on the socket when sync fails: it waits to reconnect, the outbox held', async () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'OPEN' });
    harness.fake.rejectSync();
    await settle();
    expect(statePathOf(harness.actor)).toBe('disconnected.waiting');
    expect(harness.actor.getSnapshot().children.transport).toBeUndefined();
    expect(harness.actor.getSnapshot().context).toMatchObject({
      lastClose: { code: abnormalClosure, reason: 'sync failed: boom' },
      retryAt: 1000,
    });
    expect(harness.fake.flushes.count).toBe(0);
    harness.actor.stop();
  });

  it('abandons a sync that fails or outlasts syncTimeout, and never flushes', async () => {
    const harness = startHarness({ ...seedSchedule, syncTimeout: 2000 });
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'OPEN' });
    harness.clock.increment(2000);
    expect(harness.actor.getSnapshot().context.lastClose?.reason).toBe('sync timeout');
    fireTimer(harness, 'reconnectDelay');
    harness.actor.send({ type: 'OPEN' });
    harness.fake.rejectSync();
    await settle();
    expect(harness.actor.getSnapshot().context.lastClose?.reason).toBe('sync failed: boom');
    expect(harness.fake.flushes.count).toBe(0);
    harness.actor.stop();
  });

  it('re-syncs on RESYNC, holding the outbox until sync is done again', async () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    await openAndSync(harness);
    harness.actor.send({ type: 'RESYNC' });
    expect(inState(harness, ConnectionState.Syncing)).toBe(true);
    expect(harness.fake.flushes.count).toBe(1);
    harness.fake.resolveSync();
    await settle();
    expect(harness.fake.flushes.count).toBe(2);
    harness.actor.stop();
  });
});

describe('what the transport and sync are told', () => {
  it('tells the first attempt apart from reconnections, on the socket and in sync', async () => {
    const harness = startHarness({ ...seedSchedule, stableAfter: 1000 });
    harness.actor.send({ type: 'START' });
    await openAndSync(harness);
    harness.actor.send(drop);
    fireTimer(harness, 'reconnectDelay');
    await openAndSync(harness);
    expect(harness.fake.transports).toEqual([
      { attempt: 0, isReconnect: false },
      { attempt: 1, isReconnect: true },
    ]);
    expect(harness.fake.syncInputs).toEqual(harness.fake.transports);
    harness.actor.stop();
  });

  it('still calls it a reconnection after a proven connection reset the count', async () => {
    const harness = startHarness({ ...seedSchedule, stableAfter: 1000 });
    harness.actor.send({ type: 'START' });
    await openAndSync(harness);
    fireTimer(harness, 'stableAfter');
    expect(harness.actor.getSnapshot().context.attempt).toBe(0);
    harness.actor.send(drop);
    fireTimer(harness, 'reconnectDelay');
    harness.actor.send({ type: 'OPEN' });
    expect(harness.fake.transports.at(-1)).toEqual({ attempt: 1, isReconnect: true });
    expect(harness.fake.syncInputs.at(-1)).toEqual({ attempt: 1, isReconnect: true });
    harness.actor.stop();
  });

  it('counts the attempts RETRY and ONLINE start as reconnections', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'DROP', code: 4401, reason: 'bad token' });
    harness.actor.send({ type: 'RETRY' });
    harness.actor.send({ type: 'OFFLINE' });
    harness.actor.send({ type: 'ONLINE' });
    expect(harness.fake.transports.map((input) => input.isReconnect)).toEqual([false, true, true]);
    harness.actor.stop();
  });
});

describe('what a close leaves in lastClose', () => {
  it('records the code and reason of a close frame, and nothing else', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'DROP', code: 1011, reason: 'oops' });
    expect(harness.actor.getSnapshot().context.lastClose).toStrictEqual({
      code: 1011,
      reason: 'oops',
    });
    harness.actor.stop();
  });

  it('records the HTTP status of a refused upgrade with it', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'DROP', code: 1006, reason: 'upgrade refused', status: 503 });
    expect(inState(harness, ConnectionState.Waiting)).toBe(true);
    expect(harness.actor.getSnapshot().context.lastClose).toStrictEqual({
      code: 1006,
      reason: 'upgrade refused',
      status: 503,
    });
    harness.actor.send({ type: 'RETRY' });
    harness.actor.send({ type: 'DROP', code: 1006, reason: 'upgrade refused', status: 401 });
    expect(inState(harness, ConnectionState.Failed)).toBe(true);
    expect(harness.actor.getSnapshot().context.lastClose).toStrictEqual({
      code: 1006,
      reason: 'upgrade refused',
      status: 401,
    });
    harness.actor.stop();
  });
});

describe('server hints that make no sense', () => {
  it('spreads a floor by the random source, which is trusted only within [0, 1]', () => {
    const at = (random: () => number) => {
      const harness = startHarness({ backoff: { initialDelay: 10, maxDelay: 10, random } });
      harness.actor.send({ type: 'START' });
      harness.actor.send({ type: 'DROP', code: 1013, reason: '' });
      const delay = harness.actor.getSnapshot().context.retryDelay;
      harness.actor.stop();
      return delay;
    };
    expect(at(() => 0)).toBe(5000);
    expect(at(() => 1)).toBe(5000 + retryAfterSpread);
    for (const broken of [() => 2, () => -1, () => Number.NaN]) {
      const delay = at(broken);
      expect(delay).toBeGreaterThanOrEqual(5000);
      expect(delay).toBeLessThanOrEqual(5000 + retryAfterSpread);
    }
  });

  it('ignores a negative or non-numeric retryAfter: the backoff applies', () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    harness.actor.send({ ...drop, retryAfter: -5 });
    expect(harness.actor.getSnapshot().context.retryDelay).toBe(1000);
    harness.actor.stop();
  });

  it('takes a precision within [0, 1 s], and a whole second for anything else', () => {
    const delayFor = (retryAfterPrecision: number) => {
      const harness = startHarness({ backoff: { jitter: 'full', random: () => 0.5 } });
      harness.actor.send({ type: 'START' });
      harness.actor.send({ ...drop, retryAfter: 3000, retryAfterPrecision });
      const delay = harness.actor.getSnapshot().context.retryDelay;
      harness.actor.stop();
      return delay;
    };
    expect(delayFor(0)).toBe(3000);
    expect(delayFor(retryAfterSpread)).toBe(3000 + retryAfterSpread / 2);
    expect(delayFor(-1)).toBe(3000 + retryAfterSpread / 2);
    expect(delayFor(5000)).toBe(3000 + retryAfterSpread / 2);
  });

  it("follows a classifyClose that answers sensibly, even against the default's verdict", () => {
    const harness = startHarness({ ...seedSchedule, classifyClose: () => ({ action: 'fatal' }) });
    harness.actor.send({ type: 'START' });
    harness.actor.send(drop);
    expect(inState(harness, ConnectionState.Failed)).toBe(true);
    harness.actor.stop();
  });

  it('asks classifyClose once per drop, so a broken policy is reported once', async () => {
    const asked: number[] = [];
    const harness = startHarness({
      ...seedSchedule,
      classifyClose: ({ code }) => {
        asked.push(code);
        if (code === 4000) throw new Error('policy bug');
        return code === 4401 ? { action: 'fatal' } : { action: 'retry' };
      },
    });
    harness.actor.send({ type: 'START' });
    harness.actor.send({ type: 'DROP', code: 4000, reason: '' });
    expect(inState(harness, ConnectionState.Waiting)).toBe(true);
    fireTimer(harness, 'reconnectDelay');
    harness.actor.send({ type: 'OPEN' });
    harness.fake.resolveSync();
    await settle();
    harness.actor.send({ type: 'DROP', code: 1006, reason: '' });
    fireTimer(harness, 'reconnectDelay');
    harness.actor.send({ type: 'DROP', code: 4401, reason: '' });
    expect(inState(harness, ConnectionState.Failed)).toBe(true);
    expect(asked).toEqual([4000, 1006, 4401]);
    harness.actor.stop();
  });

  it("asks each connection's own classifyClose about a drop event object they share", () => {
    const shared = { type: 'DROP', code: 4000, reason: '' } as const;
    const fatal = startHarness({ ...seedSchedule, classifyClose: () => ({ action: 'fatal' }) });
    const retry = startHarness({ ...seedSchedule, classifyClose: () => ({ action: 'retry' }) });
    for (const harness of [fatal, retry]) {
      harness.actor.send({ type: 'START' });
      harness.actor.send(shared);
    }
    expect(inState(fatal, ConnectionState.Failed)).toBe(true);
    expect(inState(retry, ConnectionState.Waiting)).toBe(true);
    fatal.actor.stop();
    retry.actor.stop();
  });

  it("follows the transport's own verdict on a drop over the close policy, without asking it", () => {
    let asked = 0;
    const classifyClose = () => {
      asked += 1;
      return { action: 'retry' } as const;
    };
    const harness = startHarness({ ...seedSchedule, classifyClose });
    harness.actor.send({ type: 'START' });
    // A url() that gave no WebSocket URL: the transport knows retrying cannot help.
    harness.actor.send({ ...drop, verdict: { action: 'fatal' } });
    expect(inState(harness, ConnectionState.Failed)).toBe(true);
    harness.actor.send({ type: 'RETRY' });
    harness.actor.send({ type: 'OPEN' });
    // A 1009 whose message the connection rejected: the rest may go on.
    harness.actor.send({
      type: 'DROP',
      code: 1009,
      reason: 'too big',
      verdict: { action: 'retry' },
    });
    expect(inState(harness, ConnectionState.Waiting)).toBe(true);
    expect(asked).toBe(0);
    harness.actor.stop();
  });

  it('falls back to the default close policy when classifyClose throws or answers nonsense', () => {
    for (const classifyClose of [
      () => undefined as never,
      () => ({ action: 'maybe' }) as never,
      () => {
        throw new Error('policy bug');
      },
    ]) {
      const harness = startHarness({ ...seedSchedule, classifyClose });
      harness.actor.send({ type: 'START' });
      harness.actor.send({ type: 'DROP', code: 1008, reason: 'policy violation' });
      expect(inState(harness, ConnectionState.Failed)).toBe(true);
      harness.actor.stop();
    }
  });
});

describe('the delay without a server hint', () => {
  it('is the backoff alone, with no floor, even when shorter than a second', () => {
    const harness = startHarness({
      backoff: { initialDelay: 100, jitter: 'full', random: () => 0.5 },
    });
    harness.actor.send({ type: 'START' });
    harness.actor.send(drop);
    expect(harness.actor.getSnapshot().context).toMatchObject({
      retryAfter: null,
      retryFloor: null,
      retryDelay: 50,
    });
    expect(fireTimer(harness, 'reconnectDelay')).toBe(50);
    harness.actor.stop();
  });

  it('follows a server schedule of 0: now, plus the spread', () => {
    const harness = startHarness({
      backoff: { initialDelay: 100, jitter: 'full', random: () => 0.5 },
    });
    harness.actor.send({ type: 'START' });
    harness.actor.send({ ...drop, retryAfter: 0 });
    expect(harness.actor.getSnapshot().context).toMatchObject({
      retryAfter: null,
      retryDelay: retryAfterSpread / 2,
    });
    harness.actor.stop();
  });
});

describe('the chart describes itself', () => {
  it('gives every state, the root included, a description (the inspector shows them)', () => {
    const nodes = [connectionMachine.root, ...stateNodes(connectionMachine.root)];
    const undescribed = nodes.filter((node) => !node.description?.trim()).map((node) => node.id);
    expect(undescribed).toEqual([]);
  });
});

describe('ConnectionState', () => {
  it('names every state of the machine, with its path', () => {
    const machinePaths = stateNodes(connectionMachine.root).map(statePath).sort();
    const named = Object.values(connectionStatePaths)
      .map((path) => path.join('.'))
      .sort();
    expect(named).toEqual(machinePaths);
    for (const [name, path] of Object.entries(connectionStatePaths)) {
      expect(path.at(-1)).toBe(name);
    }
  });

  it('tells the innermost state and its ancestors', async () => {
    const harness = startHarness(seedSchedule);
    harness.actor.send({ type: 'START' });
    await openAndSync(harness);
    const snapshot = harness.actor.getSnapshot();
    expect(connectionStateOf(snapshot)).toBe(ConnectionState.Probation);
    for (const state of ['session', 'connected', 'live', 'probation'] as const) {
      expect(isInState(snapshot, state)).toBe(true);
    }
    expect(isInState(snapshot, ConnectionState.Syncing)).toBe(false);
    harness.actor.stop();
  });
});

describe('closing', () => {
  // A transient state (an unguarded `always`) is left in the step that enters it: never at rest.
  const leafStates = stateNodes(connectionMachine.root)
    .filter((node) => node.type === 'atomic' && !node.always?.some((t) => !t.guard))
    .map(statePath);
  const reach: Record<string, (h: Harness) => Promise<void> | void> = {
    idle: () => undefined,
    'session.connecting': (h) => h.actor.send({ type: 'START' }),
    'session.reconnecting': (h) => {
      h.actor.send({ type: 'START' });
      h.actor.send(drop);
      fireTimer(h, 'reconnectDelay');
    },
    'session.connected.syncing': (h) => {
      h.actor.send({ type: 'START' });
      h.actor.send({ type: 'OPEN' });
    },
    'session.connected.live.probation': async (h) => {
      h.actor.send({ type: 'START' });
      await openAndSync(h);
    },
    'session.connected.live.stable': async (h) => {
      h.actor.send({ type: 'START' });
      await openAndSync(h);
      fireTimer(h, 'stableAfter');
    },
    'disconnected.waiting': (h) => {
      h.actor.send({ type: 'START' });
      h.actor.send(drop);
    },
    'disconnected.offline': (h) => {
      h.actor.send({ type: 'START' });
      h.actor.send({ type: 'OFFLINE' });
    },
    failed: (h) => {
      h.actor.send({ type: 'START' });
      h.actor.send({ type: 'DROP', code: 1008, reason: '' });
    },
  };

  it('reaches every state in this table', () => {
    expect(Object.keys(reach).sort()).toEqual(leafStates.filter((s) => s !== 'closed').sort());
  });

  it.each(Object.keys(reach))('CLOSE from %s is final: nothing moves it after', async (state) => {
    const harness = startHarness(seedSchedule);
    await reach[state]?.(harness);
    expect(statePathOf(harness.actor)).toBe(state);
    harness.actor.send({ type: 'CLOSE' });
    expect(harness.actor.getSnapshot().status).toBe('done');
    expect(harness.actor.getSnapshot().children).toEqual({});
    harness.clock.increment(10 * 60_000);
    expect(statePathOf(harness.actor)).toBe('closed');
  });
});
