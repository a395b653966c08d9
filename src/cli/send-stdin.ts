import { createInterface, type Interface } from 'node:readline';
import type { Connection } from '../client/create-connection.js';
import type { Receipt } from '../client/delivery/receipt.js';
import type { CliOptions } from './cli-options.js';
import { drain } from './drain.js';
import type { StatusOutput } from './status-output.js';

/** The lines read from stdin and what became of them. */
export interface StdinSender {
  readonly stdin: Interface;
  /** One per line sent, in order. */
  readonly receipts: Receipt[];
}

/**
 * Sends each line of stdin on `connection`. Calls `finish(0)` once stdin
 * ended and the messages drained (never with --keep-open), and `finish(130)`
 * on Ctrl-C at the interactive prompt.
 */
export function sendStdin(
  connection: Connection,
  output: StatusOutput,
  options: CliOptions,
  finish: (code: number) => void,
): StdinSender {
  const receipts: Receipt[] = [];
  const interactive = output.mode === 'prompt';
  const stdin = createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
    ...(interactive ? { output: process.stderr, terminal: true } : {}),
  });
  if (interactive) {
    output.attach(stdin);
    // In raw mode Ctrl-C reaches readline, not the process.
    stdin.on('SIGINT', () => finish(130));
  }
  stdin.on('line', (line) => {
    const receipt = connection.send(line);
    receipts.push(receipt);
    if (interactive) output.typed();
    if (receipt.state === 'rejected') {
      output.record({ type: 'error', code: receipt.error?.code, message: receipt.error?.message });
      output.line(`! ${receipt.error?.message ?? 'a message was rejected'}`);
    }
  });
  stdin.on('close', () => {
    if (options.keepOpen) return;
    drain(connection, receipts, options).then(() => finish(0));
  });
  return { stdin, receipts };
}
