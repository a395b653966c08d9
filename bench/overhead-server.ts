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
import { payload, serverAckEvery } from './overhead-shared.js';

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

/** Session mode: count only data frames (`{"id":...`, not acks), and see each count. */
interface SessionCounting {
  onCount(seen: number): void;
}

/**
 * Counts whole client frames (masked, possibly split across chunks) and calls
 * `done` at `target`. With `session`, only data frames count: the third
 * payload byte, unmasked, tells `{"id":` from `{"type":`.
 */
function frameCounter(
  target: number,
  done: () => void,
  session?: SessionCounting,
): (chunk: Buffer) => void {
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
      if (session && chunk.length - at < header + Math.min(3, length)) break;
      const opcode = b0 & 0x0f;
      let counts = (b0 & 0x80) !== 0 && (opcode === 1 || opcode === 2);
      if (counts && session && length >= 3) {
        const third = (chunk[at + header + 2] as number) ^ (chunk[at + header - 2] as number);
        counts = third === 0x69; // 'i' of {"id":
      }
      at += header;
      skip = length;
      if (counts) {
        seen += 1;
        session?.onCount(seen);
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

const sessionBlasts = new Map<string, Buffer>();

/** Downstream session data frames with offsets `start` .. `start + n - 1`, pre-encoded. */
function sessionBlast(start: number, n: number): Buffer {
  const key = `${start}:${n}`;
  let buffer = sessionBlasts.get(key);
  if (!buffer) {
    const frames: Buffer[] = [];
    for (let i = 0; i < n; i += 1) frames.push(frame(sessionData(start + i, payload)));
    buffer = Buffer.concat(frames);
    sessionBlasts.set(key, buffer);
  }
  return buffer;
}

const sessionData = (offset: number, text: string) =>
  `{"offset":${offset},"data":${JSON.stringify(text)}}`;
const sessionAck = (id: number) => frame(`{"type":"ack","id":${id}}`);

/**
 * A fake session endpoint (docs/protocol.md), as cheap as the ws one: it
 * answers `hello` with `welcome` and `replayed` (a new session), then runs
 * `count:N` and `blast:N` sent as session data. Counting, it acknowledges
 * every `ackEvery` data frames, as createSessionServer's `ackEvery` does;
 * blasting, it sends data frames with the next offsets. The client's acks
 * are read and ignored.
 */
function serveSession(ws: WebSocket, ackEvery: number): void {
  const socket = (ws as unknown as { _socket: net.Socket })._socket;
  let offset = 0;
  const down = (text: string) => {
    offset += 1;
    return frame(sessionData(offset, text));
  };
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, string>;
    if (message.type === 'hello') {
      const { clientId } = message;
      ws.send(
        JSON.stringify({
          type: 'welcome',
          v: 1,
          clientId,
          token: 't',
          ackedThrough: 0,
          epoch: 'e',
          offset: 0,
        }),
      );
      ws.send(JSON.stringify({ type: 'replayed', offset: 0 }));
      return;
    }
    if (message.type !== undefined) return;
    const [command, count] = String(message.data).split(':');
    const n = Number(count);
    if (command === 'blast') {
      socket.write(sessionBlast(offset + 1, n));
      offset += n;
      return;
    }
    if (command !== 'count') return;
    ws.removeAllListeners('message');
    socket.removeAllListeners('data');
    // The command was data id 1: the messages counted are ids 2 .. n + 1.
    let acked = 1;
    let pending: Buffer[] = [];
    const batches = setInterval(() => {
      socket.resume();
      setImmediate(() => socket.pause());
    }, batchEvery);
    const counter = frameCounter(
      n,
      () => {
        clearInterval(batches);
        socket.resume();
        if (acked < n + 1) pending.push(sessionAck(n + 1));
        pending.push(down('done'));
      },
      {
        onCount(seen) {
          if (seen + 1 - acked < ackEvery) return;
          acked = seen + 1;
          pending.push(sessionAck(acked));
        },
      },
    );
    socket.on('data', (chunk: Buffer) => {
      counter(chunk);
      if (pending.length === 0) return;
      socket.write(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending));
      pending = [];
    });
    socket.once('close', () => clearInterval(batches));
    socket.pause();
    socket.write(Buffer.concat([sessionAck(1), down('ready')]));
  });
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

const wsHttp = http.createServer();
const wss = new WebSocketServer({ server: wsHttp });
wss.on('connection', (ws: WebSocket, request: http.IncomingMessage) => {
  ws.on('error', () => undefined);
  const ackEvery = serverAckEvery(request.url);
  if (ackEvery > 0) {
    serveSession(ws, ackEvery);
    return;
  }
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
