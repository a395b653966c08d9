import type { Connection } from '../client/create-connection.js';
import { isFinalState, type Receipt } from '../client/delivery/receipt.js';
import { acknowledged, type CliOptions } from './cli-options.js';

/**
 * After stdin ended: resolves once there is nothing left to wait for. With
 * --ack or --session, every receipt is final (acked, or dropped/rejected). Without, every
 * message has been written to a live socket: the clean close that follows
 * confirms them. Whether they all made it is read from the receipts after.
 */
export function drain(
  connection: Connection,
  receipts: readonly Receipt[],
  options: Pick<CliOptions, 'ack' | 'session' | 'drainTimeout'>,
): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let stop: (() => void) | undefined;
    let finished = false;
    const done = () => {
      finished = true;
      clearTimeout(timer);
      stop?.();
      resolve();
    };
    const check = () => {
      const pending = receipts.filter((receipt) => !isFinalState(receipt.state));
      if (pending.length === 0) return done();
      if (acknowledged(options)) return;
      const { state, queued } = connection.status;
      if (state === 'connected' && queued === 0) done();
    };
    if (options.drainTimeout !== undefined) timer = setTimeout(done, options.drainTimeout);
    // subscribe() calls check at once, which may already be done.
    stop = connection.subscribe(check);
    if (finished) stop();
    for (const receipt of receipts) receipt.settled.then(check);
  });
}
