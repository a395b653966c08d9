/**
 * The server side of the overhead benchmark, in its own process so that the
 * client's costs are what is measured. Handshakes are real (ws; socket.io
 * with its defaults); the data phase is raw TCP on the server: it counts the
 * client's frames without decoding them (`count:N`), and writes pre-encoded
 * frames in one write (`blast:N`), so the server is never the bottleneck.
 * Prints `{"ws":port,"io":port}` on stdout when ready.
 */
import http from 'node:http';
import type net from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { type WebSocket, WebSocketServer } from 'ws';
import { payload } from './overhead-shared.js';

type Kind = 'ws' | 'io';

/** An unmasked text frame from the server (payload < 126 bytes). */
function frame(text: string): Buffer {
  const body = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, body.length]), body]);
}

const wrap = (kind: Kind, text: string) =>
  kind === 'ws' ? text : `42${JSON.stringify(['message', text])}`;

const blasts = new Map<string, Buffer>();
const batchEvery = 2;

function blast(kind: Kind, n: number): Buffer {
  const key = `${kind}:${n}`;
  let buffer = blasts.get(key);
  if (!buffer) {
    const one = frame(wrap(kind, payload));
    buffer = Buffer.allocUnsafe(one.length * n);
    for (let i = 0; i < n; i += 1) one.copy(buffer, i * one.length);
    blasts.set(key, buffer);
  }
  return buffer;
}

/** Counts whole client frames (masked, possibly split across chunks) and calls `done` at `target`. */
function frameCounter(target: number, done: () => void): (chunk: Buffer) => void {
  let carry: Buffer | null = null;
  let skip = 0;
  let seen = 0;
  return (input) => {
    let chunk = carry ? Buffer.concat([carry, input]) : input;
    carry = null;
    let at = 0;
    for (;;) {
      if (skip > 0) {
        const step = Math.min(skip, chunk.length - at);
        skip -= step;
        at += step;
        if (skip > 0) return;
      }
      if (chunk.length - at < 2) break;
      const b0 = chunk[at] as number;
      const b1 = chunk[at + 1] as number;
      const len7 = b1 & 0x7f;
      const extra = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const header = 2 + extra + (b1 & 0x80 ? 4 : 0);
      if (chunk.length - at < header) break;
      const length =
        len7 === 126
          ? chunk.readUInt16BE(at + 2)
          : len7 === 127
            ? Number(chunk.readBigUInt64BE(at + 2))
            : len7;
      at += header;
      skip = length;
      const opcode = b0 & 0x0f;
      if ((b0 & 0x80) !== 0 && (opcode === 1 || opcode === 2)) {
        seen += 1;
        if (seen === target) done();
      }
    }
    if (at < chunk.length) carry = chunk.subarray(at);
    chunk = Buffer.alloc(0);
  };
}

function control(kind: Kind, text: string, socket: net.Socket, detach: () => void): void {
  const [command, count] = text.split(':');
  const n = Number(count);
  if (command === 'count') {
    detach();
    socket.removeAllListeners('data');
    // Read in batches every few ms, as a busy server does, rather than waking up for every segment.
    const batches = setInterval(() => {
      socket.resume();
      setImmediate(() => socket.pause());
    }, batchEvery);
    socket.on(
      'data',
      frameCounter(n, () => {
        clearInterval(batches);
        socket.resume();
        socket.write(frame(wrap(kind, 'done')));
      }),
    );
    socket.once('close', () => clearInterval(batches));
    socket.pause();
    socket.write(frame(wrap(kind, 'ready')));
  } else if (command === 'blast') {
    socket.write(blast(kind, n));
  }
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const wsHttp = http.createServer();
const wss = new WebSocketServer({ server: wsHttp });
wss.on('connection', (ws: WebSocket) => {
  ws.on('error', () => undefined);
  ws.on('message', (data) => {
    const socket = (ws as unknown as { _socket: net.Socket })._socket;
    control('ws', String(data), socket, () => ws.removeAllListeners('message'));
  });
});

const ioHttp = http.createServer();
const io = new SocketIoServer(ioHttp);
io.on('connection', (client) => {
  client.on('message', (data: unknown) => {
    const transport = client.conn.transport as unknown as {
      name: string;
      socket?: { _socket?: net.Socket };
    };
    const socket = transport.socket?._socket;
    if (transport.name !== 'websocket' || !socket) {
      client.send('not upgraded');
      return;
    }
    control('io', String(data), socket, () => client.removeAllListeners('message'));
  });
});

const ports = { ws: await listen(wsHttp), io: await listen(ioHttp) };
process.stdout.write(`${JSON.stringify(ports)}\n`);
process.on('message', () => process.exit(0));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
