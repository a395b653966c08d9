import type { BackoffOptions } from '../core/backoff.js';
import { OptionTypeError } from '../core/errors/index.js';
import {
  type ConnectionMachineInput,
  connectionMachineOptionNames,
  resolveConnectionConfig,
} from '../core/machine-config.js';
import { checkFunction, checkNumber, checkOptionsObject, maxTimerDelay } from '../core/validate.js';
import { type OutboxOptions, resolveOutboxOptions } from './delivery/outbox.js';
import type { OutgoingData } from './delivery/outgoing-data.js';
import { jsonAck } from './json-ack.js';
import type {
  AckOptions,
  ConnectionOptions,
  ResolvedConnectionOptions,
  ResolvedHeartbeat,
} from './options.js';
import { sessionAck, sessionClassifyClose } from './session/session-close.js';
import { resolveSessionOptions } from './session/session-options.js';
import { checkUrl } from './socket-url.js';
import type { WebSocketConstructor } from './websocket-like.js';

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
  'session',
  'messageId',
  'random',
  'inspect',
  'watchNetwork',
] as const;

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
 * import { resolveConnectionOptions } from './resolve-options.js'; // internal
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
  const session = resolveSessionOptions(given.session, given.ack, given.binaryType);
  if (session) machineInput.classifyClose = sessionClassifyClose(given.classifyClose);
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
    ack: session ? sessionAck : resolveAck(given.ack),
    session,
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
