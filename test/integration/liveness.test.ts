import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { WebSocket } from 'ws';
import { SimulatedClock } from 'xstate';
import type { Connection } from '../../src/client/create-connection.js';
import type { Receipt } from '../../src/client/delivery/receipt.js';
import { wakeCheckInterval, wakeProbeTimeout } from '../../src/client/liveness.js';
import { type Clock, systemClock } from '../../src/core/clock.js';
import { network, statusWhere } from '../support/integration.js';

/** Moves a simulated clock forward 1 ms at a time, as real time passes: every timer fires on time. */
function advance(clock: SimulatedClock, ms: number): void {
  for (let i = 0; i < ms; i += 1) clock.increment(1);
}

/** `ws` sockets that the test can watch (pings sent, pongs received), the latest one first. */
function watchedSockets() {
  const made: WebSocket[] = [];
  let pings = 0;
  class WatchedWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      made.unshift(this);
    }
    override ping(...args: Parameters<WebSocket['ping']>): void {
      pings += 1;
      super.ping(...args);
    }
  }
  return {
    WebSocket: WatchedWebSocket as never,
    pings: () => pings,
    /** Resolves at the next pong on the latest socket (after the transport has seen it). */
    nextPong: () =>
      new Promise<void>((resolve) => {
        made[0]?.once('pong', () => resolve());
      }),
  };
}

describe('half-open sockets', () => {
  const heartbeat = { interval: 300, timeout: 300 };

  it('notices a black hole by an unanswered probe, reconnects, and loses nothing in ack mode', async () => {
    const { server, proxy, connect } = await network();
    const connection = connect({
      ack: true,
      heartbeat,
      backoff: { initialDelay: 10, maxDelay: 50 },
    });
    const lost: string[] = [];
    proxy.observe((chunk) => {
      if (chunk.fate !== 'forwarded') lost.push(`${chunk.direction} ${chunk.fate}`);
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    for (let i = 0; i < 10; i += 1) connection.send(`before ${i}`);
    await statusWhere(connection, (s) => s.inFlight === 0, 10_000);

    proxy.blackhole(true);
    const holeAt = Date.now();
    const intoTheHole: Receipt[] = [];
    const sending = setInterval(
      () => intoTheHole.push(connection.send(`hole ${intoTheHole.length}`)),
      20,
    );
    // Generous: exact timing is test/liveness.test.ts's, on a simulated clock.
    const noticed = await statusWhere(connection, (s) => s.state !== 'connected', 20_000);
    const detectedIn = Date.now() - holeAt;
    clearInterval(sending);
    proxy.blackhole(false);

    expect(noticed.lastClose?.reason).toBe('heartbeat timeout');
    // The verdict followed a probe (or messages) that the hole swallowed, not a guess.
    expect(lost).toContain('up blackholed');
    await statusWhere(connection, (s) => s.state === 'connected', 20_000);
    await statusWhere(connection, (s) => s.inFlight === 0 && s.queued === 0, 20_000);
    const settled = await Promise.all(intoTheHole.map((receipt) => receipt.settled));
    expect(settled.every((receipt) => receipt.state === 'acked')).toBe(true);
    expect(server.received.slice(10)).toEqual(intoTheHole.map((_, i) => `hole ${i}`));
    expect(server.received).toHaveLength(10 + intoTheHole.length);
    expect(server.outOfOrder).toBe(0);
    expect(server.gaps).toBe(0);
    console.log(
      `black hole: noticed after ${detectedIn} ms (interval ${heartbeat.interval} + timeout ${heartbeat.timeout}); ` +
        `${intoTheHole.length} messages sent into it, all delivered after reconnecting`,
    );
  });

  it('a message written in the turn the heartbeat gives up, then the hole lifts: nothing lost, nothing wrongly acked (ack mode)', async () => {
    const { server, proxy, connect } = await network();
    // Every timer callback of the connection (heartbeat checks, backoff, timeouts) is preceded by a
    // send: the check that declares the socket dead always runs right after a write to that socket.
    let connection: Connection | undefined;
    let sending = true;
    const receipts: Receipt[] = [];
    const texts = new Map<Receipt, string>();
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (callback, ms) =>
        systemClock.setTimeout(() => {
          if (connection && sending) {
            const text = `tick ${receipts.length}`;
            const receipt = connection.send(text);
            receipts.push(receipt);
            texts.set(receipt, text);
          }
          callback();
        }, ms),
      clearTimeout: (handle) => systemClock.clearTimeout(handle),
    };
    const afterLoss: number[] = [];
    proxy.observe((chunk) => {
      if (chunk.direction === 'up' && chunk.fate === 'after-loss') afterLoss.push(chunk.bytes);
    });
    connection = connect({
      ack: true,
      clock,
      heartbeat: { interval: 100, timeout: 100 },
      backoff: { initialDelay: 10, maxDelay: 50 },
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    await statusWhere(connection, (s) => s.inFlight === 0 && receipts.length > 0, 10_000);

    proxy.blackhole(true);
    const noticed = await statusWhere(connection, (s) => s.state !== 'connected', 20_000);
    // Same turn as the verdict: the message written just before it is still unread by the proxy.
    proxy.blackhole(false);
    expect(noticed.lastClose?.reason).toBe('heartbeat timeout');

    await statusWhere(connection, (s) => s.state === 'connected', 20_000);
    sending = false;
    await statusWhere(connection, (s) => s.inFlight === 0 && s.queued === 0, 20_000);
    await Promise.all(receipts.map((receipt) => receipt.settled));

    // No receipt says acked for a message the server does not have, and none is left unacked.
    for (const receipt of receipts) {
      if (receipt.state === 'acked') expect(server.received).toContain(texts.get(receipt));
    }
    expect(receipts.map((receipt) => receipt.state)).toEqual(receipts.map(() => 'acked'));
    expect(server.received).toEqual(receipts.map((_, i) => `tick ${i}`));
    expect(server.outOfOrder).toBe(0);
    expect(server.gaps).toBe(0);
    // The sequence happened: the proxy read a chunk after the lift on the dead connection, and dropped it.
    expect(afterLoss.length).toBeGreaterThan(0);
  });

  it("in Node, uses ws even where a global WebSocket exists (Node 22's cannot ping), so a black hole is still seen", async () => {
    let globalConstructed = 0;
    vi.stubGlobal(
      'WebSocket',
      class GlobalWebSocketWithoutPing {
        constructor() {
          globalConstructed += 1;
          throw new Error('the global WebSocket was used');
        }
      },
    );
    onTestFinished(() => {
      vi.unstubAllGlobals();
    });
    const { proxy, connect } = await network();
    const clock = new SimulatedClock();
    const connection = connect({ clock, heartbeat });
    await statusWhere(connection, (s) => s.state === 'connected');
    proxy.blackhole(true);
    advance(clock, heartbeat.interval + heartbeat.timeout);
    const noticed = connection.status;
    proxy.blackhole(false);
    expect(noticed.state).not.toBe('connected');
    expect(noticed.lastClose?.reason).toBe('heartbeat timeout');
    expect(globalConstructed).toBe(0);
  });

  // Simulated time over real sockets: the heartbeat's timers fire when the test moves the clock,
  // replies arrive when they arrive; no verdict depends on how busy the machine is.
  it('keeps a quiet but healthy connection: each probe is answered before its timeout', async () => {
    const { proxy, connect } = await network();
    const clock = new SimulatedClock();
    const sockets = watchedSockets();
    const timing = { interval: 1000, timeout: 400 };
    const connection = connect({ clock, heartbeat: timing, WebSocket: sockets.WebSocket });
    await statusWhere(connection, (s) => s.state === 'connected');
    let at = clock.now();
    for (let probe = 1; probe <= 5; probe += 1) {
      const pong = sockets.nextPong();
      for (let ms = 0; sockets.pings() < probe && ms < 2 * timing.interval; ms += 1) {
        advance(clock, 1);
      }
      // Each probe goes out `interval` after the last inbound frame (the previous pong).
      expect(clock.now() - at).toBe(timing.interval);
      at = clock.now();
      await pong;
      advance(clock, timing.timeout);
      expect(connection.status.state).toBe('connected');
    }
    expect(proxy.accepted).toBe(1);
  });

  it('declares a quiet socket dead exactly `timeout` after an unanswered probe', async () => {
    const { proxy, connect } = await network();
    const clock = new SimulatedClock();
    const timing = { interval: 1000, timeout: 1000 };
    const connection = connect({ clock, heartbeat: timing, backoff: { initialDelay: 10 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    proxy.blackhole(true);
    advance(clock, timing.interval + timing.timeout - 1);
    expect(connection.status.state).toBe('connected');
    advance(clock, 1);
    expect(connection.status.state).not.toBe('connected');
    expect(connection.status.lastClose?.reason).toBe('heartbeat timeout');
    proxy.blackhole(false);
    advance(clock, 10);
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(proxy.accepted).toBe(2);
  });

  it('after the process slept, probes at once and replaces a dead socket wakeProbeTimeout later', async () => {
    const { proxy, connect } = await network();
    const clock = new SimulatedClock();
    const connection = connect({ clock, heartbeat: { interval: 60_000, timeout: 30_000 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    proxy.blackhole(true);
    // Ten minutes pass in one step: the next check fires that late, as after a sleep.
    clock.increment(10 * 60_000);
    advance(clock, wakeProbeTimeout - 1);
    expect(connection.status.state).toBe('connected');
    advance(clock, 1);
    expect(connection.status.state).not.toBe('connected');
    expect(connection.status.lastClose?.reason).toBe('no reply after wake');
    proxy.blackhole(false);
    // No backoff wait: the socket that slept is replaced at once.
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(proxy.accepted).toBe(2);
  });

  it('after the process slept, keeps a socket that answers the probe', async () => {
    const { proxy, connect } = await network();
    const clock = new SimulatedClock();
    const sockets = watchedSockets();
    const connection = connect({
      clock,
      heartbeat: { interval: 60_000, timeout: 30_000 },
      WebSocket: sockets.WebSocket,
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    const pong = sockets.nextPong();
    clock.increment(10 * 60_000);
    await pong;
    advance(clock, wakeCheckInterval + wakeProbeTimeout);
    expect(connection.status.state).toBe('connected');
    expect(proxy.accepted).toBe(1);
  });
});
