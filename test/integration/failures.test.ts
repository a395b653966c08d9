import http from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import { createConnection } from '../../src/client/create-connection.js';
import {
  ConnectionClosedError,
  FatalCloseError,
  type LifelineError,
  MessageTooLargeError,
  OutboxOverflowError,
  RetriesExhaustedError,
  SyncFailedError,
  UserCallbackError,
} from '../../src/core/errors/index.js';
import { network, statusWhere, until } from '../support/integration.js';
import { listenLocally } from '../support/listen-locally.js';

const fast = { initialDelay: 10, maxDelay: 20 };

function collect(connection: { onError(listener: (error: LifelineError) => void): unknown }) {
  const errors: LifelineError[] = [];
  connection.onError((error) => errors.push(error));
  return errors;
}

/**
 * A `ws` server on 127.0.0.1, port 0, with a `maxPayload`, that speaks the
 * default ack envelope: it takes id n only when n follows the last id it
 * took, acknowledges cumulatively, and tells each new socket where it is.
 */
async function limitedServer(maxPayload: number) {
  const web = http.createServer();
  const wss = new WebSocketServer({ server: web, maxPayload });
  const received: string[] = [];
  const ids: number[] = [];
  let ackedThrough = 0;
  wss.on('connection', (socket) => {
    socket.on('error', () => undefined);
    if (ackedThrough > 0) socket.send(`{"ack":${ackedThrough}}`);
    socket.on('message', (raw) => {
      const text = String(raw);
      const envelope = text.startsWith('{"id"')
        ? (JSON.parse(text) as { id: number; data: string })
        : undefined;
      if (!envelope) {
        received.push(text);
        return;
      }
      ids.push(envelope.id);
      if (envelope.id === ackedThrough + 1) {
        ackedThrough = envelope.id;
        received.push(envelope.data);
      }
      socket.send(`{"ack":${ackedThrough}}`);
    });
  });
  const port = await listenLocally(web, 0);
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => web.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${port}/`, received, ids, wss };
}

describe('every give-up reaches onError', () => {
  it('maxAttempts exhausted: a RetriesExhaustedError with the attempts and the last close', async () => {
    const { proxy, connect } = await network();
    proxy.refuse(true);
    const connection = connect({ maxAttempts: 2, backoff: fast, heartbeat: false });
    const errors = collect(connection);
    await statusWhere(connection, (s) => s.state === 'failed');
    await until(() => errors.length > 0, 1000, 'the error');
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect(error?.code).toBe('ERR_LIFELINE_RETRIES_EXHAUSTED');
    expect((error as RetriesExhaustedError).attempts).toBe(2);
    expect((error as RetriesExhaustedError).lastClose?.code).toBe(1006);
    expect(error?.message).toMatch(
      /^gave up after 2 reconnection attempts \(maxAttempts\); the last ended with 1006/,
    );
    // The first attempt and two reconnection attempts.
    expect(proxy.accepted).toBe(3);
  });

  it('a url() that throws or rejects is reported each time, and the connection keeps trying', async () => {
    const { proxy, connect } = await network();
    let calls = 0;
    const connection = connect({
      backoff: fast,
      heartbeat: false,
      url: async () => {
        calls += 1;
        if (calls === 1) throw new Error('token service down');
        if (calls === 2) return Promise.reject(new Error('still down'));
        return proxy.url;
      },
    });
    const errors = collect(connection);
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(errors.map((e) => [e.constructor, e.message])).toEqual([
      [UserCallbackError, '`url` failed: token service down'],
      [UserCallbackError, '`url` failed: still down'],
    ]);
  });

  it('a url() that returns no WebSocket URL is fatal at once, as it is at creation', async () => {
    const { connect } = await network();
    let calls = 0;
    const connection = connect({
      backoff: fast,
      url: () => {
        calls += 1;
        return 'ftp://127.0.0.1/files';
      },
    });
    const errors = collect(connection);
    const failed = await statusWhere(connection, (s) => s.state === 'failed');
    expect(calls).toBe(1);
    expect(failed.lastClose?.reason).toMatch(
      /^url\(\) gave no usable WebSocket URL: `url` must be/,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FatalCloseError);
  });

  it('a sync that throws: a SyncFailedError with the cause, then a retry', async () => {
    const { connect } = await network();
    let syncs = 0;
    const cause = new Error('history service down');
    const connection = connect({
      backoff: fast,
      sync: async () => {
        syncs += 1;
        if (syncs === 1) throw cause;
      },
    });
    const errors = collect(connection);
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SyncFailedError);
    expect((errors[0] as SyncFailedError).timedOut).toBe(false);
    expect(errors[0]?.cause).toBe(cause);
    expect(errors[0]?.message).toBe('sync failed: history service down');
  });

  it('a sync that outlives syncTimeout: a SyncFailedError that says so', async () => {
    const { connect } = await network();
    let syncs = 0;
    const connection = connect({
      backoff: fast,
      syncTimeout: 50,
      sync: ({ signal }) => {
        syncs += 1;
        if (syncs > 1) return undefined;
        return new Promise<void>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    });
    const errors = collect(connection);
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(errors.map((e) => [e.code, (e as SyncFailedError).timedOut, e.message])).toEqual([
      ['ERR_LIFELINE_SYNC_FAILED', true, 'sync did not finish within syncTimeout (50 ms)'],
    ]);
  });

  it('an outbox refusal under reject reaches onError as well as the receipt', async () => {
    const { proxy, connect } = await network();
    proxy.refuse(true);
    const connection = connect({ backoff: fast, outbox: { maxMessages: 1 } });
    const errors = collect(connection);
    connection.send('kept');
    const refused = connection.send('refused');
    expect(refused.state).toBe('rejected');
    expect(errors).toEqual([refused.error]);
    expect(errors[0]).toBeInstanceOf(OutboxOverflowError);
    expect((errors[0] as OutboxOverflowError).data).toBe('refused');
  });

  it('close() reports each message it drops, and in ack mode each it leaves unacknowledged', async () => {
    const { server, connect } = await network();
    server.acknowledge = false;
    const connection = connect({ ack: true, heartbeat: false });
    const errors = collect(connection);
    await statusWhere(connection, (s) => s.state === 'connected');
    const written = [connection.send('one'), connection.send('two')];
    connection.setOnline(false);
    const queued = connection.send('three');
    connection.close();
    expect(written.map((r) => [r.state, r.id, r.error?.code])).toEqual([
      ['unconfirmed', 1, 'ERR_LIFELINE_CLOSED'],
      ['unconfirmed', 2, 'ERR_LIFELINE_CLOSED'],
    ]);
    expect(queued.state).toBe('dropped');
    expect(errors.map((e) => [e.constructor, (e as ConnectionClosedError).messageId])).toEqual([
      [ConnectionClosedError, 1],
      [ConnectionClosedError, 2],
      [ConnectionClosedError, undefined],
    ]);
    expect(errors[0]?.message).toMatch(/before the server acknowledged message 1/);
  });
});

describe('one oversized message does not block the queue', () => {
  const limit = 1 << 20;

  it.each([
    ['ack mode', true],
    ['without ack mode', false],
  ])(
    '%s: the server closes with 1009, that message is rejected, the rest arrive',
    async (_mode, ack) => {
      const server = await limitedServer(limit);
      const connection = createConnection({
        url: server.url,
        ack,
        backoff: fast,
        heartbeat: false,
      });
      onTestFinished(() => connection.close());
      const errors = collect(connection);
      await statusWhere(connection, (s) => s.state === 'connected');
      const before = connection.send('before');
      if (ack) await before.settled;
      const big = connection.send('z'.repeat(2 * limit));
      const after = ['a', 'b', 'c'].map((text) => connection.send(text));
      await big.settled;
      expect(big.state).toBe('rejected');
      expect(big.error).toBeInstanceOf(MessageTooLargeError);
      expect(big.error?.message).toMatch(/of 2097152 bytes was refused by the server \(close 1009/);
      expect(errors).toContain(big.error);
      const expected = ack ? ['before', 'a', 'b', 'c'] : ['before'];
      await until(() => server.received.length >= expected.length, 5000, 'the messages');
      if (ack) {
        await Promise.all(after.map((receipt) => receipt.settled));
        expect(after.map((receipt) => receipt.state)).toEqual(['acked', 'acked', 'acked']);
        // The refused message's id went to the next message: the server never saw a hole.
        expect(after.map((receipt) => receipt.id)).toEqual([2, 3, 4]);
        expect(server.received).toEqual(expected);
      } else {
        // Written behind the big one on a socket the server closed: honestly unconfirmed.
        await Promise.all(after.map((receipt) => receipt.settled));
        expect(after.map((receipt) => receipt.state)).toEqual([
          'unconfirmed',
          'unconfirmed',
          'unconfirmed',
        ]);
      }
      expect(connection.status.state).not.toBe('failed');
      await statusWhere(connection, (s) => s.state === 'connected');
      const later = connection.send('later');
      await until(() => server.received.includes('later'), 5000, 'a message after the reconnect');
      if (ack) expect((await later.settled).state).toBe('acked');
    },
  );

  it('maxMessageSize rejects at send(), with the size, and takes no id', async () => {
    const { server, connect } = await network();
    const connection = connect({ ack: true, maxMessageSize: 10 });
    const errors = collect(connection);
    const big = connection.send('x'.repeat(11));
    expect(big.state).toBe('rejected');
    expect(big.id).toBeUndefined();
    expect(big.error?.message).toBe('a message of 11 bytes exceeds maxMessageSize 10');
    expect(errors).toEqual([big.error]);
    const small = connection.send('fits');
    expect((await small.settled).state).toBe('acked');
    expect(small.id).toBe(1);
    expect(server.received).toEqual(['fits']);
  });

  it('a refused upgrade with a 4xx status is fatal and says which status, except 408/425/429', async () => {
    const { server, connect } = await network();
    server.admission = { kind: 'refuse', status: 404 };
    const connection = connect({ backoff: fast });
    const errors = collect(connection);
    await statusWhere(connection, (s) => s.state === 'failed');
    expect(server.upgrades).toBe(1);
    expect(errors[0]).toBeInstanceOf(FatalCloseError);
    expect((errors[0] as FatalCloseError).status).toBe(404);
    expect(errors[0]?.message).toMatch(/HTTP 404/);

    server.admission = { kind: 'refuse', status: 429 };
    const patient = connect({ backoff: fast, maxAttempts: 3 });
    await statusWhere(patient, (s) => s.state === 'failed');
    // Retried: the first attempt and three reconnection attempts.
    expect(server.upgrades).toBe(1 + 4);
  });
});

describe('ids the server can trust', () => {
  it('are contiguous: refused, oversized and dropped messages take none', async () => {
    const { server, proxy, connect } = await network();
    proxy.refuse(true);
    const connection = connect({
      ack: true,
      backoff: fast,
      maxMessageSize: 100,
      outbox: { maxMessages: 3, overflow: 'drop-oldest' },
    });
    const errors = collect(connection);
    connection.send('dropped');
    connection.send(new Uint8Array([1, 2, 3]));
    connection.send('y'.repeat(101));
    const kept = ['one', 'two', 'three'].map((text) => connection.send(text));
    expect(kept.map((receipt) => receipt.state)).toEqual(['queued', 'queued', 'queued']);
    expect(errors.map((error) => error.code)).toEqual([
      'ERR_LIFELINE_INVALID_DATA',
      'ERR_LIFELINE_MESSAGE_TOO_LARGE',
      'ERR_LIFELINE_OUTBOX_OVERFLOW',
    ]);
    expect(errors[0]?.message).toMatch(/the default ack envelope .* carries text only/);
    proxy.refuse(false);
    connection.retryNow();
    await Promise.all(kept.map((receipt) => receipt.settled));
    expect(kept.map((receipt) => [receipt.id, receipt.state])).toEqual([
      [1, 'acked'],
      [2, 'acked'],
      [3, 'acked'],
    ]);
    expect(server.received).toEqual(['one', 'two', 'three']);
    expect(server.outOfOrder).toBe(0);
  });
});
