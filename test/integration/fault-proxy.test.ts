import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type ChunkEvent, type Direction, FaultProxy } from '../support/fault-proxy.js';
import { listenLocally } from '../support/listen-locally.js';

/** One end of a TCP connection, with what it has read so far. */
interface End {
  socket: net.Socket;
  received(): string;
  /** Resolves once at least `bytes` bytes have been read. */
  receivedAtLeast(bytes: number): Promise<void>;
}

function endOf(socket: net.Socket): End {
  const chunks: Buffer[] = [];
  let length = 0;
  const waiting = new Set<() => void>();
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    length += chunk.length;
    for (const check of waiting) check();
  });
  return {
    socket,
    received: () => Buffer.concat(chunks).toString(),
    receivedAtLeast: (bytes) =>
      new Promise((resolve) => {
        const check = () => {
          if (length < bytes) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      }),
  };
}

/** A raw TCP sink on 127.0.0.1, a fault proxy in front of it, and one connection through it. */
async function rawLink() {
  const accepted: net.Socket[] = [];
  const arrivals = new Set<(socket: net.Socket) => void>();
  const sink = net.createServer((socket) => {
    accepted.push(socket);
    for (const arrival of arrivals) arrival(socket);
  });
  const port = await listenLocally(sink);
  const proxy = await FaultProxy.start(port);
  const chunks: ChunkEvent[] = [];
  const chunkWaiters = new Set<(event: ChunkEvent) => void>();
  proxy.observe((event) => {
    chunks.push(event);
    for (const waiter of chunkWaiters) waiter(event);
  });
  const clients: net.Socket[] = [];
  onTestFinished(async () => {
    for (const socket of [...clients, ...accepted]) socket.destroy();
    await proxy.close();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  });

  /** Opens a connection through the proxy; resolves once the sink has accepted it. */
  const connect = async () => {
    const serverSide = new Promise<net.Socket>((resolve) => {
      const arrival = (socket: net.Socket) => {
        arrivals.delete(arrival);
        resolve(socket);
      };
      arrivals.add(arrival);
    });
    const client = net.connect(proxy.port, '127.0.0.1');
    clients.push(client);
    return { client: endOf(client), server: endOf(await serverSide) };
  };

  /** Resolves with the next chunk the proxy reads in `direction`. */
  const nextChunk = (direction: Direction) =>
    new Promise<ChunkEvent>((resolve) => {
      const waiter = (event: ChunkEvent) => {
        if (event.direction !== direction) return;
        chunkWaiters.delete(waiter);
        resolve(event);
      };
      chunkWaiters.add(waiter);
    });

  /** Bytes the proxy forwarded in `direction` so far. */
  const forwarded = (direction: Direction) =>
    chunks
      .filter((event) => event.direction === direction && event.fate === 'forwarded')
      .reduce((sum, event) => sum + event.bytes, 0);

  return { proxy, connect, nextChunk, forwarded };
}

describe('the fault proxy black hole behaves like TCP', () => {
  for (const direction of ['up', 'down'] as const) {
    it(`(${direction}) after a lost chunk, forwards nothing later on that connection: what arrives is a prefix of what was written`, async () => {
      const { proxy, connect, nextChunk, forwarded } = await rawLink();
      const { client, server } = await connect();
      const [writer, reader] = direction === 'up' ? [client, server] : [server, client];
      const write = async (text: string) => {
        const read = nextChunk(direction);
        writer.socket.write(text);
        return read;
      };

      expect((await write('A')).fate).toBe('forwarded');
      proxy.blackhole(true);
      expect((await write('B')).fate).toBe('blackholed');
      // C is written and the hole lifted in the same tick: the proxy reads C only after the lift.
      const readC = nextChunk(direction);
      writer.socket.write('C');
      proxy.blackhole(false);
      expect((await readC).fate).toBe('after-loss');
      expect((await write('D')).fate).toBe('after-loss');

      await reader.receivedAtLeast(forwarded(direction));
      const arrived = reader.received();
      expect('ABCD'.startsWith(arrived)).toBe(true);
      expect(arrived).toBe('A');
      // Half-open, not closed: both sockets and the proxy's pair are still there.
      expect(client.socket.destroyed).toBe(false);
      expect(server.socket.destroyed).toBe(false);
      expect(proxy.connections).toBe(1);
    });
  }

  it('a hole that took nothing leaves the connection whole, and a loss poisons only its own connection and direction', async () => {
    const { proxy, connect, nextChunk, forwarded } = await rawLink();
    const first = await connect();
    proxy.blackhole(true);
    proxy.blackhole(false);
    const readE = nextChunk('up');
    first.client.socket.write('E');
    expect((await readE).fate).toBe('forwarded');
    await first.server.receivedAtLeast(1);

    proxy.blackhole(true);
    const readLost = nextChunk('up');
    first.client.socket.write('lost');
    expect((await readLost).fate).toBe('blackholed');
    proxy.blackhole(false);

    // The other direction of the same connection lost nothing: it still flows.
    const readDown = nextChunk('down');
    first.server.socket.write('back');
    expect((await readDown).fate).toBe('forwarded');
    await first.client.receivedAtLeast(forwarded('down'));
    expect(first.client.received()).toBe('back');

    // A connection made after the hole is not affected.
    const second = await connect();
    const readNew = nextChunk('up');
    second.client.socket.write('F');
    expect((await readNew).fate).toBe('forwarded');
    await second.server.receivedAtLeast(1);
    expect(second.server.received()).toBe('F');
    expect(first.server.received()).toBe('E');
  });
});
