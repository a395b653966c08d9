import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Connection, createConnection } from '../../src/client/create-connection.js';
import type { ConnectionOptions } from '../../src/client/options.js';
import type { ConnectionError } from '../../src/core/errors/index.js';
import { decodeBinary, type HelloFrame } from '../../src/protocol/index.js';
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

/** A session connection to the peer, with what it delivers and reports recorded in order. */
function connect(options: Partial<ConnectionOptions> = {}) {
  const connection = createConnection({
    url: peer.url,
    session: true,
    backoff: { initialDelay: 5, maxDelay: 20, jitter: 'none' },
    heartbeat: false,
    ...options,
  } as ConnectionOptions);
  open.push(connection);
  const events: (string | ConnectionError)[] = [];
  const received: unknown[] = [];
  const errors: ConnectionError[] = [];
  connection.onMessage((data) => {
    received.push(data);
    events.push(typeof data === 'string' ? data : 'binary');
  });
  connection.onError((error) => {
    errors.push(error);
    events.push(error);
  });
  return { connection, events, received, errors };
}

async function hello(socket: PeerSocket): Promise<HelloFrame> {
  const frame = await socket.next('hello');
  expect(frame.type).toBe('hello');
  return frame as HelloFrame;
}

describe('session mode: the handshake', () => {
  it('sends hello first and no data before replayed; replays, then the outbox flows', async () => {
    const { connection, received } = connect({ session: { clientId: 'c1' } });
    const receipt = connection.send('a');
    const socket = await peer.nextSocket();
    expect(await hello(socket)).toEqual({
      type: 'hello',
      v: 1,
      clientId: 'c1',
      ackedThrough: 0,
      lastId: 0,
      offset: 0,
    });
    socket.welcome({ clientId: 'c1', epoch: 'e1' });
    socket.send({ type: 'data', offset: 1, data: 'x' });
    await until(() => received.length === 1);
    expect(socket.frames).toHaveLength(1);
    expect(connection.status.state).toBe('syncing');
    socket.send({ type: 'replayed', offset: 1 });
    expect(await socket.next('data')).toEqual({ type: 'data', id: 1, data: 'a' });
    expect(received).toEqual(['x']);
    socket.send({ type: 'ack', id: 1 });
    await receipt.settled;
    expect(receipt.state).toBe('acked');
    expect(connection.session).toEqual({ clientId: 'c1', epoch: 'e1', offset: 1, ackedThrough: 1 });
    expect(JSON.stringify(connection.session)).not.toContain('secret-token');
  });

  it('resends unacknowledged messages with their ids after a drop, and the hello carries the token', async () => {
    const { connection } = connect({ session: { clientId: 'c2' } });
    const first = await peer.nextSocket();
    await hello(first);
    first.welcome({ clientId: 'c2', epoch: 'e1' });
    first.send({ type: 'replayed', offset: 0 });
    const receipts = ['a', 'b', 'c'].map((text) => connection.send(text));
    for (const id of [1, 2, 3]) expect(await first.next()).toMatchObject({ id });
    first.send({ type: 'ack', id: 1 });
    await until(() => connection.status.inFlight === 2);
    first.close(4011, 'store failed');
    const second = await peer.nextSocket();
    expect(await hello(second)).toEqual({
      type: 'hello',
      v: 1,
      clientId: 'c2',
      token: 'secret-token',
      ackedThrough: 1,
      lastId: 3,
      offset: 0,
      epoch: 'e1',
    });
    second.welcome({ clientId: 'c2', epoch: 'e1', ackedThrough: 2 });
    second.send({ type: 'replayed', offset: 0 });
    expect(await second.next()).toEqual({ type: 'data', id: 3, data: 'c' });
    expect(receipts[1]?.state).toBe('acked');
    connection.send('d');
    expect(await second.next()).toEqual({ type: 'data', id: 4, data: 'd' });
  });

  it('renumbers unacknowledged messages from the welcome on a new epoch, and raises the reset first', async () => {
    const { connection, events, errors } = connect({ session: { clientId: 'c3' } });
    const first = await peer.nextSocket();
    await hello(first);
    first.welcome({ clientId: 'c3', epoch: 'old' });
    first.send({ type: 'replayed', offset: 0 });
    first.send({ type: 'data', offset: 1, data: 'm1' });
    for (const text of ['a', 'b', 'c']) connection.send(text);
    for (const id of [1, 2, 3]) expect(await first.next()).toMatchObject({ id });
    first.send({ type: 'ack', id: 1 });
    await until(() => connection.status.inFlight === 2);
    first.ws.terminate();
    const second = await peer.nextSocket();
    expect(await hello(second)).toMatchObject({ epoch: 'old', ackedThrough: 1, lastId: 3 });
    second.welcome({ clientId: 'c3', epoch: 'new', offset: 0, reset: 'epoch-changed' });
    second.send({ type: 'data', offset: 1, data: 'n1' });
    second.send({ type: 'replayed', offset: 1 });
    expect(await second.next()).toEqual({ type: 'data', id: 1, data: 'b' });
    expect(await second.next()).toEqual({ type: 'data', id: 2, data: 'c' });
    await until(() => events.includes('n1'));
    const resync = errors.find((error) => error.code === 'ERR_LIFELINE_RESYNC_REQUIRED');
    expect(resync).toMatchObject({ reason: 'epoch-changed', epoch: 'new', offset: 0 });
    expect(events.indexOf(resync as ConnectionError)).toBeLessThan(events.indexOf('n1'));
    expect(resync?.message).not.toContain('secret-token');
    expect(connection.status.reset).toBe(true);
    connection.acknowledgeReset();
    expect(connection.status.reset).toBe(false);
  });

  it('on reset raises ResyncRequiredError before delivering, and continues from the welcome offset', async () => {
    const { connection, events } = connect({ session: { clientId: 'c4' } });
    const socket = await peer.nextSocket();
    await hello(socket);
    socket.welcome({ clientId: 'c4', epoch: 'e', offset: 10, reset: 'history-trimmed' });
    socket.send({ type: 'data', offset: 11, data: 'eleven' });
    socket.send({ type: 'replayed', offset: 11 });
    await until(() => events.includes('eleven'));
    expect(events[0]).toMatchObject({
      code: 'ERR_LIFELINE_RESYNC_REQUIRED',
      reason: 'history-trimmed',
    });
    expect(connection.status.reset).toBe(true);
    expect(connection.session?.offset).toBe(11);
  });
});

describe('session mode: downstream', () => {
  it('drops duplicates, and on a gap delivers nothing past it and closes with 4009', async () => {
    const { received } = connect({ session: { clientId: 'd1' } });
    const first = await peer.nextSocket();
    await hello(first);
    first.welcome({ clientId: 'd1', epoch: 'e' });
    first.send({ type: 'replayed', offset: 0 });
    first.send({ type: 'data', offset: 1, data: 'one' });
    first.send({ type: 'data', offset: 1, data: 'one again' });
    first.send({ type: 'data', offset: 3, data: 'three' });
    first.send({ type: 'data', offset: 2, data: 'two, too late' });
    await until(() => first.closeCode !== undefined);
    expect(first.closeCode).toBe(4009);
    expect(received).toEqual(['one']);
    const second = await peer.nextSocket();
    expect(await hello(second)).toMatchObject({ offset: 1, epoch: 'e' });
  });

  it('carries binary both ways: bytes in a binary frame, and a Buffer to onMessage', async () => {
    const { connection, received } = connect({ session: { clientId: 'b1' } });
    const socket = await peer.nextSocket();
    await hello(socket);
    socket.welcome({ clientId: 'b1', epoch: 'e' });
    socket.send({ type: 'replayed', offset: 0 });
    connection.send(new Uint8Array([1, 2, 3]));
    const frame = await socket.next();
    expect(socket.binary[1]).toBe(true);
    expect(frame).toMatchObject({ type: 'data', id: 1 });
    expect([...(frame as { data: Uint8Array }).data]).toEqual([1, 2, 3]);
    socket.send({ type: 'data', offset: 1, data: new Uint8Array([9, 8]) });
    await until(() => received.length === 1);
    expect(Buffer.isBuffer(received[0])).toBe(true);
    expect([...(received[0] as Buffer)]).toEqual([9, 8]);
  });

  it("delivers binary as an ArrayBuffer with binaryType 'arraybuffer'", async () => {
    const { received } = connect({ session: { clientId: 'b2' }, binaryType: 'arraybuffer' });
    const socket = await peer.nextSocket();
    await hello(socket);
    socket.welcome({ clientId: 'b2', epoch: 'e' });
    socket.send({ type: 'data', offset: 1, data: new Uint8Array([7]) });
    socket.send({ type: 'replayed', offset: 1 });
    await until(() => received.length === 1);
    expect(received[0]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(received[0] as ArrayBuffer)]).toEqual([7]);
    expect(decodeBinary(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 1, 7]))).toMatchObject({
      position: 1,
    });
  });
});

describe('session mode: close codes', () => {
  it('4013 starts a fresh session under a new client id, raising a reset when it had received', async () => {
    const { connection, errors } = connect({ session: { clientId: 'r1' } });
    const first = await peer.nextSocket();
    await hello(first);
    first.welcome({ clientId: 'r1', epoch: 'e' });
    first.send({ type: 'replayed', offset: 0 });
    first.send({ type: 'data', offset: 1, data: 'x' });
    connection.send('a');
    await first.next();
    first.ws.terminate();
    const second = await peer.nextSocket();
    await hello(second);
    second.close(4013, 'session rejected');
    const third = await peer.nextSocket();
    const fresh = await hello(third);
    expect(fresh.clientId).not.toBe('r1');
    expect(fresh).toMatchObject({ ackedThrough: 0, lastId: 0, offset: 0 });
    expect(fresh.token).toBeUndefined();
    expect(fresh.epoch).toBeUndefined();
    expect(errors.map((error) => error.code)).toContain('ERR_LIFELINE_RESYNC_REQUIRED');
    expect(
      errors.find((error) => 'reason' in error && error.reason === 'session-rejected'),
    ).toBeDefined();
    third.welcome({ clientId: fresh.clientId, epoch: 'e2' });
    third.send({ type: 'replayed', offset: 0 });
    expect(await third.next()).toEqual({ type: 'data', id: 1, data: 'a' });
  });

  it('4400 is fatal', async () => {
    const { connection, errors } = connect();
    const socket = await peer.nextSocket();
    await hello(socket);
    socket.close(4400, 'protocol violation');
    await until(() => connection.status.state === 'failed');
    expect(errors.map((error) => error.code)).toContain('ERR_LIFELINE_FATAL_CLOSE');
  });

  it("raises 'upstream-lost' and starts a fresh session when the server acknowledges less than it did", async () => {
    const { connection, errors } = connect({ session: { clientId: 'u1' } });
    const first = await peer.nextSocket();
    await hello(first);
    first.welcome({ clientId: 'u1', epoch: 'e' });
    first.send({ type: 'replayed', offset: 0 });
    for (const text of ['a', 'b', 'c']) connection.send(text);
    for (const id of [1, 2, 3]) expect(await first.next()).toMatchObject({ id });
    first.send({ type: 'ack', id: 2 });
    await until(() => connection.status.inFlight === 1);
    first.ws.terminate();
    const second = await peer.nextSocket();
    await hello(second);
    second.welcome({ clientId: 'u1', epoch: 'e', ackedThrough: 0 });
    await until(() => errors.some((error) => error.code === 'ERR_LIFELINE_RESYNC_REQUIRED'));
    expect(errors.find((error) => error.code === 'ERR_LIFELINE_RESYNC_REQUIRED')).toMatchObject({
      reason: 'upstream-lost',
    });
    const third = await peer.nextSocket();
    const fresh = await hello(third);
    expect(fresh.clientId).not.toBe('u1');
    expect(fresh).toMatchObject({ ackedThrough: 0, lastId: 0 });
    third.welcome({ clientId: fresh.clientId, epoch: 'e2' });
    third.send({ type: 'replayed', offset: 0 });
    expect(await third.next()).toEqual({ type: 'data', id: 1, data: 'c' });
  });
});
