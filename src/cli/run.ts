import { type Connection, createConnection } from '../client/create-connection.js';
import type { ConnectionError } from '../core/errors/index.js';
import { printable } from '../core/printable.js';
import type { RunningInspector } from '../inspect/index.js';
import { acknowledged, type CliOptions } from './cli-options.js';
import { connectionOptionsOf } from './connection-options.js';
import { openInspector } from './open-inspector.js';
import { outputMode } from './output-mode.js';
import { printIncoming } from './print-incoming.js';
import { reportOutcome } from './report-outcome.js';
import { sendStdin } from './send-stdin.js';
import { StatusOutput } from './status-output.js';

const signals = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Connects, sends stdin, prints what arrives, until stdin has drained, the
 * connection failed or a signal came; returns the exit code.
 */
export async function run(options: CliOptions): Promise<number> {
  const output = new StatusOutput(outputMode(options.json));
  let inspector: RunningInspector | undefined;
  if (options.inspect) inspector = await openInspector(options.inspect, output);
  let connection: Connection;
  try {
    connection = createConnection(connectionOptionsOf(options, inspector?.inspect));
  } catch (error) {
    inspector?.stop();
    throw error;
  }
  const printed = printIncoming(connection, output);
  connection.onError((error: ConnectionError) => {
    output.record({ type: 'error', code: error.code, message: error.message });
    output.line(`! ${printable(error.message, 200)}`);
  });

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const { stdin, receipts } = sendStdin(connection, output, options, finish);
  // Called at once with the current status, then on each change.
  connection.subscribe((status) => {
    output.status(status);
    if (status.state === 'failed') finish(1);
  });
  for (const [signal, code] of Object.entries(signals)) {
    process.once(signal, () => finish(code));
  }

  const code = await finished;
  stdin.close();
  connection.close(1000, code === 0 ? 'done' : 'bye');
  await printed();
  const exitCode = await reportOutcome(receipts, code, acknowledged(options), output);
  inspector?.stop();
  return exitCode;
}
