import { fromCallback } from 'xstate';
import type { CloseDisposition } from '../core/close-policy.js';
import { describeError } from '../core/describe-error.js';
import { type LifelineError, UserCallbackError } from '../core/errors/index.js';
import {
  abnormalClosure,
  type CloseRequest,
  type ConnectionEvent,
  type DropEvent,
  type TransportInput,
} from '../core/machine.js';
import { parseRetryAfter, parseRetryAfterMs, retryAfterPrecision } from '../core/retry-after.js';
import { isOutgoing } from './delivery/outbox.js';
import { WriteLedger } from './delivery/receipt.js';
import { Liveness } from './liveness.js';
import type {
  IncomingData,
  ResolvedConnectionOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './options.js';
import { parseSocketUrl, redactUrl } from './options.js';

const connecting = 0;
const open = 1;
/** How long a polite close may take before the socket is destroyed. */
const closeGrace = 1000;

/**
 * How often, at most, a socket with writes not yet confirmed is pinged to
 * confirm them (without ack mode), in ms: a receipt stays `sent` about this
 * long on a healthy socket, however busy the socket is.
 */
export const receiptConfirmInterval = 1000;

/** One socket's life, as the connection sees it. */
export interface SocketSession {
  readonly socket: WebSocketLike;
  /** Numbers the writes made on this socket (receipts without ack mode read their fate from it). */
  readonly ledger: WriteLedger;
  /** Probes the socket now (the page became visible again). */
  probeNow(): void;
}

/** What the transport needs from the connection that owns it. */
export interface TransportBinding {
  readonly options: ResolvedConnectionOptions;
  /** The socket opened; nothing is written to it until sync is done. */
  opened(session: SocketSession): void;
  /** An inbound frame. */
  frame(data: IncomingData): void;
  /** The session is over: the socket is detached and closing. */
  ended(session: SocketSession): void;
  /** The close the user asked for, if they did (the machine keeps it in its context). */
  closeRequest(): CloseRequest | null;
  /** A function from the options misbehaved; the transport carried on without it. */
  report(error: LifelineError): void;
  /**
   * The server closed with 1009 (message too big): the connection rejects
   * the message to blame and says to retry, or finds none (undefined).
   */
  refusedAsTooLarge(session: SocketSession): CloseDisposition | undefined;
}

/** The part of an XState actor system a shared actor finds its connection through. */
export interface ActorLookup {
  get(systemId: string): object | undefined;
}

let defaultConstructor: Promise<WebSocketConstructor> | undefined;

/** The global WebSocket where there is one, else `ws` (loaded only then). */
function platformWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  // Node 22's global WebSocket cannot send ping frames or take `ca`: in Node, `ws` is the better socket.
  const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (global && !inNode) return Promise.resolve(global);
  defaultConstructor ??= import('ws').then(
    (module) => (module.default ?? module) as unknown as WebSocketConstructor,
  );
  return defaultConstructor;
}

/** What the `url` option gave for this attempt: a URL to open, or why there is none. */
type UrlOutcome = { url: string } | { failed: UserCallbackError } | { unusable: string };

async function resolveUrl(url: ResolvedConnectionOptions['url']): Promise<UrlOutcome> {
  if (typeof url !== 'function') return { url: parseSocketUrl(String(url)).toString() };
  let value: unknown;
  try {
    value = await url();
  } catch (error) {
    // No `cause`: the thrown error may quote the URL with its credentials; the message is redacted.
    const problem = `failed: ${redactUrl(describeError(error))}`;
    return { failed: new UserCallbackError('url', problem) };
  }
  try {
    if (typeof value !== 'string' && !(value instanceof URL)) {
      throw new TypeError(`returned ${describeError(value)}, not a URL`);
    }
    return { url: parseSocketUrl(String(value)).toString() };
  } catch (error) {
    // The same answer next time: retrying would only repeat the failure.
    return { unusable: `url() gave no usable WebSocket URL: ${describeError(error)}` };
  }
}

/**
 * Drops a socket judged dead, at once. A plain destroy sends FIN and lets the
 * kernel deliver what was unsent once the path returns: after newer messages
 * sent on the next socket. A reset discards it instead (`ws` keeps its
 * net.Socket in `_socket`; browsers offer only close()).
 */
function abandon(socket: WebSocketLike): void {
  try {
    (socket as { _socket?: { resetAndDestroy?: () => void } })._socket?.resetAndDestroy?.();
  } catch {
    // Already closed, or a transport that cannot reset: terminate() below still ends it.
  }
  if (socket.terminate) socket.terminate();
  else socket.close();
}

/**
 * The close code a protocol violation the client detected deserves: `ws`
 * closes with it but reports 1006, which would hide it from the close policy.
 */
function protocolViolation(error: unknown): number | undefined {
  const cause = (error as { error?: unknown } | null)?.error ?? error;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return undefined;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 1009;
  if (code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') return 1009;
  return 1002;
}

function tlsFailure(error: unknown): string | undefined {
  const cause = (error as { error?: unknown } | null)?.error ?? error;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_(GET|VERIFY)/.test(code) ? code : undefined;
}

/**
 * The `transport` actor: opens one socket per session, reports OPEN and
 * DROP, owns the heartbeat, and closes the socket when the session ends.
 * Events from the socket after that are ignored.
 */
export function transportLogic(bindingOf: (system: ActorLookup) => TransportBinding) {
  return fromCallback<ConnectionEvent, TransportInput>(({ sendBack, system }) => {
    const binding = bindingOf(system);
    const { options } = binding;
    const ledger = new WriteLedger();
    let socket: WebSocketLike | undefined;
    let session: SocketSession | undefined;
    let liveness: Liveness | undefined;
    let over = false;
    /** The server refused the upgrade: what the DROP will say about it. */
    let refusal:
      | (Pick<DropEvent, 'retryAfter' | 'retryAfterPrecision'> & { status: number })
      | undefined;
    let socketError: unknown;
    /** The writes the latest ping was sent after. */
    let confirmPingedThrough = 0;
    let lastConfirmPing = Number.NEGATIVE_INFINITY;

    const drop = (event: Omit<DropEvent, 'type'>) => {
      if (!over) sendBack({ type: 'DROP', ...event });
    };

    const frame = (data: IncomingData) => {
      if (over) return;
      liveness?.touch();
      binding.frame(data);
    };

    /** A ping that carries the number of writes before it: its pong confirms them. */
    const ping = (target: WebSocketLike) => {
      confirmPingedThrough = ledger.written;
      target.ping?.(String(ledger.written));
    };

    const confirmWrites = (now: number) => {
      if (!socket || socket.readyState !== open || !socket.ping) return;
      if (
        ledger.written <= confirmPingedThrough ||
        now - lastConfirmPing < receiptConfirmInterval
      ) {
        return;
      }
      lastConfirmPing = now;
      ping(socket);
    };

    const probe = () => {
      if (!socket || socket.readyState !== open) return;
      const { heartbeat } = options;
      if (heartbeat?.message && (heartbeat.preferMessage || !socket.ping)) {
        try {
          const message = heartbeat.message();
          if (!isOutgoing(message)) throw new TypeError(`returned ${describeError(message)}`);
          socket.send(message);
          return;
        } catch (error) {
          binding.report(
            new UserCallbackError('heartbeat.message', `failed: ${describeError(error)}`, {
              cause: error,
            }),
          );
        }
      }
      // A ping frame where there is one; else the probe is the wait itself (passive heartbeat).
      ping(socket);
    };

    const declareDead = (reason: string, woke: boolean) => {
      if (over || !socket) return;
      abandon(socket);
      drop(woke ? { code: abnormalClosure, reason, woke } : { code: abnormalClosure, reason });
    };

    const attach = (created: WebSocketLike) => {
      created.onopen = () => {
        if (over) return;
        session = { socket: created, ledger, probeNow: () => liveness?.probeNow() };
        binding.opened(session);
        if (options.heartbeat) {
          liveness = new Liveness(
            options.clock,
            options.heartbeat,
            probe,
            declareDead,
            confirmWrites,
          );
          liveness.start();
        }
        sendBack({ type: 'OPEN' });
      };
      if (typeof created.on === 'function') {
        created.on('message', ((data: Buffer, isBinary: boolean) =>
          frame(isBinary ? data : data.toString())) as never);
        created.on('pong', ((data: Buffer) => {
          if (over) return;
          liveness?.touch();
          // The pong echoes its ping's payload: the number of writes the server has read.
          const through = Number(String(data));
          if (Number.isSafeInteger(through)) ledger.confirmThrough(through);
        }) as never);
        created.on('ping', (() => {
          if (!over) liveness?.touch();
        }) as never);
        created.on('unexpected-response', ((
          _request: unknown,
          response: {
            statusCode: number;
            headers: Record<string, string | string[] | undefined>;
            resume?: () => void;
          },
        ) => {
          const status = response.statusCode;
          const preciseMs = parseRetryAfterMs(response.headers['retry-after-ms']);
          const seconds = parseRetryAfter(response.headers['retry-after'], Date.now());
          if (preciseMs !== undefined) {
            refusal = { status, retryAfter: preciseMs, retryAfterPrecision };
          } else {
            refusal = seconds === undefined ? { status } : { status, retryAfter: seconds };
          }
          response.resume?.();
          created.terminate?.();
        }) as never);
      } else {
        created.onmessage = (event) => frame(event.data as IncomingData);
      }
      created.onerror = (event) => {
        socketError = event;
      };
      created.onclose = (event) => {
        if (over) {
          const request = binding.closeRequest();
          if (request && event.wasClean) ledger.confirmThrough(ledger.written);
          ledger.end();
          return;
        }
        // Asked before the ledger ends, while the message to blame is still unconfirmed.
        const verdict =
          event.code === 1009 && session ? binding.refusedAsTooLarge(session) : undefined;
        ledger.end();
        const tls = tlsFailure(socketError);
        const violation = protocolViolation(socketError);
        if (refusal) {
          drop({ code: abnormalClosure, reason: `HTTP ${refusal.status}`, ...refusal });
        } else if (tls) {
          drop({ code: 1015, reason: `TLS: ${tls}` });
        } else if (violation) {
          drop({ code: violation, reason: describeError(socketError) });
        } else {
          const reason = event.reason || (socketError ? describeError(socketError) : '');
          drop({ code: event.code || abnormalClosure, reason, ...(verdict ? { verdict } : {}) });
        }
      };
    };

    const start = async () => {
      const outcome = await resolveUrl(options.url);
      if (over) return;
      if ('unusable' in outcome) {
        drop({ code: abnormalClosure, reason: outcome.unusable, verdict: { action: 'fatal' } });
        return;
      }
      if ('failed' in outcome) {
        binding.report(outcome.failed);
        drop({ code: abnormalClosure, reason: outcome.failed.message });
        return;
      }
      const { url } = outcome;
      const WebSocket = options.WebSocket ?? (await platformWebSocket());
      if (over) return;
      const created =
        options.socketOptions === undefined
          ? new WebSocket(url, options.protocols)
          : new WebSocket(url, options.protocols, options.socketOptions as never);
      socket = created;
      if (options.binaryType !== undefined) created.binaryType = options.binaryType;
      attach(created);
    };

    start().catch((error: unknown) => {
      drop({ code: abnormalClosure, reason: `could not open: ${redactUrl(describeError(error))}` });
    });

    return () => {
      over = true;
      liveness?.stop();
      if (session) binding.ended(session);
      const current = socket;
      if (!current) return;
      const request = binding.closeRequest();
      if (current.readyState === open && request) {
        current.close(request.code, request.reason);
        const grace = options.clock.setTimeout(() => current.terminate?.(), closeGrace);
        (grace as { unref?: () => void } | undefined)?.unref?.();
        return;
      }
      // Abandoned (timeout, offline, a drop): nothing written to it may arrive after the next socket's data.
      if (current.readyState === connecting || current.readyState === open) abandon(current);
      ledger.end();
    };
  });
}
