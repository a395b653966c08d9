import { describe, expect, it } from 'vitest';
import { exponentialDelay } from '../../src/backoff.js';
import { network, statusWhere } from '../support/integration.js';

describe('an accept-then-close flapping server', () => {
  it('sees attempts no more often than the growing backoff allows: an unproven open resets nothing', async () => {
    const { server, connect } = await network();
    server.admission = { kind: 'flap' };
    const backoff = { jitter: 'none', initialDelay: 50, factor: 2, maxDelay: 800 } as const;
    const upgrades: number[] = [];
    const connection = connect({ url: server.url, backoff });
    const attempts: number[] = [];
    connection.subscribe((status) => {
      if (status.state === 'reconnecting' && status.retryAt === null) attempts.push(status.attempt);
    });
    const started = Date.now();
    const window = 2000;
    const counting = setInterval(() => {
      while (upgrades.length < server.upgrades) upgrades.push(Date.now() - started);
    }, 1);
    await new Promise((resolve) => setTimeout(resolve, window));
    clearInterval(counting);
    server.admission = { kind: 'accept' };

    // Waits of 50, 100, 200, 400, 800 ms: the first attempt and 5 more start within 2 s (the last at 1550 ms).
    let allowed = 1;
    for (let attempt = 1, at = 0; ; attempt += 1) {
      at += exponentialDelay(attempt, backoff);
      if (at > window) break;
      allowed += 1;
    }
    expect(server.upgrades).toBeLessThanOrEqual(allowed);
    expect(server.upgrades).toBeGreaterThanOrEqual(allowed - 1);
    expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    const gaps = upgrades.slice(1).map((at, i) => at - (upgrades[i] ?? 0));
    for (const [i, gap] of gaps.entries()) {
      expect(gap).toBeGreaterThanOrEqual(exponentialDelay(i + 1, backoff) - 5);
    }
    console.log(
      `flapping: ${server.upgrades} attempts in ${window} ms (allowed ${allowed}); gaps ${gaps.join(', ')} ms`,
    );
    await statusWhere(connection, (s) => s.state === 'connected', 5000);
  });
});
