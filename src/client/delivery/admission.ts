import { describeError } from '../../core/describe-error.js';
import {
  type ConnectionError,
  OutboxOverflowError,
  UserCallbackError,
} from '../../core/errors/index.js';
import type { AckOptions } from '../options.js';
import type { EnqueueResult, Outbox, OutboxEntry } from './outbox.js';
import { isOutgoing } from './outgoing-data.js';

/**
 * Puts the id the entry will get on its frame (ack mode). False, with the
 * receipt rejected and the error reported, when the user's `ack.stamp`
 * fails; the id is not used up.
 */
export function stampEntry(
  entry: OutboxEntry,
  id: number,
  stamp: Required<AckOptions>['stamp'],
  report: (error: ConnectionError) => void,
): boolean {
  let problem: UserCallbackError | undefined;
  try {
    const frame: unknown = stamp(entry.data, id);
    if (isOutgoing(frame)) entry.frame = frame;
    else {
      problem = new UserCallbackError('ack.stamp', `returned ${describeError(frame)}, not a frame`);
    }
  } catch (error) {
    problem = new UserCallbackError('ack.stamp', `threw: ${describeError(error)}`, {
      cause: error,
    });
  }
  if (!problem) return true;
  entry.receipt.update('rejected', problem);
  report(problem);
  return false;
}

/**
 * Puts an entry in the outbox, queued or in flight. Not accepted, with the
 * receipt rejected and the error reported, when it does not fit; messages
 * that drop-oldest pushed out are settled and reported too.
 */
export function admitEntry(
  outbox: Outbox,
  entry: OutboxEntry,
  as: 'queued' | 'in-flight',
  report: (error: ConnectionError) => void,
): EnqueueResult {
  const result = as === 'queued' ? outbox.enqueue(entry) : outbox.holdInFlight(entry);
  const { accepted, dropped } = result;
  for (const old of dropped) {
    const error = new OutboxOverflowError(
      old.receipt.id,
      'drop-oldest',
      'was dropped to make room (overflow: drop-oldest)',
      old.data,
    );
    old.receipt.update('dropped', error);
    report(error);
  }
  if (!accepted) {
    const { maxMessages, maxBytes, overflow } = outbox.options;
    let detail = `was rejected: the outbox is full (maxMessages ${maxMessages}, maxBytes ${maxBytes})`;
    if (!outbox.fitsAlone(entry)) {
      detail = `was rejected: ${entry.bytes} bytes exceed outbox.maxBytes ${maxBytes}`;
    } else if (overflow === 'drop-oldest') {
      detail += ', and unacknowledged messages are never dropped';
    }
    const error = new OutboxOverflowError(undefined, overflow, detail, entry.data);
    entry.receipt.update('rejected', error);
    report(error);
  }
  return result;
}

/** What `send()` was given instead of a message, for its error. */
export function describeData(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object (serialise it first, e.g. JSON.stringify)';
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `the ${typeof value} ${value}`;
  }
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
