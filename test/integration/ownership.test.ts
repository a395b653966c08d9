import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Status } from '../../src/client/status.js';
import { network, statusWhere, until } from '../support/integration.js';

describe('inbound frames have one owner', () => {
  it('frames that arrive while the sync listens go to the sync only; deliver() hands one on', async () => {
    const { server, connect } = await network();
    const connection = connect({
      sync: ({ send, onMessage, deliver }) =>
        new Promise<void>((resolve) => {
          onMessage((data) => {
            const text = String(data);
            if (text === 'history done') resolve();
            else if (text.startsWith('live:')) deliver(text);
          });
          send('history please');
        }),
    });
    const seen: string[] = [];
    connection.onMessage((data) => seen.push(String(data)));
    await until(() => server.frames.includes('history please'), 5000, 'the sync request');
    for (const client of server.clients) {
      for (const text of ['history 1', 'live: hi', 'history 2', 'history done']) client.send(text);
    }
    await statusWhere(connection, (s) => s.state === 'connected');
    for (const client of server.clients) client.send('after sync');
    await until(() => seen.includes('after sync'), 5000, 'a live message');
    expect(seen).toEqual(['live: hi', 'after sync']);
  });

  it('frames that arrive while the sync has no listener still reach onMessage', async () => {
    const { server, connect } = await network();
    let release: () => void = () => undefined;
    const connection = connect({
      sync: () =>
        new Promise<void>((resolve) => {
          release = resolve;
        }),
    });
    const seen: string[] = [];
    connection.onMessage((data) => seen.push(String(data)));
    await statusWhere(connection, (s) => s.state === 'syncing');
    await until(() => server.clients.size === 1, 5000, 'the socket');
    for (const client of server.clients) client.send('during sync');
    await until(() => seen.length === 1, 5000, 'the frame');
    release();
    expect(seen).toEqual(['during sync']);
  });
});

describe('a status a UI can bind to', () => {
  it('subscribe calls the listener at once, then once per change; closed is emitted once', async () => {
    const { connect } = await network();
    const connection = connect({ heartbeat: false });
    const states: Status['state'][] = [];
    connection.subscribe((status) => states.push(status.state));
    expect(states).toEqual(['connecting']);
    await statusWhere(connection, (s) => s.state === 'connected');
    connection.close();
    expect(states).toEqual(['connecting', 'syncing', 'connected', 'closed']);
  });

  it('never calls a listener twice with the same status', async () => {
    const { server, proxy, connect } = await network();
    const connection = connect({ ack: true, heartbeat: false, backoff: { initialDelay: 10 } });
    const seen: Status[] = [];
    connection.subscribe((status) => seen.push(status));
    await statusWhere(connection, (s) => s.state === 'connected');
    for (let i = 0; i < 20; i += 1) connection.send(`m${i}`);
    proxy.cut();
    await statusWhere(connection, (s) => s.state === 'connected' && s.inFlight === 0);
    await until(() => server.received.length === 20, 5000, 'the messages');
    connection.close();
    const repeated = seen.filter(
      (status, i) => i > 0 && JSON.stringify(status) === JSON.stringify(seen[i - 1]),
    );
    expect(repeated).toEqual([]);
  });

  it('with { counts: false }, a message sent and acknowledged calls the listener no more', async () => {
    const { connect } = await network();
    const connection = connect({ ack: true, heartbeat: false });
    await statusWhere(connection, (s) => s.state === 'connected');
    let calls = 0;
    let everything = 0;
    connection.subscribe(
      () => {
        calls += 1;
      },
      { counts: false },
    );
    connection.subscribe(() => {
      everything += 1;
    });
    for (let i = 0; i < 5; i += 1) {
      const receipt = connection.send(`m${i}`);
      await receipt.settled;
      await until(() => connection.status.inFlight === 0, 5000, 'the ack');
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(1);
    // The counting listener saw the counters move: sent, then acknowledged.
    expect(everything).toBeGreaterThan(1);
    expect(() => connection.subscribe(() => undefined, { counts: 'no' as never })).toThrow(
      '`counts` must be a boolean, got "no"',
    );
  });
});

describe('receipts without ack mode settle on a busy socket', () => {
  it('a socket whose server talks more often than the heartbeat interval still confirms writes', async () => {
    const { server, connect } = await network();
    const connection = connect({ heartbeat: { interval: 60_000, timeout: 10_000 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    await until(() => server.clients.size === 1, 5000, 'the socket');
    // The server sends every 20 ms: the heartbeat never finds the socket quiet.
    const chatter = setInterval(() => {
      for (const client of server.clients) client.send('tick');
    }, 20);
    onTestFinished(() => clearInterval(chatter));
    const receipts = Array.from({ length: 10 }, (_, i) => connection.send(`m${i}`));
    await Promise.all(receipts.map((receipt) => receipt.settled));
    expect(receipts.map((receipt) => receipt.state)).toEqual(Array(10).fill('delivered'));
    expect(server.received).toEqual(receipts.map((_, i) => `m${i}`));
  });
});

describe('a page that becomes visible again', () => {
  it('probes its socket at once, so a socket that died while hidden is replaced without waiting', async () => {
    const page = new EventTarget() as EventTarget & { visibilityState: string };
    page.visibilityState = 'hidden';
    const window = new EventTarget();
    vi.stubGlobal('document', page);
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
    vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
    onTestFinished(() => {
      vi.unstubAllGlobals();
    });
    const { proxy, connect } = await network();
    // Without the visibility probe, this black hole would go unnoticed for a minute.
    const connection = connect({ heartbeat: { interval: 60_000, timeout: 300 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    proxy.blackhole(true);
    page.visibilityState = 'visible';
    page.dispatchEvent(new Event('visibilitychange'));
    const dropped = await statusWhere(connection, (s) => s.state === 'reconnecting', 10_000);
    expect(dropped.lastClose?.reason).toBe('heartbeat timeout');
    connection.close();
  });
});
