import type { Receipt, ReceiptState } from '../client/delivery/receipt.js';
import type { StatusOutput } from './status-output.js';

const finalOk: ReadonlySet<ReceiptState> = new Set(['acked', 'delivered']);

/**
 * Once the connection is closing: waits for the receipts, reports what
 * became of the messages, and returns the exit code. A run that would exit
 * 0 exits 3 when a message was not confirmed.
 */
export async function reportOutcome(
  receipts: readonly Receipt[],
  code: number,
  ack: boolean,
  output: StatusOutput,
): Promise<number> {
  // Without acks (--ack, --session), the clean close under way is what confirms the messages written.
  const outcome = await settleAfterClose(receipts, ack ? 0 : 1500);
  const unconfirmed = outcome.filter((state) => !finalOk.has(state)).length;
  const exitCode = code === 0 && unconfirmed > 0 ? 3 : code;
  const counts: Record<string, number> = {};
  for (const state of outcome) counts[state] = (counts[state] ?? 0) + 1;
  output.stop();
  output.record({ type: 'exit', code: exitCode, sent: receipts.length, receipts: counts });
  if (receipts.length > 0 || exitCode !== 0) {
    const summary = Object.entries(counts)
      .map(([state, count]) => `${count} ${state}`)
      .join(', ');
    output.line(
      `${receipts.length} message${receipts.length === 1 ? '' : 's'}${summary ? `: ${summary}` : ''} (exit ${exitCode})`,
    );
  }
  return exitCode;
}

/** Waits (at most `ms`) for the receipts to settle once the connection closed; returns their states. */
async function settleAfterClose(receipts: readonly Receipt[], ms: number): Promise<ReceiptState[]> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(receipts.map((receipt) => receipt.settled)),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
  return receipts.map((receipt) => receipt.state);
}
