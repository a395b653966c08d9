import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { exponentialDelay } from '../../src/core/backoff.js';
import { network, statusWhere } from '../support/integration.js';

describe('an accept-then-close flapping server', () => {
  it('sees attempts no more often than the growing backoff allows: an unproven open resets nothing', async () => {
    const { server, connect } = await network();
    server.admission = { kind: 'flap' };
    // Real sockets, simulated time: the backoff timers fire only when the test moves the clock,
    // so the schedule is checked to the millisecond however busy the machine is.
    const clock = new SimulatedClock();
    const backoff = { jitter: 'none', initialDelay: 50, factor: 2, maxDelay: 800 } as const;
    const connection = connect({ url: server.url, clock, backoff, heartbeat: false });
    const attempts: number[] = [];
    connection.subscribe((status) => {
      if (status.state === 'reconnecting' && status.retryAt === null) attempts.push(status.attempt);
    });

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      // The previous attempt (the first connection for attempt 1) was upgraded, then closed at once.
      const waiting = await statusWhere(
        connection,
        (s) => s.state === 'reconnecting' && s.retryAt !== null,
      );
      expect(server.upgrades).toBe(attempt);
      const wait = (waiting.retryAt ?? 0) - clock.now();
      waits.push(wait);
      clock.increment(wait - 1);
      expect(connection.status.retryAt).toBe(waiting.retryAt);
      expect(connection.status.attempt).toBe(attempt);
      clock.increment(1);
      expect(connection.status.retryAt).toBeNull();
      expect(connection.status.attempt).toBe(attempt);
    }
    // 50, 100, 200, 400, 800 (the cap), 800, 800 ms: the short-lived opens reset nothing.
    expect(waits).toEqual(waits.map((_, i) => exponentialDelay(i + 1, backoff)));
    expect(waits).toEqual([50, 100, 200, 400, 800, 800, 800]);
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const waiting = await statusWhere(
      connection,
      (s) => s.state === 'reconnecting' && s.retryAt !== null,
    );
    expect(server.upgrades).toBe(8);
    server.admission = { kind: 'accept' };
    clock.increment((waiting.retryAt ?? 0) - clock.now());
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(server.upgrades).toBe(9);
    console.log(`flapping: waits ${waits.join(', ')} ms (simulated clock), then connected`);
  });
});
