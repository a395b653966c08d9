import http from 'node:http';
import type net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import { type Connection, createConnection } from '../../src/client/create-connection.js';
import { OptionRangeError, OptionTypeError } from '../../src/core/errors/index.js';
import { createUpgradePacer, type VerifyClientCallback } from '../../src/server/index.js';
import { until } from '../support/integration.js';

/** A clock the test moves by hand. */
function manualClock(start = 0) {
  let time = start;
  return {
    now: () => time,
    set: (ms: number) => {
      time = ms;
    },
  };
}

describe('createUpgradePacer: the token bucket', () => {
  it('admits `burst` upgrades at once, then refuses', () => {
    const clock = manualClock();
    const pacer = createUpgradePacer({ rate: 10, burst: 3, now: clock.now });
    expect([pacer.admit(), pacer.admit(), pacer.admit()]).toEqual([
      { admitted: true },
      { admitted: true },
      { admitted: true },
    ]);
    expect(pacer.admit().admitted).toBe(false);
    expect(pacer.counts).toEqual({ admitted: 3, refused: 1 });
  });

  it('defaults the burst to a tenth of the rate, at least 1', () => {
    const admittedAtOnce = (rate: number) => {
      const pacer = createUpgradePacer({ rate, now: () => 0 });
      let n = 0;
      while (pacer.admit().admitted) n += 1;
      return n;
    };
    expect(admittedAtOnce(100)).toBe(10);
    expect(admittedAtOnce(5)).toBe(1);
  });

  it('refills at `rate` per second, and never beyond `burst`', () => {
    const clock = manualClock();
    const pacer = createUpgradePacer({ rate: 10, burst: 2, now: clock.now });
    pacer.admit();
    pacer.admit();
    expect(pacer.admit().admitted).toBe(false);
    clock.set(99);
    expect(pacer.admit().admitted).toBe(false);
    clock.set(200);
    expect(pacer.admit().admitted).toBe(true);
    clock.set(60_000);
    expect([pacer.admit(), pacer.admit(), pacer.admit()].map((a) => a.admitted)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('gives each refused client the next free slot of a virtual queue', () => {
    const clock = manualClock();
    const pacer = createUpgradePacer({ rate: 1, burst: 1, now: clock.now });
    expect(pacer.admit().admitted).toBe(true);
    expect([pacer.admit(), pacer.admit(), pacer.admit()]).toEqual([
      { admitted: false, retryAfter: 1, retryAfterMs: 1000 },
      { admitted: false, retryAfter: 2, retryAfterMs: 2000 },
      { admitted: false, retryAfter: 3, retryAfterMs: 3000 },
    ]);
    // The slot promised first has come: a token is there again.
    clock.set(1000);
    expect(pacer.admit().admitted).toBe(true);
  });

  it('rounds Retry-After up to whole seconds (a slot 10 ms away answers 1); Retry-After-Ms is the slot', () => {
    const clock = manualClock();
    const pacer = createUpgradePacer({ rate: 100, burst: 1, now: clock.now });
    pacer.admit();
    const waits = Array.from({ length: 150 }, () => pacer.admit());
    expect(waits[0]).toEqual({ admitted: false, retryAfter: 1, retryAfterMs: 10 });
    expect(waits[99]).toEqual({ admitted: false, retryAfter: 1, retryAfterMs: 1000 });
    expect(waits[100]).toEqual({ admitted: false, retryAfter: 2, retryAfterMs: 1010 });
    expect(waits[149]).toEqual({ admitted: false, retryAfter: 2, retryAfterMs: 1500 });
  });

  it('does not keep promising slots in the past: the queue restarts from now', () => {
    const clock = manualClock();
    const pacer = createUpgradePacer({ rate: 1, burst: 1, now: clock.now });
    pacer.admit();
    pacer.admit();
    pacer.admit();
    clock.set(100_000);
    pacer.admit();
    expect(pacer.admit()).toEqual({ admitted: false, retryAfter: 1, retryAfterMs: 1000 });
  });

  it("answers ws's verifyClient: accepted, or 503 with Retry-After and Retry-After-Ms", () => {
    const pacer = createUpgradePacer({ rate: 1, burst: 1, now: () => 0 });
    const calls: Parameters<VerifyClientCallback>[] = [];
    const callback: VerifyClientCallback = (...args) => {
      calls.push(args);
    };
    pacer.verifyClient({}, callback);
    pacer.verifyClient({}, callback);
    expect(calls).toEqual([
      [true],
      [false, 503, 'Service Unavailable', { 'Retry-After': '1', 'Retry-After-Ms': '1000' }],
    ]);
    expect(pacer.verifyClient.length).toBe(2); // ws calls a two-argument verifyClient asynchronously
  });

  it('checks its options, naming the bad one', () => {
    expect(() => createUpgradePacer({ rate: 0 })).toThrow(OptionRangeError);
    expect(() => createUpgradePacer({ rate: 0 })).toThrow(/`rate`/);
    expect(() => createUpgradePacer({ rate: Number.NaN })).toThrow(OptionRangeError);
    expect(() => createUpgradePacer({ rate: '10' as unknown as number })).toThrow(OptionTypeError);
    expect(() => createUpgradePacer({ rate: 10, burst: 0.5 })).toThrow(/`burst`/);
    expect(() => createUpgradePacer({ rate: 10, brust: 5 } as never)).toThrow(/brust/);
    expect(() => createUpgradePacer({ rate: 10, now: 5 as never })).toThrow(TypeError);
  });
});

describe('createUpgradePacer: tested with 500 real clients on loopback', () => {
  it('admits 500 lifeline clients at 100 per second, never more than rate + burst in any second', async () => {
    const rate = 100;
    const burst = 10;
    const clients = 500;
    const pacer = createUpgradePacer({ rate, burst });
    const server = http.createServer((_request, response) => response.writeHead(426).end());
    const sockets = new Set<net.Socket>();
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    const wss = new WebSocketServer({ server, verifyClient: pacer.verifyClient });
    const admittedAt: number[] = [];
    wss.on('connection', (ws) => {
      admittedAt.push(performance.now());
      ws.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const connections: Connection[] = [];
    onTestFinished(async () => {
      for (const connection of connections) connection.close();
      for (const ws of wss.clients) ws.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const started = performance.now();
    for (let i = 0; i < clients; i += 1) {
      connections.push(createConnection({ url: `ws://127.0.0.1:${port}/` }));
    }
    const connected = () => connections.filter((c) => c.status.state === 'connected').length;
    await until(
      () => connected() === clients,
      14_000,
      `all ${clients} connected (${connected()} so far)`,
    );
    const took = performance.now() - started;

    expect(connected()).toBe(clients);
    expect(pacer.counts.admitted).toBe(clients);
    expect(admittedAt).toHaveLength(clients);
    let most = 0;
    for (let i = 0, j = 0; i < admittedAt.length; i += 1) {
      while ((admittedAt[i] as number) - (admittedAt[j] as number) >= 1000) j += 1;
      most = Math.max(most, i - j + 1);
    }
    expect(most).toBeLessThanOrEqual(rate + burst);
    console.log(
      `upgrade pacer: ${clients} lifeline clients connected in ${(took / 1000).toFixed(1)} s at ${rate}/s (ideal ${((clients - burst) / rate).toFixed(1)} s); ${pacer.counts.refused} upgrades refused with Retry-After; at most ${most} admitted in any 1 s`,
    );
  }, 20_000);
});
