import { describe, expect, it } from 'vitest';
import type { SyncContext } from '../../src/client/sync-context.js';
import { network, statusWhere, turn, until } from '../support/integration.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('sync before flush', () => {
  it('sends buffered messages only after sync resolved, in order, before anything sent later', async () => {
    const { server, connect } = await network();
    const gate = deferred();
    const contexts: Omit<SyncContext, 'send' | 'onMessage' | 'deliver' | 'signal'>[] = [];
    const connection = connect({
      sync: async ({
        send,
        onMessage: _onMessage,
        deliver: _deliver,
        signal: _signal,
        ...context
      }) => {
        contexts.push(context);
        send('hello from sync');
        await gate.promise;
      },
    });
    connection.send('a');
    connection.send('b');
    await statusWhere(connection, (s) => s.state === 'syncing');
    connection.send('c');
    await until(() => server.received.length === 1, 5000, 'the sync message');
    for (let i = 0; i < 20; i += 1) await turn();
    expect(server.received).toEqual(['hello from sync']);
    expect(connection.status.queued).toBe(3);

    gate.resolve();
    await statusWhere(connection, (s) => s.state === 'connected');
    connection.send('d');
    await until(() => server.received.length === 5, 5000, 'all messages');
    expect(server.received).toEqual(['hello from sync', 'a', 'b', 'c', 'd']);
    expect(contexts).toEqual([
      { isReconnect: false, attempt: 0, lastInboundId: undefined, lastAckedId: 0 },
    ]);
  });

  it('retries with backoff when sync rejects, then succeeds on a fresh socket', async () => {
    const { server, proxy, connect } = await network();
    let runs = 0;
    const connection = connect({
      backoff: { jitter: 'none', initialDelay: 50 },
      sync: async () => {
        runs += 1;
        if (runs === 1) throw new Error('session expired');
      },
    });
    connection.send('kept');
    const waiting = await statusWhere(
      connection,
      (s) => s.state === 'reconnecting' && s.retryAt !== null,
    );
    expect(waiting.lastClose).toEqual({ code: 1006, reason: 'sync failed: session expired' });
    expect(server.received).toEqual([]);
    await statusWhere(connection, (s) => s.state === 'connected');
    await until(() => server.received.length === 1, 5000, 'the kept message');
    expect(server.received).toEqual(['kept']);
    expect(proxy.accepted).toBe(2);
  });

  it('abandons a sync that never settles after syncTimeout, aborting its signal', async () => {
    const { connect } = await network();
    const signals: AbortSignal[] = [];
    const connection = connect({
      syncTimeout: 100,
      backoff: { initialDelay: 10_000 },
      sync: ({ signal }) => {
        signals.push(signal);
        return new Promise(() => undefined);
      },
    });
    const waiting = await statusWhere(
      connection,
      (s) => s.state === 'reconnecting' && s.retryAt !== null,
    );
    expect(waiting.lastClose?.reason).toBe('sync timeout');
    expect(signals[0]?.aborted).toBe(true);
  });

  it('passes what resuming needs: ids seen, the ack high-water mark, isReconnect', async () => {
    const { server, proxy, connect } = await network();
    const contexts: Pick<SyncContext, 'isReconnect' | 'lastInboundId' | 'lastAckedId'>[] = [];
    const connection = connect({
      ack: true,
      backoff: { initialDelay: 10 },
      messageId: (data) => (JSON.parse(String(data)) as { seq?: number }).seq,
      sync: async ({ isReconnect, lastInboundId, lastAckedId }) => {
        contexts.push({ isReconnect, lastInboundId, lastAckedId });
      },
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    connection.send('one');
    connection.send('two');
    await until(
      () => connection.status.inFlight === 0 && server.received.length === 2,
      5000,
      'acks',
    );
    const pushed: string[] = [];
    connection.onMessage((data) => pushed.push(String(data)));
    for (const client of server.clients) client.send(JSON.stringify({ seq: 41 }));
    await until(() => pushed.length === 1, 5000, 'the push');
    proxy.cut();
    await until(() => contexts.length === 2, 5000, 'the second sync');
    expect(contexts).toEqual([
      { isReconnect: false, lastInboundId: undefined, lastAckedId: 0 },
      { isReconnect: true, lastInboundId: 41, lastAckedId: 2 },
    ]);
    expect(server.received).toEqual(['one', 'two']);
    expect(server.outOfOrder).toBe(0);
    expect(server.gaps).toBe(0);
  });
});
