import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { type Clock, systemClock } from '../../src/clock.js';
import type { Connection } from '../../src/connection.js';
import { wakeCheckInterval, wakeProbeTimeout } from '../../src/liveness.js';
import type { Receipt } from '../../src/receipt.js';
import { network, statusWhere } from '../support/integration.js';

/** Real timers, with a wall clock the test can move forward: a process that slept. */
function sleepableClock(): Clock & { sleep(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    sleep: (ms) => {
      offset += ms;
    },
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
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (callback, ms) =>
        systemClock.setTimeout(() => {
          if (connection && sending) receipts.push(connection.send(`tick ${receipts.length}`));
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
    const settled = await Promise.all(receipts.map((receipt) => receipt.settled));

    expect(settled.map((receipt) => receipt.state)).toEqual(receipts.map(() => 'acked'));
    for (const receipt of settled) {
      expect(server.received).toContain(`tick ${receipt.id - 1}`);
    }
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
    const connection = connect({ heartbeat });
    await statusWhere(connection, (s) => s.state === 'connected');
    proxy.blackhole(true);
    const noticed = await statusWhere(connection, (s) => s.state !== 'connected', 5000);
    proxy.blackhole(false);
    expect(noticed.lastClose?.reason).toBe('heartbeat timeout');
    expect(globalConstructed).toBe(0);
  });

  it('keeps a quiet but healthy connection: pongs answer the probes', async () => {
    const { proxy, connect } = await network();
    const connection = connect({ heartbeat: { interval: 50, timeout: 50 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connection.status.state).toBe('connected');
    expect(proxy.accepted).toBe(1);
  });

  it('after the process slept, probes at once and replaces a dead socket within a second', async () => {
    const { proxy, connect } = await network();
    const clock = sleepableClock();
    const connection = connect({ clock, heartbeat: { interval: 60_000, timeout: 30_000 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    proxy.blackhole(true);
    clock.sleep(10 * 60_000);
    const wokeAt = Date.now();
    await statusWhere(connection, (s) => s.state !== 'connected', 3000);
    expect(connection.status.lastClose?.reason).toBe('no reply after wake');
    proxy.blackhole(false);
    await statusWhere(connection, (s) => s.state === 'connected', 3000);
    const replacedIn = Date.now() - wokeAt;
    expect(replacedIn).toBeLessThanOrEqual(wakeCheckInterval + wakeProbeTimeout + 300);
    expect(proxy.accepted).toBe(2);
    console.log(`woke to a dead socket: replaced ${replacedIn} ms after waking`);
  });

  it('after the process slept, keeps a socket that answers the probe', async () => {
    const { proxy, connect } = await network();
    const clock = sleepableClock();
    const connection = connect({ clock, heartbeat: { interval: 60_000, timeout: 30_000 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    clock.sleep(10 * 60_000);
    await new Promise((resolve) => setTimeout(resolve, wakeCheckInterval + wakeProbeTimeout + 200));
    expect(connection.status.state).toBe('connected');
    expect(proxy.accepted).toBe(1);
  });
});
