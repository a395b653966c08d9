import { onTestFinished } from 'vitest';
import type { Connection } from '../../src/client/create-connection.js';
import type { Status } from '../../src/client/status.js';

/**
 * Collects every uncaught exception and unhandled rejection until the test
 * ends. A crash of the client shows up here (vitest reports it as well).
 */
export function captureCrashes(): unknown[] {
  const crashes: unknown[] = [];
  const record = (error: unknown) => {
    crashes.push(error);
  };
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  onTestFinished(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });
  return crashes;
}

/** A crash, described for an assertion message. */
export function describeCrash(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

/**
 * Resolves with the first status from now on (the current one included) that
 * satisfies `predicate`, or with null after `ms`: for bounded waits where
 * "nothing happened" is a possible outcome.
 */
export function statusWithin(
  connection: Connection,
  predicate: (status: Status) => boolean,
  ms: number,
): Promise<Status | null> {
  if (predicate(connection.status)) return Promise.resolve(connection.status);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(null);
    }, ms);
    const stop = connection.subscribe((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      stop();
      resolve(status);
    });
  });
}

/** An unmasked WebSocket frame as a server writes it: FIN set, the given opcode. */
export function serverFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const length = payload.length;
  const header =
    length < 126
      ? [length]
      : length < 65_536
        ? [126, length >> 8, length & 0xff]
        : [
            127,
            0,
            0,
            0,
            0,
            (length >>> 24) & 0xff,
            (length >> 16) & 0xff,
            (length >> 8) & 0xff,
            length & 0xff,
          ];
  return Uint8Array.from([(fin ? 0x80 : 0) | opcode, ...header, ...payload]);
}

/**
 * JSON of anything, for searching text: circular references, functions,
 * symbols, bigints and errors (with message, stack and cause) are rendered
 * instead of throwing.
 */
export function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return `${item}n`;
    if (typeof item === 'function') return `[function ${item.name}]`;
    if (typeof item === 'symbol') return item.toString();
    if (item instanceof Error) {
      return { name: item.name, message: item.message, stack: item.stack, cause: item.cause };
    }
    if (typeof item === 'object' && item !== null) {
      if (seen.has(item)) return '[circular]';
      seen.add(item);
    }
    return item;
  });
}

/** The C0 and C1 control characters and DEL; ESC among them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point.
export const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;
