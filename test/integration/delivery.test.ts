import { describe, expect, it, onTestFinished } from 'vitest';
import type { Connection } from '../../src/client/create-connection.js';
import { createConnection } from '../../src/client/create-connection.js';
import type { Receipt } from '../../src/client/delivery/receipt.js';
import {
  ConnectionClosedError,
  type LifelineError,
  OutboxOverflowError,
} from '../../src/core/errors/index.js';
import { startSessions } from '../server/session-support.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { network, statusWhere, until } from '../support/integration.js';

const total = 5000;

/** What the sender does around each cut. */
interface CutHooks {
  /** Called just before each cut, with the receipts so far. */
  beforeCut?: (receipts: readonly Receipt[]) => void;
  /** While this returns true, the sender sends nothing (and catches up later). */
  paused?: () => boolean;
}

/**
 * Sends `total` numbered messages at about one per millisecond while the proxy
 * cuts every 250 ms. `receipts[i]` is the receipt of message `String(i)`.
 */
async function sendThroughCuts(connection: Connection, proxy: FaultProxy, hooks: CutHooks = {}) {
  const receipts: Receipt[] = [];
  const cuts = setInterval(() => {
    hooks.beforeCut?.(receipts);
    proxy.cut();
  }, 250);
  try {
    await new Promise<void>((resolve) => {
      let next = 0;
      const started = Date.now();
      const tick = () => {
        // About one per ms: catch up with the wall clock, never faster.
        const due = Math.min(total, Date.now() - started + 1);
        while (next < due && !hooks.paused?.()) receipts.push(connection.send(String(next++)));
        if (next < total) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
  } finally {
    clearInterval(cuts);
  }
  return receipts;
}

const fastBackoff = { initialDelay: 10, maxDelay: 100 };

describe('delivery through repeated cuts', () => {
  it('in ack mode: all 5,000 arrive, in order, none duplicated after de-duplication by id', async () => {
    const { server, proxy, connect } = await network();
    const connection = connect({
      ack: true,
      backoff: fastBackoff,
      sync: async ({ send, onMessage }) =>
        new Promise((resolve) => {
          onMessage((data) => {
            const reply = JSON.parse(String(data)) as { welcome?: boolean; ackedThrough?: number };
            if (reply.welcome) resolve({ ackedThrough: reply.ackedThrough ?? 0 });
          });
          send(JSON.stringify({ hello: 'delivery-test' }));
        }),
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    const receipts = await sendThroughCuts(connection, proxy);
    const settled = await Promise.all(receipts.map((receipt) => receipt.settled));
    expect(settled.every((receipt) => receipt.state === 'acked')).toBe(true);
    expect(server.received).toEqual(Array.from({ length: total }, (_, i) => String(i)));
    expect(server.outOfOrder).toBe(0);
    expect(server.gaps).toBe(0);
    console.log(
      `ack mode: ${proxy.accepted - 1} reconnects, ${total} sent, ${server.received.length} delivered, ` +
        `0 lost, ${server.duplicates} resends dropped by id, 0 duplicated after de-duplication`,
    );
  }, 60_000);

  it('in session mode against createSessionServer: all 5,000 arrive once each, in order, both ways', async () => {
    // The server answers each message with an echo: echoes sent while the client is away are
    // replayed when it is back.
    const taken: string[] = [];
    const { sessions, url } = await startSessions({
      onMessage: async (client, data) => {
        taken.push(String(data));
        await sessions.send(client.clientId, `echo ${String(data)}`);
      },
    });
    const proxy = await FaultProxy.start(Number(new URL(url).port));
    const connection = createConnection({
      url: proxy.url,
      session: true,
      backoff: fastBackoff,
      heartbeat: false,
    });
    const echoes: string[] = [];
    connection.onMessage((data) => echoes.push(String(data)));
    const errors: string[] = [];
    connection.onError((error) => errors.push(error.code));
    onTestFinished(async () => {
      connection.close();
      await proxy.close();
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    const receipts = await sendThroughCuts(connection, proxy);
    const settled = await Promise.all(receipts.map((receipt) => receipt.settled));
    expect(settled.every((receipt) => receipt.state === 'acked')).toBe(true);
    const all = Array.from({ length: total }, (_, i) => String(i));
    expect(taken).toEqual(all);
    await until(() => echoes.length >= total, 20_000, 'every echo');
    expect(echoes).toEqual(all.map((text) => `echo ${text}`));
    expect(errors).toEqual([]);
    console.log(
      `session mode: ${proxy.accepted - 1} reconnects, ${total} sent and ${taken.length} taken once each, ` +
        `${echoes.length} echoes delivered once each`,
    );
  }, 60_000);

  it('without ack mode: delivered means arrived, and only what was in flight at a cut is unconfirmed', async () => {
    const { server, proxy, connect } = await network();
    const connection = connect({
      backoff: fastBackoff,
      // Probes every 20 ms of quiet confirm what was written; the timeout is long so that only
      // the proxy's cuts end sockets, even on a busy machine.
      heartbeat: { interval: 20, timeout: 5000 },
    });
    await statusWhere(connection, (s) => s.state === 'connected');

    // At each cut, the receipts that may still end unconfirmed: those written and not yet
    // confirmed (`sent`), and those queued (a socket that opened just before the cut may take the
    // queue before the client learns of the cut). From the cut until the client has seen its
    // socket go, the sender pauses, so nothing else can be written to the dead socket.
    const atCuts: { sent: number; queued: number; delivered: number }[] = [];
    let awaitingDrop = false;
    connection.subscribe((status) => {
      if (status.state !== 'connected' && status.state !== 'syncing') awaitingDrop = false;
    });
    const receipts = await sendThroughCuts(connection, proxy, {
      beforeCut: (sofar) => {
        const count = (state: string) => sofar.filter((r) => r.state === state).length;
        atCuts.push({
          sent: count('sent'),
          queued: count('queued'),
          delivered: count('delivered'),
        });
        awaitingDrop = true;
      },
      paused: () => awaitingDrop,
    });
    await statusWhere(connection, (s) => s.state === 'connected' && s.queued === 0, 10_000);
    await until(() => receipts.every((r) => r.state !== 'queued'), 10_000, 'the outbox to drain');
    // close() is the last end of a socket: what is still `sent` then may end unconfirmed too.
    const sentAtClose = receipts.filter((r) => r.state === 'sent').length;
    connection.close();
    await Promise.all(receipts.map((receipt) => receipt.settled));

    const arrived = new Set(server.received);
    expect(arrived.size).toBe(server.received.length);
    const message = (index: number) => String(index);
    const lost = receipts.filter((_, i) => !arrived.has(message(i)));
    const unconfirmed = receipts.filter((receipt) => receipt.state === 'unconfirmed');
    const delivered = receipts.filter((receipt) => receipt.state === 'delivered');
    // Every lost message is reported unconfirmed; every delivered one really arrived.
    expect(lost.every((receipt) => receipt.state === 'unconfirmed')).toBe(true);
    expect(receipts.every((r, i) => r.state !== 'delivered' || arrived.has(message(i)))).toBe(true);
    expect(delivered.length + unconfirmed.length).toBe(total);
    // Unconfirmed only for what a cut (or the close) caught in flight, not for everything.
    const inFlight = atCuts.reduce((sum, cut) => sum + cut.sent + cut.queued, sentAtClose);
    expect(atCuts.length).toBeGreaterThan(5);
    expect(unconfirmed.length).toBeLessThanOrEqual(inFlight);
    // And pongs confirm while sockets live, not only the final clean close.
    expect(atCuts.at(-1)?.delivered).toBeGreaterThan(0);
    console.log(
      `without ack: ${total} sent, ${server.received.length} delivered, ${lost.length} lost; ` +
        `receipts: ${delivered.length} delivered, ${unconfirmed.length} unconfirmed (lost ones among them); ` +
        `${atCuts.length} cuts caught ${atCuts.reduce((s, c) => s + c.sent, 0)} sent + ` +
        `${atCuts.reduce((s, c) => s + c.queued, 0)} queued, ${sentAtClose} sent at close`,
    );
  }, 60_000);
});

describe('the overflow policy', () => {
  it('reject: the message over the limit gets an error receipt, the others are kept and sent', async () => {
    const { server, proxy, connect } = await network();
    proxy.refuse(true);
    const connection = connect({
      outbox: { maxMessages: 3, overflow: 'reject' },
      backoff: fastBackoff,
    });
    const receipts = ['a', 'b', 'c', 'd', 'e'].map((text) => connection.send(text));
    expect(receipts.map((r) => r.state)).toEqual([
      'queued',
      'queued',
      'queued',
      'rejected',
      'rejected',
    ]);
    expect(receipts[3]?.error).toBeInstanceOf(OutboxOverflowError);
    expect(receipts[3]?.error?.message).toMatch(/maxMessages 3/);
    proxy.refuse(false);
    connection.retryNow();
    await until(() => server.received.length === 3, 5000, 'the kept messages');
    expect(server.received).toEqual(['a', 'b', 'c']);
  });

  it('drop-oldest: each dropped message is reported, the newest are sent', async () => {
    const { server, proxy, connect } = await network();
    proxy.refuse(true);
    const errors: LifelineError[] = [];
    const connection = connect({
      outbox: { maxMessages: 3, overflow: 'drop-oldest' },
      backoff: fastBackoff,
    });
    connection.onError((error) => errors.push(error));
    const receipts = ['a', 'b', 'c', 'd', 'e'].map((text) => connection.send(text));
    expect(receipts.map((r) => r.state)).toEqual([
      'dropped',
      'dropped',
      'queued',
      'queued',
      'queued',
    ]);
    // Dropped before they were written: no id, the message itself names them.
    expect(errors.map((e) => (e as OutboxOverflowError).messageId)).toEqual([undefined, undefined]);
    expect(errors.map((e) => (e as OutboxOverflowError).data)).toEqual(['a', 'b']);
    proxy.refuse(false);
    connection.retryNow();
    await until(() => server.received.length === 3, 5000, 'the newest messages');
    expect(server.received).toEqual(['c', 'd', 'e']);
  });

  it('bounds bytes too, and a message bigger than maxBytes is refused whatever the policy', async () => {
    const { proxy, connect } = await network();
    proxy.refuse(true);
    const connection = connect({ outbox: { maxBytes: 10, overflow: 'drop-oldest' } });
    expect(connection.send('12345').state).toBe('queued');
    expect(connection.send('12345678901').error?.message).toMatch(
      /11 bytes exceed outbox.maxBytes 10/,
    );
    expect(connection.send('123456').state).toBe('queued');
    expect(connection.status.queued).toBe(1);
  });

  it('after close(), send is rejected and what was queued is dropped, each with an error', async () => {
    const { proxy, connect } = await network();
    proxy.refuse(true);
    const connection = connect();
    const queued = connection.send('never sent');
    connection.close();
    expect(queued.state).toBe('dropped');
    expect(queued.error).toBeInstanceOf(ConnectionClosedError);
    expect(connection.send('late').state).toBe('rejected');
  });
});
