import type { Connection } from '../client/create-connection.js';
import type { IncomingData } from '../client/incoming-data.js';
import { printable } from '../core/printable.js';
import type { StatusOutput } from './status-output.js';

/**
 * Prints each inbound message on stdout, a line each, in the order they
 * arrived (a Blob takes a while to read). Returns a function that resolves
 * once everything received so far is printed.
 */
export function printIncoming(connection: Connection, output: StatusOutput): () => Promise<void> {
  const terminal = process.stdout.isTTY === true;
  let printing = Promise.resolve();
  connection.onMessage((data) => {
    printing = printing
      .then(async () => output.stdout(`${await printableMessage(data, terminal)}\n`))
      .catch((error: unknown) => output.line(`! unprintable message: ${String(error)}`));
  });
  return () => printing;
}

function printableMessage(data: IncomingData, terminal: boolean): Promise<string> | string {
  if (typeof data === 'string') return terminal ? printable(data, Number.POSITIVE_INFINITY) : data;
  if (data instanceof Uint8Array) {
    return `base64:${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}`;
  }
  if (data instanceof ArrayBuffer) return `base64:${Buffer.from(data).toString('base64')}`;
  return data.arrayBuffer().then((buffer) => `base64:${Buffer.from(buffer).toString('base64')}`);
}
