import type { InspectionEvent, Observer } from 'xstate';
import type { BackoffOptions } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { OptionTypeError } from '../core/errors/index.js';
import {
  type ConnectionConfig,
  type ConnectionMachineInput,
  connectionMachineOptionNames,
  resolveConnectionConfig,
} from '../core/machine-config.js';
import { checkFunction, checkNumber, checkOptionsObject, maxTimerDelay } from '../core/validate.js';
import {
  type OutboxOptions,
  type OutgoingData,
  type ResolvedOutboxOptions,
  resolveOutboxOptions,
} from './delivery/outbox.js';
import type { HeartbeatTiming } from './liveness.js';
import type { SyncContext, SyncResult } from './sync-context.js';

/** What `sync` may return: `{ ackedThrough }`, or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: an async function that returns nothing returns Promise<void>.
export type SyncReturn = SyncResult | undefined | void;

/** A frame as it arrives: text as a string, binary as the socket delivers it (Buffer in Node, Blob or ArrayBuffer in browsers). */
export type IncomingData = string | ArrayBuffer | Blob | Uint8Array;

/** The part of a WebSocket lifeline uses: the browser's, Node 22's, or `ws`. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol?: string;
  binaryType?: string;
  send(data: OutgoingData): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  /** `ws` only: a ping frame (the server's WebSocket answers with a pong). */
  ping?: (data?: unknown) => void;
  /** `ws` only: destroys the TCP socket at once. */
  terminate?: () => void;
  /** `ws` only: Node-style events (`pong`, `unexpected-response`, `message`). */
  on?: (event: string, listener: (...args: never[]) => void) => unknown;
  removeAllListeners?: (event?: string) => unknown;
}

/** A WebSocket constructor: `globalThis.WebSocket`, or `ws`'s (whose third argument takes `ca`, `headers` ...). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: never,
) => WebSocketLike;

/** Heartbeat: how a silent, half-open socket is detected. */
export interface HeartbeatOptions {
  /**
   * Probe the socket after this long without any inbound frame, in ms.
   * @default 15000
   */
  interval?: number;
  /**
   * Declare the socket dead when nothing arrives this long after a probe, in ms.
   * @default 10000
   */
  timeout?: number;
  /**
   * The application message to send as a probe where the WebSocket has no
   * ping frame (browsers, Node 22's global WebSocket); the server should
   * answer it. With `ws`, a ping frame is used and this is ignored unless
   * `preferMessage` is set. Without either, the heartbeat is passive: the
   * server must send something at least every `interval + timeout`.
   */
  message?: () => OutgoingData;
  /**
   * Send `message` even where ping frames exist.
   * @default false
   */
  preferMessage?: boolean;
}

/** Heartbeat options with defaults filled in. */
export interface ResolvedHeartbeat extends HeartbeatTiming {
  message: (() => OutgoingData) | undefined;
  preferMessage: boolean;
}

/** Ack mode: each outgoing message carries an id; the server acknowledges cumulatively. */
export interface AckOptions {
  /**
   * Puts the id on an outgoing message. Called once per message; a resend
   * writes the same frame.
   * @default JSON envelope: `{"id":<id>,"data":<the text>}` (text only)
   */
  stamp?: (data: OutgoingData, id: number) => OutgoingData;
  /**
   * Reads a cumulative acknowledgement: every id <= the number returned is
   * acknowledged. Returns undefined for frames that are not acks (they go to
   * `onMessage`). Ack frames are not delivered to `onMessage`.
   * @default reads `{"ack":<id>}`
   */
  read?: (data: IncomingData) => number | undefined;
}

/** Everything `createConnection` accepts. */
export interface ConnectionOptions extends ConnectionMachineInput {
  /**
   * The server: a `ws:`/`wss:` URL, or a function (sync or async) called
   * before every attempt, so a token can be refreshed.
   */
  url: string | URL | (() => string | URL | Promise<string | URL>);
  /** Subprotocols offered to the server. */
  protocols?: string | string[];
  /**
   * The WebSocket constructor. In Node the `ws` package is used even where a
   * global `WebSocket` exists (Node 22): the global one cannot send ping
   * frames, so the heartbeat could not probe a quiet socket, and takes no `ca`.
   * @default the `ws` package in Node, else `globalThis.WebSocket`
   */
  WebSocket?: WebSocketConstructor;
  /** A third argument for the constructor: `ws`'s options (`ca`, `headers`, `perMessageDeflate` ...). */
  socketOptions?: object;
  /**
   * How binary frames arrive (`'arraybuffer'`, `'blob'`, `'nodebuffer'` for `ws`).
   * @default the WebSocket's own default
   */
  binaryType?: string;
  /**
   * Half-open detection, owned by the transport; `false` turns it off.
   * @default { interval: 15000, timeout: 10000 }
   */
  heartbeat?: HeartbeatOptions | false;
  /**
   * Runs on every new socket before the outbox flows: resume the session,
   * catch up on missed messages. May return `{ ackedThrough }`. A throw, a
   * rejection or a run past `syncTimeout` counts as a failed attempt.
   * @default none (the outbox flows as soon as the socket opens)
   */
  sync?: (context: SyncContext) => SyncReturn | Promise<SyncReturn>;
  /** Bounds and overflow policy of the outbox. */
  outbox?: OutboxOptions;
  /**
   * The largest message `send()` accepts, in bytes (UTF-8 for text); a larger
   * one is rejected at once with a `MessageTooLargeError`. Set it to the
   * server's limit (`ws`'s `maxPayload`, 100 MiB by default) so that an
   * oversized message never reaches the server. Without it, a server that
   * closes with 1009 (message too big) gets the offending message rejected
   * and the rest resent.
   * @default Infinity
   */
  maxMessageSize?: number;
  /**
   * Ack mode: `true` for the default JSON envelope, or your own stamp/read.
   * Unacknowledged messages are resent after a reconnect, with the same id.
   * @default false
   */
  ack?: boolean | AckOptions;
  /**
   * Reads an inbound message's id, remembered as `lastInboundId` for `sync`.
   * @default none
   */
  messageId?: (data: IncomingData) => string | number | undefined;
  /**
   * Randomness for jitter, when `backoff.random` is not given.
   * @default Math.random
   */
  random?: () => number;
  /** An XState inspection observer (such as `@statelyai/inspect`'s `inspect`), given to the actor. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Listen to the platform's `online`/`offline` events where it has them (browsers).
   * @default true
   */
  watchNetwork?: boolean;
}

/** Options with defaults filled in and every value checked. */
export interface ResolvedConnectionOptions {
  url: ConnectionOptions['url'];
  protocols: string | string[] | undefined;
  WebSocket: WebSocketConstructor | undefined;
  socketOptions: object | undefined;
  binaryType: string | undefined;
  heartbeat: ResolvedHeartbeat | null;
  sync: ConnectionOptions['sync'];
  outbox: ResolvedOutboxOptions;
  maxMessageSize: number;
  ack: Required<AckOptions> | null;
  messageId: ConnectionOptions['messageId'];
  clock: Clock;
  inspect: ConnectionOptions['inspect'];
  watchNetwork: boolean;
  machine: ConnectionConfig;
}

const connectionOptionNames = [
  ...connectionMachineOptionNames,
  'url',
  'protocols',
  'WebSocket',
  'socketOptions',
  'binaryType',
  'heartbeat',
  'sync',
  'outbox',
  'maxMessageSize',
  'ack',
  'messageId',
  'random',
  'inspect',
  'watchNetwork',
] as const;

const maxEnvelopedId = Number.MAX_SAFE_INTEGER;

/**
 * The default ack envelope (`ack: true`): `{"id":1,"data":"hello"}` out,
 * `{"ack":1}` in. A server acknowledges cumulatively and de-duplicates by id.
 *
 * @example
 * ```ts
 * import { jsonAck } from 'lifeline-ws';
 *
 * jsonAck.stamp('hello', 7); // '{"id":7,"data":"hello"}'
 * jsonAck.read('{"ack":7}'); // 7
 * jsonAck.read('{"type":"chat"}'); // undefined: not an ack, delivered to onMessage
 * ```
 */
export const jsonAck: Required<AckOptions> = {
  stamp: (data, id) => {
    if (typeof data !== 'string') {
      throw new TypeError('the default ack envelope carries text only: pass ack.stamp for binary');
    }
    return `{"id":${id},"data":${JSON.stringify(data)}}`;
  },
  read: (data) => {
    if (typeof data !== 'string' || !data.startsWith('{"ack":')) return undefined;
    const ack = (JSON.parse(data) as { ack?: unknown }).ack;
    if (typeof ack !== 'number' || !Number.isSafeInteger(ack) || ack < 0 || ack > maxEnvelopedId) {
      throw new TypeError(`ack must be a whole number, got ${JSON.stringify(ack)}`);
    }
    return ack;
  },
};

function checkUrl(url: unknown): ConnectionOptions['url'] {
  if (typeof url === 'function') return url as ConnectionOptions['url'];
  const expected = 'a ws:, wss:, http: or https: URL, or a function returning one';
  if (typeof url !== 'string' && !(url instanceof URL))
    throw new OptionTypeError('url', expected, url);
  parseSocketUrl(String(url));
  return url;
}

/** Parses a URL a WebSocket can open, throwing an error that names `url` otherwise. */
export function parseSocketUrl(text: string): URL {
  const expected = 'a ws:, wss:, http: or https: URL';
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    if (/^(wss?|https?):\/\/\/*(?:[?#]|$)/i.test(text.trim())) {
      throw new OptionTypeError(
        'url',
        expected,
        redactUrl(text),
        `\`url\` has no host: "${redactUrl(text)}"`,
      );
    }
    throw new OptionTypeError('url', expected, redactUrl(text));
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) {
    throw new OptionTypeError('url', expected, redactUrl(text));
  }
  if (parsed.hash || text.includes('#')) {
    // A WebSocket refuses a URL with a fragment: every attempt would fail the same way.
    throw new OptionTypeError('url', `${expected} without a #fragment`, redactUrl(text));
  }
  return parsed;
}

/**
 * A URL with its credentials and query values hidden, for messages and
 * status: `wss://user:***@host/path?token=***`.
 *
 * @example
 * ```ts
 * import { redactUrl } from 'lifeline-ws';
 *
 * redactUrl('wss://me:secret@example.com/chat?token=abc'); // 'wss://me:***@example.com/chat?token=***'
 * ```
 */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, '***');
    if (url.hash) url.hash = '***';
    return url.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return text
      .replace(/\/\/[^/?]*@/, '//***@')
      .replace(/([?&][^=&#]*=)[^&#]*/g, '$1***')
      .replace(/#.*$/, '#***');
  }
}

/** RFC 7230 token characters: what the Sec-WebSocket-Protocol header allows. */
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkProtocols(value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined;
  const expected = 'a subprotocol name (an HTTP token) or an array of distinct ones';
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && token.test(p))) {
    throw new OptionTypeError('protocols', expected, value);
  }
  if (new Set(list).size !== list.length) throw new OptionTypeError('protocols', expected, value);
  return value as string | string[];
}

function resolveHeartbeat(value: unknown): ResolvedHeartbeat | null {
  if (value === false) return null;
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new OptionTypeError(
      'heartbeat',
      'false (no heartbeat) or an object such as { interval: 15000, timeout: 10000 }',
      value,
    );
  }
  const given = checkOptionsObject('heartbeat', value ?? {}, [
    'interval',
    'timeout',
    'message',
    'preferMessage',
  ]);
  const timer = { min: 0, above: true, max: maxTimerDelay } as const;
  const message =
    given.message === undefined
      ? undefined
      : checkFunction<() => OutgoingData>('heartbeat.message', given.message);
  const preferMessage = given.preferMessage ?? false;
  if (typeof preferMessage !== 'boolean') {
    throw new OptionTypeError('heartbeat.preferMessage', 'a boolean', preferMessage);
  }
  return {
    interval: checkNumber('heartbeat.interval', given.interval ?? 15_000, timer),
    timeout: checkNumber('heartbeat.timeout', given.timeout ?? 10_000, timer),
    message,
    preferMessage,
  };
}

function resolveAck(value: unknown): Required<AckOptions> | null {
  if (value === undefined || value === false) return null;
  if (value === true) return jsonAck;
  if (typeof value !== 'object' || value === null) {
    throw new OptionTypeError(
      'ack',
      'true (the default JSON envelope), false, or an object with `stamp` and `read` functions',
      value,
    );
  }
  const given = checkOptionsObject('ack', value, ['stamp', 'read']);
  return {
    stamp: given.stamp === undefined ? jsonAck.stamp : checkFunction('ack.stamp', given.stamp),
    read: given.read === undefined ? jsonAck.read : checkFunction('ack.read', given.read),
  };
}

function optionalFunction<T extends (...args: never[]) => unknown>(name: string, value: unknown) {
  return value === undefined ? undefined : checkFunction<T>(name, value);
}

/**
 * Checks every option of `createConnection` up front, filling in defaults.
 * A bad option throws an `OptionTypeError` or `OptionRangeError` naming it.
 *
 * @example
 * ```ts
 * import { resolveConnectionOptions } from 'lifeline-ws';
 *
 * resolveConnectionOptions({ url: 'wss://example.com/chat' }).heartbeat?.interval; // 15000
 * resolveConnectionOptions({ url: 'ftp://example.com' }); // TypeError: `url` must be a ws:, wss:, http: or https: URL ...
 * ```
 */
export function resolveConnectionOptions(options: ConnectionOptions): ResolvedConnectionOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    const expected =
      "an options object with at least `url`, such as { url: 'wss://example.com/socket' }";
    throw new OptionTypeError(
      'options',
      expected,
      options,
      `createConnection() needs ${expected}, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options === 'string' ? JSON.stringify(options) : String(options)}`,
    );
  }
  const given = checkOptionsObject('', options, connectionOptionNames);
  if (!('url' in given))
    throw new OptionTypeError('url', 'a URL or a function returning one', undefined);
  const random = optionalFunction<() => number>('random', given.random);
  const backoff = { ...((given.backoff ?? {}) as BackoffOptions) };
  if (random && backoff.random === undefined) backoff.random = random;
  const machineInput: Record<string, unknown> = { backoff };
  for (const name of connectionMachineOptionNames) {
    if (name !== 'backoff' && given[name] !== undefined) machineInput[name] = given[name];
  }
  const machine = resolveConnectionConfig(machineInput as ConnectionMachineInput);
  const protocols = checkProtocols(given.protocols);
  const binaryType = given.binaryType;
  if (binaryType !== undefined && typeof binaryType !== 'string') {
    throw new OptionTypeError('binaryType', 'a string', binaryType);
  }
  const socketOptions = given.socketOptions;
  if (
    socketOptions !== undefined &&
    (typeof socketOptions !== 'object' || socketOptions === null)
  ) {
    throw new OptionTypeError('socketOptions', 'an object', socketOptions);
  }
  const watchNetwork = given.watchNetwork ?? true;
  if (typeof watchNetwork !== 'boolean') {
    throw new OptionTypeError('watchNetwork', 'a boolean', watchNetwork);
  }
  return {
    url: checkUrl(given.url),
    protocols,
    WebSocket: optionalFunction<never>('WebSocket', given.WebSocket) as
      | WebSocketConstructor
      | undefined,
    socketOptions: socketOptions as object | undefined,
    binaryType: binaryType as string | undefined,
    heartbeat: resolveHeartbeat(given.heartbeat),
    sync: optionalFunction('sync', given.sync),
    outbox: resolveOutboxOptions((given.outbox ?? {}) as OutboxOptions, 'outbox'),
    maxMessageSize: checkNumber(
      'maxMessageSize',
      given.maxMessageSize ?? Number.POSITIVE_INFINITY,
      {
        min: 1,
        integer: true,
        orInfinity: true,
      },
    ),
    ack: resolveAck(given.ack),
    messageId: optionalFunction('messageId', given.messageId),
    clock: machine.clock,
    inspect: resolveInspect(given.inspect),
    watchNetwork,
    machine,
  };
}

function resolveInspect(value: unknown): ConnectionOptions['inspect'] {
  if (value === undefined || typeof value === 'function')
    return value as ConnectionOptions['inspect'];
  if (typeof value === 'object' && value !== null) return value as ConnectionOptions['inspect'];
  throw new OptionTypeError('inspect', 'a function or an observer', value);
}
