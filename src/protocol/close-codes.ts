/**
 * The close codes of the session protocol, and what the client does on each.
 * Retryable codes sit in 4000-4099 and fatal ones in 4400-4499, so even a
 * client without session support classifies them right by the usual rule
 * (4400-4499 fatal, the rest of 4000-4999 retried).
 *
 * @example
 * ```ts
 * import { sessionCloseCodes } from 'lifeline-ws/server';
 *
 * socket.close(sessionCloseCodes.upstreamGap, 'gap: expected id 4, got 6');
 * ```
 */
export const sessionCloseCodes = {
  /** No `hello` within the server's `helloTimeout`. The client retries. */
  helloTimeout: 4008,
  /** An upstream id past `ackedThrough + 1` (server), or a downstream offset past the last one + 1 (client). Retry: the reconnect resends (replays) from the peer's position. */
  upstreamGap: 4009,
  /** Another socket resumed this session; this one is closed. The client retries with backoff. */
  sessionReplaced: 4010,
  /** The server's store failed; nothing was accepted. The client retries with backoff. */
  serverError: 4011,
  /** The session is not the client's: wrong token, another identity, or no token for an existing session. The client starts a fresh session. */
  sessionRejected: 4013,
  /** The client's ids went backwards: its last id is below what the server acknowledged. The client starts a fresh session. */
  idsBackwards: 4022,
  /** Too many frames too fast. The client retries with backoff. */
  flood: 4029,
  /** A frame that breaks the protocol: malformed, before `hello`, a second `hello`. Fatal. */
  protocolViolation: 4400,
  /** A protocol version the server does not speak. Fatal. */
  unsupportedVersion: 4406,
} as const;

/** One of the session protocol's close codes. */
export type SessionCloseCode = (typeof sessionCloseCodes)[keyof typeof sessionCloseCodes];

/** What a session client does when the server closes with a protocol code. */
export type SessionCloseReaction = 'retry' | 'fresh-session' | 'fatal';

/**
 * The client's reaction to a session close code, or undefined for a code the
 * protocol does not define (the connection's close policy decides then).
 *
 * @example
 * ```ts
 * import { sessionCloseReaction } from 'lifeline-ws/server';
 *
 * sessionCloseReaction(4013); // 'fresh-session'
 * sessionCloseReaction(4400); // 'fatal'
 * sessionCloseReaction(1006); // undefined
 * ```
 */
export function sessionCloseReaction(code: number): SessionCloseReaction | undefined {
  switch (code) {
    case sessionCloseCodes.sessionRejected:
    case sessionCloseCodes.idsBackwards:
      return 'fresh-session';
    case sessionCloseCodes.protocolViolation:
    case sessionCloseCodes.unsupportedVersion:
      return 'fatal';
    case sessionCloseCodes.helloTimeout:
    case sessionCloseCodes.upstreamGap:
    case sessionCloseCodes.sessionReplaced:
    case sessionCloseCodes.serverError:
    case sessionCloseCodes.flood:
      return 'retry';
    default:
      return undefined;
  }
}
