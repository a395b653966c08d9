import type http from 'node:http';
import type https from 'node:https';
import { OptionTypeError } from '../core/errors/index.js';
import { checkFunction, checkNumber, checkOptionsObject } from '../core/validate.js';
import type { ResetReason, SessionData } from '../protocol/frames.js';
import type { SessionServerError } from './session-server-errors.js';
import type { SessionStore } from './session-store.js';
import type { VerifyClientCallback } from './upgrade-pacer.js';

/**
 * Who sent a message, or whom a session belongs to.
 *
 * @example
 * ```ts
 * import type { SessionClient } from 'lifeline-ws/server';
 *
 * const onMessage = (client: SessionClient, data: string | Uint8Array) =>
 *   console.log(client.identity, client.clientId, data);
 * ```
 */
export interface SessionClient {
  clientId: string;
  /** What `authenticate` returned ("" without `authenticate`). */
  identity: string;
}

/**
 * How a socket's session started: `resumed` when the client's token resumed
 * its session, and `reset` when the welcome told it that it missed messages.
 *
 * @example
 * ```ts
 * import type { SessionStart } from 'lifeline-ws/server';
 *
 * const onSession = (_client: unknown, start: SessionStart) => {
 *   if (start.reset) console.warn('client must resync:', start.reset);
 * };
 * ```
 */
export interface SessionStart {
  resumed: boolean;
  reset: ResetReason | undefined;
}

/**
 * The options of `createSessionServer`.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import type { SessionServerOptions } from 'lifeline-ws/server';
 *
 * const options: SessionServerOptions = {
 *   server: http.createServer(),
 *   onMessage: async (client, data) => console.log(client.clientId, data),
 * };
 * ```
 */
export interface SessionServerOptions {
  /** The HTTP(S) server whose upgrades to accept. Give this or `noServer: true`. */
  server?: http.Server | https.Server;
  /** Accept no upgrades by itself: call `sessions.handleUpgrade(request, socket, head)`. */
  noServer?: boolean;
  /** Only upgrades to this path (with `server`). */
  path?: string;
  /** @default a `createMemorySessionStore()` that `close()` closes */
  store?: SessionStore;
  /**
   * Who is connecting: a string identity, or undefined (or a throw) to refuse
   * the upgrade with HTTP 401. Without it every client has identity "", and
   * the resume token alone protects a session.
   */
  authenticate?: (
    request: http.IncomingMessage,
  ) => string | undefined | Promise<string | undefined>;
  /**
   * Runs before `authenticate`, as `ws`'s two-argument `verifyClient`: an
   * upgrade pacer's `verifyClient` goes here.
   */
  verifyClient?: (info: { req: http.IncomingMessage }, callback: VerifyClientCallback) => void;
  /**
   * Each upstream message, once: one at a time per client, in order. The ack
   * covers it once the returned promise settled; a throw is reported to
   * `onError` and the message counts as taken.
   */
  onMessage: (client: SessionClient, data: SessionData) => void | Promise<void>;
  /** Store failures and handler errors. Never given a resume token. */
  onError?: (error: SessionServerError) => void;
  /** Each socket whose handshake completed, before the replay. */
  onSession?: (client: SessionClient, start: SessionStart) => void;
  /** @default 10000 ms to wait for `hello` before closing with 4008 */
  helloTimeout?: number;
  /** @default 64 upstream messages per ack at most */
  ackEvery?: number;
  /** @default 20 ms from the first unacknowledged message to its ack */
  ackDelay?: number;
  /** @default 16 MiB: a larger frame closes the socket with 1009 */
  maxPayload?: number;
  /** @default 10000 frames per second per socket on average, past `frameBurst`, then 4029 */
  maxFramesPerSecond?: number;
  /** @default 20000 frames at once per socket */
  frameBurst?: number;
}

const known = [
  'server',
  'noServer',
  'path',
  'store',
  'authenticate',
  'verifyClient',
  'onMessage',
  'onError',
  'onSession',
  'helloTimeout',
  'ackEvery',
  'ackDelay',
  'maxPayload',
  'maxFramesPerSecond',
  'frameBurst',
];

function optionalFunction<T extends (...args: never[]) => unknown>(name: string, value: unknown) {
  return value === undefined ? undefined : checkFunction<T>(name, value);
}

/** The options with their defaults, checked: a bad one throws naming it and the accepted range. */
export function resolveSessionServerOptions(options: SessionServerOptions) {
  const given = checkOptionsObject('', options, known) as unknown as SessionServerOptions;
  if ((given.server === undefined) === (given.noServer !== true)) {
    throw new OptionTypeError('server', 'an http(s) server, or `noServer: true`', given.server);
  }
  if (given.path !== undefined && typeof given.path !== 'string') {
    throw new OptionTypeError('path', 'a string', given.path);
  }
  const store = given.store;
  if (
    store !== undefined &&
    (typeof store !== 'object' || typeof store.acceptNext !== 'function')
  ) {
    throw new OptionTypeError('store', 'a SessionStore', store);
  }
  const whole = { min: 1, integer: true };
  return {
    server: given.server,
    path: given.path,
    store,
    authenticate: optionalFunction<NonNullable<SessionServerOptions['authenticate']>>(
      'authenticate',
      given.authenticate,
    ),
    verifyClient: optionalFunction<NonNullable<SessionServerOptions['verifyClient']>>(
      'verifyClient',
      given.verifyClient,
    ),
    onMessage: checkFunction<SessionServerOptions['onMessage']>('onMessage', given.onMessage),
    onError: optionalFunction<NonNullable<SessionServerOptions['onError']>>(
      'onError',
      given.onError,
    ),
    onSession: optionalFunction<NonNullable<SessionServerOptions['onSession']>>(
      'onSession',
      given.onSession,
    ),
    helloTimeout: checkNumber('helloTimeout', given.helloTimeout ?? 10_000, {
      min: 1,
      max: 2_147_483_647,
    }),
    ackEvery: checkNumber('ackEvery', given.ackEvery ?? 64, whole),
    ackDelay: checkNumber('ackDelay', given.ackDelay ?? 20, { min: 0, max: 2_147_483_647 }),
    maxPayload: checkNumber('maxPayload', given.maxPayload ?? 16 * 1024 * 1024, whole),
    maxFramesPerSecond: checkNumber('maxFramesPerSecond', given.maxFramesPerSecond ?? 10_000, {
      min: 0,
      above: true,
    }),
    frameBurst: checkNumber('frameBurst', given.frameBurst ?? 20_000, { min: 1 }),
  };
}

/** The options as `createSessionServer` uses them. */
export type ResolvedSessionServerOptions = ReturnType<typeof resolveSessionServerOptions>;
