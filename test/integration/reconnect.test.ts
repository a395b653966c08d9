import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { nextDelay, resolveBackoffOptions } from '../../src/core/backoff.js';
import { FatalCloseError, type LifelineError } from '../../src/core/errors/index.js';
import { retryAfterPrecision } from '../../src/core/retry-after.js';
import { network, statusWhere, turn } from '../support/integration.js';

describe('reconnecting over real sockets', () => {
  it('reconnects after a cut, exactly when the computed backoff delay has passed', async () => {
    const { proxy, connect } = await network();
    const clock = new SimulatedClock();
    const backoff = { jitter: 'full', random: () => 0.5 } as const;
    const connection = connect({ clock, backoff, heartbeat: false });
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(proxy.accepted).toBe(1);

    proxy.cut();
    const waiting = await statusWhere(
      connection,
      (s) => s.state === 'reconnecting' && s.retryAt !== null,
    );
    const expected = nextDelay(1, 0, resolveBackoffOptions(backoff));
    expect(waiting.retryAt).toBe(clock.now() + expected);

    clock.increment(expected - 1);
    await turn();
    expect(proxy.accepted).toBe(1);
    expect(connection.status.retryAt).not.toBeNull();

    clock.increment(1);
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(proxy.accepted).toBe(2);
    expect(connection.status.attempt).toBe(1);
  });

  it('recovers from a server restart (closed, refusing for 3 s) and drains the outbox', async () => {
    const { server, connect } = await network();
    const connection = connect({
      url: server.url,
      ack: true,
      backoff: { initialDelay: 100, maxDelay: 400 },
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    // Acknowledged before the crash: otherwise, on a loaded machine, the ack can die with the
    // server and 'before' is (rightly) still held for a resend.
    expect((await connection.send('before').settled).state).toBe('acked');
    expect(server.received).toEqual(['before']);

    server.crash();
    const down = Date.now();
    const queued = ['while', 'the', 'server', 'was', 'down'].map((text) => connection.send(text));
    await statusWhere(connection, (s) => s.state === 'reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(connection.status.queued + connection.status.inFlight).toBe(5);
    server.recover();
    await statusWhere(connection, (s) => s.state === 'connected' && s.queued === 0, 5000);
    const settled = await Promise.all(queued.map((receipt) => receipt.settled));
    expect(settled.map((receipt) => receipt.state)).toEqual(Array(5).fill('acked'));
    expect(server.received).toEqual(['before', 'while', 'the', 'server', 'was', 'down']);
    expect(server.outOfOrder).toBe(0);
    expect(server.gaps).toBe(0);
    console.log(`server restart: back ${Date.now() - down} ms after it went down, outbox drained`);
  });

  it('calls an async url function once per attempt', async () => {
    const { proxy, connect } = await network();
    proxy.refuse(true);
    let calls = 0;
    const connection = connect({
      url: async () => {
        calls += 1;
        return proxy.url;
      },
      maxAttempts: 3,
      backoff: { initialDelay: 10, maxDelay: 40 },
    });
    await statusWhere(connection, (s) => s.state === 'failed');
    expect(calls).toBe(4);
    expect(proxy.accepted).toBe(4);
  });

  it('waits exactly the Retry-After-Ms slot (plus at most 100 ms) when the server gives one', async () => {
    const { server, connect } = await network();
    server.admission = { kind: 'refuse', status: 503, retryAfter: '3', retryAfterMs: '2250' };
    const before = Date.now();
    const connection = connect({ url: server.url, backoff: { jitter: 'none', initialDelay: 10 } });
    const waiting = await statusWhere(
      connection,
      (s) => s.state === 'reconnecting' && s.retryAt !== null,
    );
    expect(waiting.lastClose).toEqual({ code: 1006, reason: 'HTTP 503', status: 503 });
    const delay = (waiting.retryAt ?? 0) - before;
    expect(delay).toBeGreaterThanOrEqual(2250);
    expect(delay).toBeLessThanOrEqual(2250 + retryAfterPrecision + (Date.now() - before));
  });

  it('follows HTTP 503 Retry-After at upgrade instead of the backoff delay', async () => {
    const { server, connect } = await network();
    server.admission = { kind: 'refuse', status: 503, retryAfter: '7' };
    const connection = connect({ url: server.url, backoff: { jitter: 'none', initialDelay: 10 } });
    const waiting = await statusWhere(
      connection,
      (s) => s.state === 'reconnecting' && s.retryAt !== null,
    );
    expect(waiting.lastClose).toEqual({ code: 1006, reason: 'HTTP 503', status: 503 });
    const delay = (waiting.retryAt ?? 0) - Date.now();
    expect(delay).toBeGreaterThan(6000);
    expect(delay).toBeLessThanOrEqual(7000);
  });

  it('fails on HTTP 401 at upgrade instead of retrying, and says why', async () => {
    const { server, connect } = await network();
    server.admission = { kind: 'refuse', status: 401 };
    const errors: LifelineError[] = [];
    const connection = connect({ url: server.url, backoff: { initialDelay: 10 } });
    connection.onError((error) => errors.push(error));
    const failed = await statusWhere(connection, (s) => s.state === 'failed');
    expect(failed.lastClose?.status).toBe(401);
    expect(server.upgrades).toBe(1);
    expect(errors[0]).toBeInstanceOf(FatalCloseError);
  });
});
