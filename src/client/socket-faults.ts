import type { DropEvent } from '../core/machine.js';
import { parseRetryAfter, parseRetryAfterMs, retryAfterPrecision } from '../core/retry-after.js';
import type { WebSocketLike } from './websocket-like.js';

/**
 * Drops a socket judged dead, at once. A plain destroy sends FIN and lets the
 * kernel deliver what was unsent once the path returns: after newer messages
 * sent on the next socket. A reset discards it instead (`ws` keeps its
 * net.Socket in `_socket`; browsers offer only close()).
 */
export function abandon(socket: WebSocketLike): void {
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
export function protocolViolation(error: unknown): number | undefined {
  const cause = (error as { error?: unknown } | null)?.error ?? error;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return undefined;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 1009;
  if (code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') return 1009;
  return 1002;
}

/** The TLS error code behind a failed handshake, if that is what failed. */
export function tlsFailure(error: unknown): string | undefined {
  const cause = (error as { error?: unknown } | null)?.error ?? error;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_(GET|VERIFY)/.test(code) ? code : undefined;
}

/** The server refused the upgrade: what the DROP will say about it. */
export type UpgradeRefusal = Pick<DropEvent, 'retryAfter' | 'retryAfterPrecision'> & {
  status: number;
};

/** An HTTP answer to the upgrade, as `ws` reports it (`unexpected-response`). */
export interface UpgradeResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  resume?: () => void;
}

/** Reads a refused upgrade's status and schedule (`Retry-After-Ms` first, then `Retry-After`). */
export function upgradeRefusal(response: UpgradeResponse, wallClockNow: number): UpgradeRefusal {
  const status = response.statusCode;
  const preciseMs = parseRetryAfterMs(response.headers['retry-after-ms']);
  if (preciseMs !== undefined) return { status, retryAfter: preciseMs, retryAfterPrecision };
  const seconds = parseRetryAfter(response.headers['retry-after'], wallClockNow);
  return seconds === undefined ? { status } : { status, retryAfter: seconds };
}
