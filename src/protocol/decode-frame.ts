import { binaryKind, decodeBinary } from './binary-envelope.js';
import type { ClientFrame, InvalidFrame, ResetReason, ServerFrame } from './frames.js';

type Fields = Record<string, unknown>;

const resetReasons: readonly ResetReason[] = ['epoch-changed', 'history-trimmed', 'offset-ahead'];
const maxTextLength = 256;

/**
 * Reads a frame a client sent; anything that is not valid protocol comes back
 * as `{ type: 'invalid', problem }` (the server closes with
 * `protocolViolation`).
 *
 * @example
 * ```ts
 * import { decodeClientFrame } from 'lifeline-ws/server';
 *
 * decodeClientFrame('{"id":1,"data":"hi"}'); // { type: 'data', id: 1, data: 'hi' }
 * decodeClientFrame('{"id":0,"data":"hi"}').type; // 'invalid'
 * ```
 */
export function decodeClientFrame(raw: string | Uint8Array): ClientFrame | InvalidFrame {
  if (typeof raw !== 'string') {
    const binary = decodeBinary(raw);
    if (typeof binary === 'string') return invalid(binary);
    if (binary.kind !== binaryKind.upstream)
      return invalid(`binary kind ${binary.kind} from a client`);
    if (binary.position < 1) return invalid('a data id must be 1 or more');
    return { type: 'data', id: binary.position, data: binary.payload };
  }
  const fields = parse(raw);
  if (typeof fields === 'string') return invalid(fields);
  if (fields.type === undefined) {
    const id = count(fields, 'id', 1);
    if (id instanceof Problem) return invalid(id.message);
    if (typeof fields.data !== 'string') return invalid('a text data frame needs a string "data"');
    return { type: 'data', id, data: fields.data };
  }
  if (fields.type === 'ack') {
    const offset = count(fields, 'offset', 0);
    return offset instanceof Problem ? invalid(offset.message) : { type: 'ack', offset };
  }
  if (fields.type === 'hello') return readHello(fields);
  return invalid(`unknown frame type ${shown(fields.type)}`);
}

/**
 * Reads a frame a server sent; anything that is not valid protocol comes back
 * as `{ type: 'invalid', problem }`.
 *
 * @example
 * ```ts
 * import { decodeServerFrame } from 'lifeline-ws/server';
 *
 * decodeServerFrame('{"type":"ack","id":4}'); // { type: 'ack', id: 4 }
 * ```
 */
export function decodeServerFrame(raw: string | Uint8Array): ServerFrame | InvalidFrame {
  if (typeof raw !== 'string') {
    const binary = decodeBinary(raw);
    if (typeof binary === 'string') return invalid(binary);
    if (binary.kind !== binaryKind.downstream)
      return invalid(`binary kind ${binary.kind} from a server`);
    if (binary.position < 1) return invalid('a data offset must be 1 or more');
    return { type: 'data', offset: binary.position, data: binary.payload };
  }
  const data = plainDataFrame(raw);
  if (data !== undefined) return data;
  const fields = parse(raw);
  if (typeof fields === 'string') return invalid(fields);
  switch (fields.type) {
    case undefined: {
      const offset = count(fields, 'offset', 1);
      if (offset instanceof Problem) return invalid(offset.message);
      if (typeof fields.data !== 'string')
        return invalid('a text data frame needs a string "data"');
      return { type: 'data', offset, data: fields.data };
    }
    case 'ack': {
      const id = count(fields, 'id', 0);
      return id instanceof Problem ? invalid(id.message) : { type: 'ack', id };
    }
    case 'replayed': {
      const offset = count(fields, 'offset', 0);
      return offset instanceof Problem ? invalid(offset.message) : { type: 'replayed', offset };
    }
    case 'welcome':
      return readWelcome(fields);
    default:
      return invalid(`unknown frame type ${shown(fields.type)}`);
  }
}

/**
 * The common downstream frame, `{"offset":n,"data":"..."}` with nothing to
 * unescape, read without JSON.parse: n from 1 (no leading zero) and at most
 * 2^53 - 1, a string with no quote, backslash or control character (whose
 * value is then its text). Undefined for anything else, which the JSON path
 * reads (and judges) as before.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids them raw in a string: such a frame goes to JSON.parse.
const plainData = /^\{"offset":([1-9]\d{0,15}),"data":"([^"\\\u0000-\u001f]*)"\}$/;

function plainDataFrame(raw: string): ServerFrame | undefined {
  if (!raw.startsWith('{"offset":')) return undefined;
  const match = plainData.exec(raw);
  if (match === null) return undefined;
  const offset = Number(match[1]);
  if (!Number.isSafeInteger(offset)) return undefined;
  return { type: 'data', offset, data: match[2] as string };
}

function readHello(fields: Fields): ClientFrame | InvalidFrame {
  const v = count(fields, 'v', 1);
  const clientId = text(fields, 'clientId');
  const ackedThrough = count(fields, 'ackedThrough', 0);
  const lastId = count(fields, 'lastId', 0);
  const offset = count(fields, 'offset', 0);
  const token = optionalText(fields, 'token');
  const epoch = optionalText(fields, 'epoch');
  for (const value of [v, clientId, ackedThrough, lastId, offset, token, epoch]) {
    if (value instanceof Problem) return invalid(value.message);
  }
  if ((lastId as number) < (ackedThrough as number)) {
    return invalid('hello: lastId is below ackedThrough');
  }
  return {
    type: 'hello',
    v: v as number,
    clientId: clientId as string,
    ...(token === undefined ? {} : { token: token as string }),
    ackedThrough: ackedThrough as number,
    lastId: lastId as number,
    offset: offset as number,
    ...(epoch === undefined ? {} : { epoch: epoch as string }),
  };
}

function readWelcome(fields: Fields): ServerFrame | InvalidFrame {
  const v = count(fields, 'v', 1);
  const clientId = text(fields, 'clientId');
  const token = text(fields, 'token');
  const ackedThrough = count(fields, 'ackedThrough', 0);
  const epoch = text(fields, 'epoch');
  const offset = count(fields, 'offset', 0);
  for (const value of [v, clientId, token, ackedThrough, epoch, offset]) {
    if (value instanceof Problem) return invalid(value.message);
  }
  const reset = fields.reset;
  if (reset !== undefined && !resetReasons.includes(reset as ResetReason)) {
    return invalid(`welcome: unknown reset ${shown(reset)}`);
  }
  return {
    type: 'welcome',
    v: v as number,
    clientId: clientId as string,
    token: token as string,
    ackedThrough: ackedThrough as number,
    epoch: epoch as string,
    offset: offset as number,
    ...(reset === undefined ? {} : { reset: reset as ResetReason }),
  };
}

class Problem {
  constructor(readonly message: string) {}
}

function parse(raw: string): Fields | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'a text frame that is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'a text frame that is not a JSON object';
  }
  return value as Fields;
}

/** A whole number field, `min` or more, at most 2^53 - 1. */
function count(fields: Fields, name: string, min: number): number | Problem {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    return new Problem(`"${name}" must be a whole number from ${min} to 2^53 - 1`);
  }
  return value;
}

function text(fields: Fields, name: string): string | Problem {
  const value = fields[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxTextLength) {
    return new Problem(`"${name}" must be a string of 1 to ${maxTextLength} characters`);
  }
  return value;
}

function optionalText(fields: Fields, name: string): string | Problem | undefined {
  return fields[name] === undefined ? undefined : text(fields, name);
}

/** A peer's value in a problem, cut short: problems end up in close reasons (123 bytes at most). */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

function invalid(problem: string): InvalidFrame {
  return { type: 'invalid', problem };
}
