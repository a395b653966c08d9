import http from 'node:http';
import type net from 'node:net';
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import {
  createMemorySessionStore,
  createSessionServer,
  decodeServerFrame,
  encodeClientFrame,
  type HelloFrame,
  type ServerFrame,
  type SessionServer,
  type SessionServerOptions,
  type SessionStore,
} from '../../src/server/index.js';
import { listenLocally } from '../support/listen-locally.js';

/** An HTTP server on 127.0.0.1 with a session server on it; both closed when the test ends. */
export async function startSessions(
  options: Partial<SessionServerOptions> = {},
): Promise<{ sessions: SessionServer; url: string; received: [string, unknown][] }> {
  const server = http.createServer((_request, response) => response.writeHead(426).end());
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const received: [string, unknown][] = [];
  const sessions = createSessionServer({
    server,
    onMessage: (client, data) => {
      received.push([client.clientId, typeof data === 'string' ? data : [...data]]);
    },
    ...options,
  });
  const port = await listenLocally(server);
  onTestFinished(async () => {
    await sessions.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { sessions, url: `ws://127.0.0.1:${port}/`, received };
}

/** A raw `ws` client that speaks the protocol's frames by hand. */
export interface RawClient {
  ws: WebSocket;
  send(frame: Parameters<typeof encodeClientFrame>[0] | string): void;
  /** The next frame from the server (rejects if the socket closes first). */
  next(): Promise<ServerFrame>;
  /** The next `count` frames. */
  take(count: number): Promise<ServerFrame[]>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** Frames received and not taken yet. */
  pending: ServerFrame[];
}

/** Opens a raw client and waits for the upgrade; closed when the test ends. */
export async function rawClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<RawClient> {
  const ws = new WebSocket(url, { headers });
  const pending: ServerFrame[] = [];
  const waiters: ((frame: ServerFrame | undefined) => void)[] = [];
  ws.on('message', (raw, isBinary) => {
    const frame = decodeServerFrame(isBinary ? (raw as Buffer) : raw.toString());
    if (frame.type === 'invalid') throw new Error(`server sent ${frame.problem}`);
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else pending.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      for (const waiter of waiters.splice(0)) waiter(undefined);
      resolve({ code, reason: reason.toString() });
    }),
  );
  ws.on('error', () => undefined);
  onTestFinished(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
  });
  const next = () =>
    new Promise<ServerFrame>((resolve, reject) => {
      const frame = pending.shift();
      if (frame) return resolve(frame);
      if (ws.readyState >= WebSocket.CLOSING) return reject(new Error('socket closed'));
      waiters.push((got) => (got ? resolve(got) : reject(new Error('socket closed'))));
    });
  return {
    ws,
    pending,
    closed,
    next,
    take: async (count) => {
      const frames: ServerFrame[] = [];
      for (let i = 0; i < count; i += 1) frames.push(await next());
      return frames;
    },
    send: (frame) => ws.send(typeof frame === 'string' ? frame : encodeClientFrame(frame)),
  };
}

/** A hello with fresh-session defaults. */
export function hello(clientId: string, fields: Partial<HelloFrame> = {}): HelloFrame {
  return { type: 'hello', v: 1, clientId, ackedThrough: 0, lastId: 0, offset: 0, ...fields };
}

/** Connects, says hello, and reads welcome and the replay through `replayed`. */
export async function handshake(url: string, greeting: HelloFrame, headers = {}) {
  const client = await rawClient(url, headers);
  client.send(greeting);
  const welcome = await client.next();
  if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${welcome.type}`);
  const replay: ServerFrame[] = [];
  for (;;) {
    const frame = await client.next();
    if (frame.type === 'replayed') return { client, welcome, replay, replayed: frame };
    replay.push(frame);
  }
}

/** A store that forwards to `store` (a memory store by default), with `acceptNext` replaced. */
export function storeWith(
  acceptNext: SessionStore['acceptNext'],
  store: SessionStore = createMemorySessionStore(),
): SessionStore {
  return {
    get: (clientId) => store.get(clientId),
    create: (session) => store.create(session),
    setCredentials: (clientId, credentials) => store.setCredentials(clientId, credentials),
    acceptNext,
    append: (clientId, data) => store.append(clientId, data),
    readAfter: (clientId, offset, limit) => store.readAfter(clientId, offset, limit),
    acknowledgeOffset: (clientId, offset) => store.acknowledgeOffset(clientId, offset),
    touch: (clientIds) => store.touch(clientIds),
    delete: (clientId) => store.delete(clientId),
    close: () => store.close(),
  };
}
