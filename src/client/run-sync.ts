import { describeError } from '../core/describe-error.js';
import { type ConnectionError, SyncFailedError } from '../core/errors/index.js';
import type { SyncInput } from '../core/machine.js';
import { printable } from '../core/printable.js';
import type { Delivery } from './delivery/delivery.js';
import type { Inbound } from './inbound.js';
import type { IncomingData } from './incoming-data.js';
import type { ResolvedConnectionOptions, SyncReturn } from './options.js';
import type { SyncContext, SyncResult } from './sync-context.js';
import type { SocketSession } from './transport.js';

/** The parts of a connection a sync reaches. */
export interface SyncParts {
  readonly session: SocketSession;
  readonly inbound: Inbound;
  readonly delivery: Delivery;
  report(error: ConnectionError): void;
}

/**
 * Runs the user's `sync` on a fresh socket: its frames are its own while it
 * listens, what it writes goes ahead of the outbox, and its `ackedThrough`
 * acknowledges what the server already has. A failure is reported and
 * rethrown, so the machine counts the attempt as failed.
 */
export async function runSync(
  userSync: NonNullable<ResolvedConnectionOptions['sync']>,
  input: SyncInput,
  signal: AbortSignal,
  { session, inbound, delivery, report }: SyncParts,
): Promise<SyncResult | undefined> {
  const stops = new Set<() => void>();
  const context: SyncContext = {
    isReconnect: input.isReconnect,
    attempt: input.attempt,
    lastInboundId: inbound.lastInboundId,
    lastAckedId: delivery.lastAckedId,
    send: (data) => {
      if (!signal.aborted) session.socket.send(data);
    },
    deliver: (data) => {
      if (!signal.aborted) inbound.deliver(data);
    },
    onMessage: (listener) => {
      // Wrapped, so the same function registered twice is two listeners.
      const stop = inbound.listenForSync((data: IncomingData) => listener(data));
      stops.add(stop);
      return () => {
        stops.delete(stop);
        stop();
      };
    },
    signal,
  };
  const cleanUp = () => {
    for (const stop of stops) stop();
  };
  signal.addEventListener('abort', cleanUp, { once: true });
  try {
    let result: SyncReturn;
    try {
      result = await userSync(context);
    } catch (error) {
      if (!signal.aborted) {
        report(
          new SyncFailedError(`sync failed: ${describeError(error)}`, false, { cause: error }),
        );
      }
      throw error;
    }
    if (result === undefined || result === null) return undefined;
    const through = (result as SyncResult).ackedThrough;
    if (through !== undefined) {
      if (typeof through !== 'number' || Number.isNaN(through)) {
        const problem = `sync() returned ackedThrough ${shownValue(through)}: expected a number`;
        report(new SyncFailedError(problem, false));
        throw new TypeError(problem);
      }
      delivery.acknowledge(through);
    }
    return result;
  } finally {
    cleanUp();
  }
}

/** A returned value for an error message, without calling anything the value defines. */
function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(printable(value, 40));
  if (typeof value === 'number') return String(value);
  return `of type ${value === null ? 'null' : typeof value}`;
}
