import type { EventEmitter } from 'node:events';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { SessionData } from '../protocol/frames.js';
import { createMemorySessionStore } from './memory-session-store.js';
import { createSessionHub, type SessionHub } from './session-hub.js';
import {
  SessionHandlerError,
  SessionServerClosedError,
  UnknownClientError,
} from './session-server-errors.js';
import {
  type ResolvedSessionServerOptions,
  resolveSessionServerOptions,
  type SessionClient,
  type SessionServerOptions,
} from './session-server-options.js';
import { SessionSocket } from './session-socket.js';
import type { VerifyClientCallback } from './upgrade-pacer.js';

/** How often connected sessions are marked active in the store, for its idle expiry. */
const touchInterval = 60_000;

/**
 * A running session server (see `createSessionServer`).
 *
 * @example
 * ```ts
 * import type { SessionServer } from 'lifeline-ws/server';
 *
 * async function broadcast(sessions: SessionServer, text: string) {
 *   await Promise.all(sessions.clients().map(({ clientId }) => sessions.send(clientId, text)));
 * }
 * ```
 */
export interface SessionServer {
  /**
   * Appends `data` to the client's stream and resolves with its offset; the
   * client gets it now if connected, else when it resumes. Rejects with
   * `UnknownClientError` (`ERR_LIFELINE_UNKNOWN_CLIENT`) when the client id
   * has no session, `SessionServerClosedError` after `close()`.
   */
  send(clientId: string, data: SessionData): Promise<number>;
  /** The clients connected now, with a completed handshake. */
  clients(): SessionClient[];
  /** With `noServer: true`: hands an upgrade request over (from the HTTP server's `upgrade` event). */
  handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket (1001), the timers, and the store unless it was given. */
  close(): Promise<void>;
  /**
   * The underlying `ws` WebSocketServer, for advanced use. Typed as an
   * EventEmitter so that lifeline-ws/server's types need no `@types/ws`;
   * with it installed, cast: `sessions.wss as import('ws').WebSocketServer`.
   */
  readonly wss: EventEmitter;
}

type Verify = (info: { req: http.IncomingMessage }, callback: VerifyClientCallback) => void;

/** `verifyClient` then `authenticate`, as one `ws` verifyClient that records identities. */
function verifier(
  options: ResolvedSessionServerOptions,
  hub: () => SessionHub,
  identities: WeakMap<http.IncomingMessage, string>,
): Verify | undefined {
  const { authenticate, verifyClient } = options;
  if (!authenticate && !verifyClient) return undefined;
  const authenticated: Verify = (info, callback) => {
    if (!authenticate) {
      callback(true);
      return;
    }
    const refuse = () => callback(false, 401, 'Unauthorized');
    Promise.resolve()
      .then(() => authenticate(info.req))
      .then(
        (identity) => {
          if (typeof identity !== 'string') return refuse();
          identities.set(info.req, identity);
          callback(true);
        },
        (error: unknown) => {
          hub().report(new SessionHandlerError('authenticate', error));
          refuse();
        },
      );
  };
  if (!verifyClient) return authenticated;
  return (info, callback) =>
    verifyClient(info, (result, code, name, headers) => {
      if (result) authenticated(info, callback);
      else callback(result, code, name, headers);
    });
}

/**
 * A WebSocket server that speaks the lifeline session protocol
 * (docs/protocol.md): exactly-once delivery in both directions across
 * drops and reconnects, for clients made with `createConnection({ session: true })`.
 * Upstream messages reach `onMessage` once each, in order per client; `send`
 * appends to a client's stream, delivered now or on resume. Sessions live in
 * `store` (in memory by default).
 *
 * Defaults: `helloTimeout` 10 s, acks every 64 messages or 20 ms,
 * `maxPayload` 16 MiB, 10,000 frames per second per socket with a burst of
 * 20,000. Without `authenticate` every client has identity "": the resume
 * token alone protects a session.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createSessionServer } from 'lifeline-ws/server';
 *
 * const server = http.createServer();
 * const sessions = createSessionServer({
 *   server,
 *   authenticate: (request) => request.headers['x-user'] as string | undefined,
 *   onMessage: async (client, data) => {
 *     await sessions.send(client.clientId, `echo: ${String(data)}`);
 *   },
 * });
 * server.listen(8080);
 * ```
 */
export function createSessionServer(options: SessionServerOptions): SessionServer {
  const resolved = resolveSessionServerOptions(options);
  const store = resolved.store ?? createMemorySessionStore();
  const hub = createSessionHub(resolved, store);
  const identities = new WeakMap<http.IncomingMessage, string>();
  const sockets = new Set<SessionSocket>();
  const verifyClient = verifier(resolved, () => hub, identities);
  const wss = new WebSocketServer({
    ...(resolved.server ? { server: resolved.server } : { noServer: true }),
    ...(resolved.path === undefined ? {} : { path: resolved.path }),
    ...(verifyClient ? { verifyClient } : {}),
    maxPayload: resolved.maxPayload,
  });
  let closed = false;
  wss.on('error', () => undefined);
  wss.on('connection', (ws, request) => {
    if (closed) {
      ws.close(1001, 'server closing');
      return;
    }
    const socket = new SessionSocket(hub, ws, identities.get(request) ?? '');
    sockets.add(socket);
    ws.on('close', () => sockets.delete(socket));
  });
  const toucher = setInterval(() => {
    const held = hub.held();
    if (held.length > 0) store.touch(held).catch(() => undefined);
  }, touchInterval);
  toucher.unref?.();

  return {
    wss,
    send: async (clientId, data) => {
      if (closed) throw new SessionServerClosedError();
      if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
        throw new TypeError('sessions.send takes a string or a Uint8Array');
      }
      const offset = await store.append(clientId, data);
      if (offset === undefined) throw new UnknownClientError(clientId);
      hub.holder(clientId)?.appended(offset, data);
      return offset;
    },
    clients: () =>
      [...sockets].flatMap((socket) => {
        const client = socket.client;
        return client ? [client] : [];
      }),
    handleUpgrade: (request, socket, head) => {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(toucher);
      for (const socket of sockets) socket.close(1001, 'server closing');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (!resolved.store) await store.close();
    },
  };
}
