import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { wakeCheckInterval, wakeProbeTimeout } from '../../src/liveness.js';
import type { Receipt } from '../../src/receipt.js';
import { network, statusWhere, until } from '../support/integration.js';

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

  it('notices a black hole within interval + timeout, reconnects, and loses nothing in ack mode', async () => {
    const { server, proxy, connect } = await network();
    const connection = connect({
      ack: true,
      heartbeat,
      backoff: { initialDelay: 10, maxDelay: 50 },
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    for (let i = 0; i < 10; i += 1) connection.send(`before ${i}`);
    await until(() => connection.status.inFlight === 0, 5000, 'acks before the hole');

    proxy.blackhole(true);
    const holeAt = Date.now();
    const intoTheHole: Receipt[] = [];
    const sending = setInterval(
      () => intoTheHole.push(connection.send(`hole ${intoTheHole.length}`)),
      20,
    );
    const noticed = await statusWhere(connection, (s) => s.state !== 'connected', 5000);
    const detectedIn = Date.now() - holeAt;
    clearInterval(sending);
    proxy.blackhole(false);

    expect(noticed.lastClose?.reason).toBe('heartbeat timeout');
    // Real time: the bound is the heartbeat's, plus timer and event-loop slack.
    expect(detectedIn).toBeLessThanOrEqual(heartbeat.interval + heartbeat.timeout + 200);
    await until(
      () => connection.status.inFlight === 0 && connection.status.queued === 0,
      5000,
      'resend',
    );
    const settled = await Promise.all(intoTheHole.map((receipt) => receipt.settled));
    expect(settled.every((receipt) => receipt.state === 'acked')).toBe(true);
    expect(server.received.slice(10)).toEqual(intoTheHole.map((_, i) => `hole ${i}`));
    console.log(
      `black hole: noticed after ${detectedIn} ms (interval ${heartbeat.interval} + timeout ${heartbeat.timeout}); ` +
        `${intoTheHole.length} messages sent into it, all delivered after reconnecting`,
    );
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
