import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebSocketServer } from 'ws';
import { createAckBatcher } from '../../src/server/ack-batcher.js';
import {
  createSessionServer,
  createUpgradePacer,
  type ServerFrame,
  sessionCloseCodes,
} from '../../src/server/index.js';
import { listenLocally } from '../support/listen-locally.js';
import { handshake, hello, rawClient, startSessions } from './session-support.js';

type Welcome = Extract<ServerFrame, { type: 'welcome' }>;

describe('createSessionServer: upstream, exactly once', () => {
  it('hands a resent id to onMessage once and acknowledges it again', async () => {
    const { url, received } = await startSessions({ ackEvery: 1 });
    const { client } = await handshake(url, hello('c1'));
    client.send({ type: 'data', id: 1, data: 'a' });
    client.send({ type: 'data', id: 2, data: 'b' });
    client.send({ type: 'data', id: 1, data: 'a' });
    expect(await client.take(3)).toEqual([
      { type: 'ack', id: 1 },
      { type: 'ack', id: 2 },
      { type: 'ack', id: 2 },
    ]);
    expect(received).toEqual([
      ['c1', 'a'],
      ['c1', 'b'],
    ]);
  });

  it('on a gap sends the pending ack, then closes with 4009; the welcome then says where to resume', async () => {
    const { url, received } = await startSessions({ ackDelay: 10_000 });
    const { client, welcome } = await handshake(url, hello('c2'));
    client.send({ type: 'data', id: 1, data: 'one' });
    client.send({ type: 'data', id: 3, data: 'three' });
    expect(await client.next()).toEqual({ type: 'ack', id: 1 });
    expect(await client.closed).toMatchObject({ code: sessionCloseCodes.upstreamGap });
    expect(received).toEqual([['c2', 'one']]);
    const { token, epoch } = welcome as Welcome;
    const again = await handshake(url, hello('c2', { token, epoch, ackedThrough: 1, lastId: 3 }));
    expect(again.welcome).toMatchObject({ ackedThrough: 1 });
  });

  it('hands messages over one at a time and acknowledges only after the handler settled', async () => {
    const settle: (() => void)[] = [];
    const order: string[] = [];
    const { url } = await startSessions({
      ackDelay: 0,
      onMessage: (_client, data) => {
        order.push(`start ${data}`);
        return new Promise<void>((resolve) => {
          settle.push(() => {
            order.push(`end ${data}`);
            resolve();
          });
        });
      },
    });
    const { client } = await handshake(url, hello('c1'));
    client.send({ type: 'data', id: 1, data: 'a' });
    client.send({ type: 'data', id: 2, data: 'b' });
    await vi.waitFor(() => expect(settle).toHaveLength(1));
    expect(client.pending).toEqual([]);
    settle[0]?.();
    expect(await client.next()).toEqual({ type: 'ack', id: 1 });
    await vi.waitFor(() => expect(settle).toHaveLength(2));
    settle[1]?.();
    expect(await client.next()).toEqual({ type: 'ack', id: 2 });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('reports a handler that throws, and counts the message as taken', async () => {
    const errors: Error[] = [];
    const { url } = await startSessions({
      ackDelay: 0,
      onMessage: () => {
        throw new Error('handler bug');
      },
      onError: (error) => errors.push(error),
    });
    const { client } = await handshake(url, hello('c1'));
    client.send({ type: 'data', id: 1, data: 'a' });
    expect(await client.next()).toEqual({ type: 'ack', id: 1 });
    expect(errors).toMatchObject([{ code: 'ERR_LIFELINE_HANDLER_FAILED', handler: 'onMessage' }]);
  });

  it('closes with 4022 when the ids went backwards', async () => {
    const { url } = await startSessions({ ackDelay: 0 });
    const first = await handshake(url, hello('c1'));
    first.client.send({ type: 'data', id: 1, data: 'a' });
    first.client.send({ type: 'data', id: 2, data: 'b' });
    await first.client.take(2);
    first.client.ws.close();
    await first.client.closed;
    const { token, epoch } = first.welcome as Welcome;
    const client = await rawClient(url);
    client.send(hello('c1', { token, epoch, ackedThrough: 1, lastId: 1 }));
    expect((await client.closed).code).toBe(sessionCloseCodes.idsBackwards);
  });
});

describe('createSessionServer: limits', () => {
  it('closes a flooding socket with 4029', async () => {
    const { url } = await startSessions({ maxFramesPerSecond: 1, frameBurst: 5 });
    const { client } = await handshake(url, hello('c1'));
    for (let i = 0; i < 10; i += 1) client.send({ type: 'ack', offset: 0 });
    expect((await client.closed).code).toBe(sessionCloseCodes.flood);
  });

  it('closes on a frame over maxPayload with 1009', async () => {
    const { url, received } = await startSessions({ maxPayload: 1024 });
    const { client } = await handshake(url, hello('c1'));
    client.send({ type: 'data', id: 1, data: 'x'.repeat(2000) });
    expect((await client.closed).code).toBe(1009);
    expect(received).toEqual([]);
  });
});

describe('the ack batcher', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('acknowledges every `every` messages, or `delay` ms after the first unacknowledged one', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const acks = createAckBatcher(3, 20, (id) => sent.push(id));
    for (const id of [1, 2, 3, 4, 5, 6, 7]) acks.note(id);
    expect(sent).toEqual([3, 6]);
    vi.advanceTimersByTime(19);
    expect(sent).toEqual([3, 6]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([3, 6, 7]);
    acks.note(8);
    acks.stop();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([3, 6, 7]);
  });
});

describe('createSessionServer: plugs in', () => {
  it('works behind createUpgradePacer: the pacer refuses with 503 first', async () => {
    const pacer = createUpgradePacer({ rate: 0.001, burst: 1 });
    const { url } = await startSessions({
      verifyClient: pacer.verifyClient,
      authenticate: () => 'alice',
    });
    const { welcome } = await handshake(url, hello('c1'));
    expect(welcome.type).toBe('welcome');
    await expect(rawClient(url)).rejects.toThrow('HTTP 503');
    expect(pacer.counts).toEqual({ admitted: 1, refused: 1 });
  });

  it('serves upgrades handed over with noServer and handleUpgrade', async () => {
    const server = http.createServer();
    const sessions = createSessionServer({
      noServer: true,
      authenticate: () => 'bob',
      onMessage: () => undefined,
    });
    server.on('upgrade', (request, socket, head) => sessions.handleUpgrade(request, socket, head));
    const port = await listenLocally(server);
    try {
      const { client } = await handshake(`ws://127.0.0.1:${port}/`, hello('c1'));
      expect(sessions.clients()).toEqual([{ clientId: 'c1', identity: 'bob' }]);
      await sessions.send('c1', 'hi');
      expect(await client.next()).toEqual({ type: 'data', offset: 1, data: 'hi' });
      client.ws.close();
      await client.closed;
    } finally {
      await sessions.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await expect(sessions.send('c1', 'late')).rejects.toMatchObject({
      code: 'ERR_LIFELINE_SERVER_CLOSED',
    });
  });
});

describe('createSessionServer: backpressure', () => {
  it('stops reading a socket while 1024 of its frames wait for a slow onMessage, and resumes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    const { url, sessions } = await startSessions({
      ackEvery: 2000,
      ackDelay: 10_000,
      onMessage: async () => {
        await gate;
        handled += 1;
      },
    });
    const { client } = await handshake(url, hello('c1'));
    for (let id = 1; id <= 2000; id += 1) client.send({ type: 'data', id, data: 'x' });
    const [socket] = (sessions.wss as WebSocketServer).clients;
    await vi.waitFor(() => expect(socket?.isPaused).toBe(true));
    expect(handled).toBe(0);
    release();
    expect(await client.next()).toEqual({ type: 'ack', id: 2000 });
    expect(handled).toBe(2000);
    expect(socket?.isPaused).toBe(false);
  });
});
