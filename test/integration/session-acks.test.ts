import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Connection, createConnection } from '../../src/client/create-connection.js';
import type { ConnectionOptions } from '../../src/client/options.js';
import type { ConnectionError } from '../../src/core/errors/index.js';
import type { HelloFrame } from '../../src/protocol/index.js';
import { TestClock } from '../../src/testing/test-clock.js';
import { until } from '../support/integration.js';
import { type PeerSocket, ProtocolPeer } from '../support/protocol-peer.js';

let peer: ProtocolPeer;
const open: Connection[] = [];

beforeEach(async () => {
  peer = await ProtocolPeer.start();
});

afterEach(async () => {
  for (const connection of open.splice(0)) connection.close();
  await peer.close();
});

function connect(options: Partial<ConnectionOptions>): Connection {
  const connection = createConnection({
    url: peer.url,
    backoff: { initialDelay: 5, maxDelay: 20, jitter: 'none' },
    heartbeat: false,
    ...options,
  } as ConnectionOptions);
  open.push(connection);
  return connection;
}

async function handshake(socket: PeerSocket, epoch = 'e', offset = 0): Promise<HelloFrame> {
  const hello = (await socket.next('hello')) as HelloFrame;
  socket.welcome({ clientId: hello.clientId, epoch, offset });
  socket.send({ type: 'replayed', offset });
  return hello;
}

describe('session mode: downstream acks', () => {
  it('acknowledges every ackEvery messages, and the rest ackDelay ms later on the connection clock', async () => {
    const clock = new TestClock();
    const received: unknown[] = [];
    const connection = connect({ session: { ackEvery: 3, ackDelay: 100 }, clock });
    connection.onMessage((data) => received.push(data));
    const socket = await peer.nextSocket();
    await handshake(socket);
    for (let offset = 1; offset <= 7; offset += 1) {
      socket.send({ type: 'data', offset, data: `m${offset}` });
    }
    await until(() => received.length === 7);
    await until(() => socket.frames.length === 3, 5000, 'two acks');
    expect(socket.frames.slice(1)).toEqual([
      { type: 'ack', offset: 3 },
      { type: 'ack', offset: 6 },
    ]);
    clock.advance(99);
    expect(socket.frames).toHaveLength(3);
    clock.advance(1);
    await until(() => socket.frames.length === 4, 5000, 'the delayed ack');
    expect(socket.frames[3]).toEqual({ type: 'ack', offset: 7 });
  });

  it('sends no ack before replayed: the hello carries the offset', async () => {
    const clock = new TestClock();
    const received: unknown[] = [];
    const connection = connect({ session: { ackEvery: 1, ackDelay: 0 }, clock });
    connection.onMessage((data) => received.push(data));
    const socket = await peer.nextSocket();
    const hello = (await socket.next('hello')) as HelloFrame;
    socket.welcome({ clientId: hello.clientId, epoch: 'e' });
    socket.send({ type: 'data', offset: 1, data: 'replayed one' });
    await until(() => received.length === 1);
    clock.advance(10);
    expect(socket.frames).toHaveLength(1);
    socket.send({ type: 'replayed', offset: 1 });
    await until(() => socket.frames.length === 2, 5000, 'the ack after replayed');
    expect(socket.frames[1]).toEqual({ type: 'ack', offset: 1 });
  });
});

describe('session mode: connection objects', () => {
  it('two connection objects in a row are two clients, each delivering all its messages', async () => {
    for (const round of [1, 2]) {
      const connection = connect({ session: true });
      const receipts = ['a', 'b'].map((text) => connection.send(`${text}${round}`));
      const socket = await peer.nextSocket();
      const hello = await handshake(socket);
      expect(hello.token).toBeUndefined();
      expect(await socket.next()).toEqual({ type: 'data', id: 1, data: `a${round}` });
      expect(await socket.next()).toEqual({ type: 'data', id: 2, data: `b${round}` });
      socket.send({ type: 'ack', id: 2 });
      await Promise.all(receipts.map((receipt) => receipt.settled));
      expect(receipts.map((receipt) => receipt.state)).toEqual(['acked', 'acked']);
      connection.close();
    }
    const [first, second] = peer.sockets.map((socket) => (socket.frames[0] as HelloFrame).clientId);
    expect(first).not.toBe(second);
  });

  it('a second object with the same given clientId is rejected (4013) and moves to a fresh id', async () => {
    const known = new Set<string>();
    for (const round of [1, 2]) {
      const connection = connect({ session: { clientId: 'same' } });
      const receipt = connection.send(`m${round}`);
      let socket = await peer.nextSocket();
      let hello = (await socket.next('hello')) as HelloFrame;
      if (known.has(hello.clientId) && hello.token === undefined) {
        socket.close(4013, 'session rejected');
        socket = await peer.nextSocket();
        hello = (await socket.next('hello')) as HelloFrame;
        expect(hello.clientId).not.toBe('same');
      }
      known.add(hello.clientId);
      socket.welcome({ clientId: hello.clientId, epoch: `e${round}` });
      socket.send({ type: 'replayed', offset: 0 });
      expect(await socket.next()).toEqual({ type: 'data', id: 1, data: `m${round}` });
      socket.send({ type: 'ack', id: 1 });
      await receipt.settled;
      expect(receipt.state).toBe('acked');
      connection.close();
    }
    expect(peer.sockets).toHaveLength(3);
  });
});

describe('session mode: options and data', () => {
  const url = 'ws://127.0.0.1:9/';

  it.each([
    [{ session: true, ack: true }, /`ack` must be left out with `session`/],
    [{ session: true, binaryType: 'blob' }, /`binaryType` must be 'arraybuffer' or 'nodebuffer'/],
    [{ session: 'yes' }, /`session` must be true, false, or an object/],
    [{ session: { clientId: '' } }, /`session.clientId` must be a string of 1 to 256/],
    [{ session: { ackEvery: 0 } }, /`session.ackEvery` must be/],
    [{ session: { ackDelay: -1 } }, /`session.ackDelay` must be/],
    [{ session: { other: 1 } }, /session/],
  ])('refuses %o up front', (options, message) => {
    expect(() => createConnection({ url, ...options } as ConnectionOptions)).toThrow(message);
  });

  it('rejects a Blob at send() with an InvalidDataError naming why', () => {
    const errors: ConnectionError[] = [];
    const connection = createConnection({ url, session: true, watchNetwork: false });
    connection.onError((error) => errors.push(error));
    const receipt = connection.send(new Blob(['x']));
    expect(receipt.state).toBe('rejected');
    expect(receipt.error?.code).toBe('ERR_LIFELINE_INVALID_DATA');
    expect(receipt.error?.message).toMatch(/Blob cannot travel in the session envelope/);
    connection.close();
  });

  it('without session, nothing changes: status.reset is false and there is no session', () => {
    const connection = createConnection({ url, watchNetwork: false });
    expect(connection.status.reset).toBe(false);
    expect(connection.session).toBeUndefined();
    connection.acknowledgeReset();
    connection.close();
  });
});

describe('session mode: resync()', () => {
  it('runs only the user sync on a socket past its handshake: no second hello', async () => {
    let syncs = 0;
    const connection = connect({
      session: true,
      sync: () => {
        syncs += 1;
      },
    });
    const socket = await peer.nextSocket();
    await handshake(socket);
    await until(() => connection.status.state === 'connected');
    connection.resync();
    await until(() => syncs === 2 && connection.status.state === 'connected');
    connection.send('after');
    expect(await socket.next()).toEqual({ type: 'data', id: 1, data: 'after' });
    expect(socket.frames.filter((frame) => frame.type === 'hello')).toHaveLength(1);
  });
});
