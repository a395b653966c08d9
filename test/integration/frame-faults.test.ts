import http from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { FaultProxy } from '../support/fault-proxy.js';
import { listenLocally } from '../support/listen-locally.js';

/** A ws echo-less server recording text frames, a frame-reading proxy, and a client through it. */
async function link() {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  const received: string[] = [];
  const serverSockets: WebSocket[] = [];
  wss.on('connection', (socket) => {
    serverSockets.push(socket);
    socket.on('message', (data) => received.push(String(data)));
  });
  const proxy = await FaultProxy.start(await listenLocally(server), { frames: true });
  const client = new WebSocket(proxy.url);
  const clientReceived: string[] = [];
  client.on('message', (data) => clientReceived.push(String(data)));
  onTestFinished(async () => {
    client.terminate();
    await proxy.close();
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await new Promise((resolve) => client.once('open', resolve));
  const until = async (check: () => boolean) => {
    while (!check()) await new Promise((resolve) => setImmediate(resolve));
  };
  return { proxy, client, received, clientReceived, serverSockets, until };
}

describe('FaultProxy frame faults', () => {
  it('duplicates the next client-to-server data frame, and only that one', async () => {
    const { proxy, client, received, until } = await link();
    proxy.frameFault('up', 'duplicate');
    for (const text of ['a', 'b', 'c']) client.send(text);
    await until(() => received.length >= 4);
    expect(received).toEqual(['a', 'a', 'b', 'c']);
  });

  it('swaps the next two server-to-client data frames', async () => {
    const { proxy, clientReceived, serverSockets, until } = await link();
    await until(() => serverSockets.length === 1);
    proxy.frameFault('down', 'swap');
    for (const text of ['1', '2', '3']) serverSockets[0]?.send(text);
    await until(() => clientReceived.length >= 3);
    expect(clientReceived).toEqual(['2', '1', '3']);
  });

  it('refuses frame faults on a proxy that does not read frames', async () => {
    const proxy = await FaultProxy.start(9);
    onTestFinished(() => proxy.close());
    expect(() => proxy.frameFault('up', 'swap')).toThrow(/frames: true/);
  });
});

describe('FaultProxy frame faults with a filter', () => {
  it('waits for a frame the filter accepts, reading masked client frames unmasked', async () => {
    const { proxy, client, received, until } = await link();
    proxy.frameFault('up', 'duplicate', (payload) => payload.toString() === 'b');
    for (const text of ['a', 'b', 'c']) client.send(text);
    await until(() => received.length >= 4);
    expect(received).toEqual(['a', 'b', 'b', 'c']);
  });
});
