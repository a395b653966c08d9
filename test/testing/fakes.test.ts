/** The test doubles of lifeline-ws/testing, driven through the real createConnection. */
import { describe, expect, it } from 'vitest';
import { connectionMachine } from '../../src/core/machine.js';
import { type ConnectionOptions, createConnection } from '../../src/index.js';
import {
  ControlledSync,
  FakeTransport,
  settle,
  TestClock,
  TransitionCoverage,
} from '../../src/testing/index.js';
import { transitionSet } from '../support/transition-set.js';

const noJitter = { jitter: 'none', initialDelay: 1000 } as const;

function connect(options: Partial<ConnectionOptions> = {}) {
  const clock = new TestClock();
  const transport = new FakeTransport();
  const connection = createConnection({
    url: 'ws://app.test/',
    WebSocket: transport.WebSocket,
    clock,
    backoff: noJitter,
    watchNetwork: false,
    ...options,
  });
  return { clock, transport, connection };
}

describe('TestClock', () => {
  it('is a Clock whose advance() fires timers in order, in strides the heartbeat takes for running time', () => {
    const clock = new TestClock();
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 120);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 30);
    const cleared = clock.setTimeout(() => fired.push(['never', clock.now()]), 60);
    clock.clearTimeout(cleared);
    clock.advance(119);
    expect(fired).toEqual([['a', 50]]);
    clock.advance(1);
    expect(fired).toEqual([
      ['a', 50],
      ['b', 120],
    ]);
    expect(clock.now()).toBe(120);
  });

  it('fires a 0 ms timer on advance(0), and refuses to go back or to infinity', () => {
    const clock = new TestClock();
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, 0);
    clock.advance(0);
    expect(fired).toBe(true);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });

  it('runs a connection: a timed-out first attempt shows as reconnecting (its JSDoc example)', () => {
    const { clock, connection } = connect({ connectTimeout: 3000 });
    clock.advance(2999);
    expect(connection.status.state).toBe('connecting');
    clock.advance(1);
    expect(connection.status.state).toBe('reconnecting');
    connection.close();
  });
});

describe('FakeTransport and FakeSocket', () => {
  it('create a socket per attempt, with the URL, and record what the client writes once open', async () => {
    const { transport, connection } = connect({ protocols: ['chat'] });
    connection.send('hello');
    expect(() => transport.socket).toThrow(/no socket yet/);
    await settle();
    expect(transport.sockets).toHaveLength(1);
    expect(transport.socket.url).toBe('ws://app.test/');
    expect(transport.socket.protocols).toEqual(['chat']);
    expect(() => transport.socket.deliver('too early')).toThrow(/needs a OPEN socket/);
    transport.socket.open();
    await settle();
    expect(transport.socket.sent).toEqual(['hello']);
    expect(transport.sent).toEqual(['hello']);
    connection.close(4000, 'bye');
    await settle();
    expect(transport.socket.closedByClient).toEqual({ code: 4000, reason: 'bye' });
    expect(transport.socket.readyState).toBe(3);
  });

  it('deliver frames to the app, text and binary', async () => {
    const { transport, connection } = connect();
    const received: unknown[] = [];
    connection.onMessage((data) => received.push(data));
    await settle();
    transport.socket.open();
    await settle();
    transport.socket.deliver('text');
    transport.socket.deliver(new Uint8Array([1, 2]));
    expect(received).toEqual(['text', new Uint8Array([1, 2])]);
    connection.close();
  });

  it('close from the server with a code and reason the connection records, then reconnect', async () => {
    const { clock, transport, connection } = connect();
    await settle();
    transport.socket.open();
    await settle();
    transport.socket.serverClose(1001, 'going away');
    await settle();
    expect(connection.status.lastClose).toEqual({ code: 1001, reason: 'going away' });
    expect(connection.status.state).toBe('reconnecting');
    clock.advance(1000);
    await settle();
    expect(transport.sockets).toHaveLength(2);
    expect(transport.sockets[0]?.terminated).toBe(false);
    connection.close();
  });

  it('refuse an upgrade with a status and Retry-After, which the next wait follows', async () => {
    const { clock, transport, connection } = connect();
    await settle();
    transport.socket.refuse(503, { 'retry-after': '7' });
    await settle();
    expect(transport.socket.terminated).toBe(true);
    expect(connection.status.lastClose).toEqual({ code: 1006, reason: 'HTTP 503', status: 503 });
    expect(connection.status.retryAt).toBe(clock.now() + 7000);
    expect(() => transport.socket.refuse(503)).toThrow(/needs a CONNECTING socket/);
    connection.close();
  });

  it('answer pings at once, or leave them to the test: an unanswered probe drops the socket', async () => {
    const heartbeat = { interval: 1000, timeout: 500 };
    const { clock, transport, connection } = connect({ heartbeat });
    await settle();
    transport.socket.open();
    await settle();
    clock.advance(3000);
    expect(transport.socket.pings.length).toBeGreaterThan(0);
    expect(connection.status.state).toBe('connected');
    transport.socket.answerPings = false;
    const asked = transport.socket.pings.length;
    clock.advance(1000);
    expect(transport.socket.pings.length).toBe(asked + 1);
    transport.socket.pong();
    expect(() => transport.socket.pong()).toThrow(/no ping waits/);
    clock.advance(1500);
    await settle();
    expect(connection.status.lastClose).toEqual({ code: 1006, reason: 'heartbeat timeout' });
    expect(transport.sockets[0]?.terminated).toBe(true);
    connection.close();
  });
});

describe('ControlledSync', () => {
  it('holds the connection in syncing until the test resolves it (its JSDoc example)', async () => {
    const gate = new ControlledSync();
    const { transport, connection } = connect({ sync: gate.sync });
    await settle();
    transport.socket.open();
    await settle();
    expect(connection.status.state).toBe('syncing');
    expect(gate.waiting).toBe(true);
    expect(gate.runs.map((run) => run.isReconnect)).toEqual([false]);
    gate.resolve();
    await settle();
    expect(connection.status.state).toBe('connected');
    expect(() => gate.resolve()).toThrow(/no sync is running/);
    connection.close();
  });

  it('fails the attempt on reject(error), runs the app sync first, and forgets abandoned runs', async () => {
    const appRuns: number[] = [];
    const gate = new ControlledSync(({ attempt }) => {
      appRuns.push(attempt);
    });
    const { transport, connection } = connect({ sync: gate.sync });
    await settle();
    transport.socket.open();
    await settle();
    gate.reject(new Error('no session'));
    await settle();
    expect(connection.status.lastClose?.reason).toBe('sync failed: no session');
    connection.retryNow();
    await settle();
    transport.socket.open();
    await settle();
    expect(gate.waiting).toBe(true);
    transport.socket.serverClose(1006, 'network');
    await settle();
    expect(gate.waiting).toBe(false);
    expect(appRuns).toEqual([0, 1]);
    connection.close();
  });
});

describe('TransitionCoverage', () => {
  it('counts the transitions of the machine a connection takes', () => {
    const coverage = new TransitionCoverage();
    expect(coverage.total).toBe(transitionSet(connectionMachine).size);
    const transport = new FakeTransport();
    createConnection({
      url: 'ws://app.test/',
      WebSocket: transport.WebSocket,
      inspect: coverage.inspect,
      watchNetwork: false,
    }).close();
    expect(coverage.covered).toBe(2);
    expect(coverage.missing).toHaveLength(coverage.total - 2);
    expect(coverage.missing).not.toContain('idle | START | #0');
    expect(coverage.missing).not.toContain('(root) | CLOSE | #0');
    expect(String(coverage)).toBe(`covered 2/${coverage.total} transitions`);
  });
});
