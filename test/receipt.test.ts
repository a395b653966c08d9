import { describe, expect, it } from 'vitest';
import {
  isFinalState,
  Receipt,
  type ReceiptState,
  WriteLedger,
} from '../src/client/delivery/receipt.js';
import { ConnectionClosedError, OutboxOverflowError } from '../src/core/errors/index.js';

/** Lets every pending promise callback run; no time passes. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Follows a promise: `done` turns true once it resolves, `failed` once it rejects. */
function track<T>(promise: Promise<T>) {
  const tracked = { done: false, failed: false, value: undefined as T | undefined };
  promise.then(
    (value) => {
      tracked.done = true;
      tracked.value = value;
    },
    () => {
      tracked.failed = true;
    },
  );
  return tracked;
}

const allStates: ReceiptState[] = [
  'queued',
  'sent',
  'acked',
  'delivered',
  'unconfirmed',
  'dropped',
  'rejected',
];

describe('isFinalState', () => {
  it('calls acked, delivered, unconfirmed, dropped and rejected final, and nothing else', () => {
    expect(allStates.filter(isFinalState)).toEqual([
      'acked',
      'delivered',
      'unconfirmed',
      'dropped',
      'rejected',
    ]);
  });
});

describe('Receipt states', () => {
  it('starts queued, with its id and no error', () => {
    const receipt = new Receipt(7);
    expect(receipt.id).toBe(7);
    expect(receipt.state).toBe('queued');
    expect(receipt.error).toBeUndefined();
  });

  it('can be created already rejected, with the error', () => {
    const error = new ConnectionClosedError();
    const receipt = new Receipt(3, 'rejected', error);
    expect(receipt.state).toBe('rejected');
    expect(receipt.error).toBe(error);
  });

  it('moves queued -> sent -> acked', () => {
    const receipt = new Receipt(1);
    receipt.update('sent');
    expect(receipt.state).toBe('sent');
    receipt.update('acked');
    expect(receipt.state).toBe('acked');
    expect(receipt.error).toBeUndefined();
  });

  it('carries the error of a drop', () => {
    const receipt = new Receipt(1);
    const error = new OutboxOverflowError(1, 'drop-oldest', 'was dropped');
    receipt.update('dropped', error);
    expect(receipt.state).toBe('dropped');
    expect(receipt.error).toBe(error);
  });

  it('goes back to queued when a sent message must wait again', () => {
    const receipt = new Receipt(1);
    receipt.update('sent');
    receipt.update('queued');
    expect(receipt.state).toBe('queued');
  });
});

describe('Receipt.settled', () => {
  it('is the same promise on every read', () => {
    const receipt = new Receipt(1);
    expect(receipt.settled).toBe(receipt.settled);
  });

  it('stays pending while queued and sent, and resolves with the receipt once acked', async () => {
    const receipt = new Receipt(1);
    const settled = track(receipt.settled);
    await flush();
    expect(settled.done).toBe(false);
    receipt.update('sent');
    await flush();
    expect(settled.done).toBe(false);
    receipt.update('acked');
    await flush();
    expect(settled.done).toBe(true);
    expect(settled.value).toBe(receipt);
    expect(settled.value?.state).toBe('acked');
  });

  it('resolves when read after the state became final', async () => {
    const receipt = new Receipt(1);
    receipt.update('acked');
    const settled = track(receipt.settled);
    await flush();
    expect(settled.done).toBe(true);
    expect(settled.value).toBe(receipt);
  });

  it.each(['dropped', 'rejected'] as const)(
    'resolves, never rejects, when %s, with the error on the receipt',
    async (state) => {
      const error = new OutboxOverflowError(1, 'reject', 'was rejected');
      const before = new Receipt(1);
      const early = track(before.settled);
      before.update(state, error);
      const after = new Receipt(2);
      after.update(state, error);
      const late = track(after.settled);
      await flush();
      for (const settled of [early, late]) {
        expect(settled.failed).toBe(false);
        expect(settled.done).toBe(true);
        expect(settled.value?.error).toBe(error);
      }
    },
  );

  it('resolves for a receipt created rejected', async () => {
    const settled = track(new Receipt(1, 'rejected', new ConnectionClosedError()).settled);
    await flush();
    expect(settled.done).toBe(true);
    expect(settled.value?.state).toBe('rejected');
  });

  it('does not resolve on a return to queued', async () => {
    const receipt = new Receipt(1);
    const settled = track(receipt.settled);
    receipt.update('sent');
    receipt.update('queued');
    await flush();
    expect(settled.done).toBe(false);
  });
});

describe('WriteLedger', () => {
  function written(count: number) {
    const ledger = new WriteLedger();
    const receipts = Array.from({ length: count }, (_, i) => new Receipt(i + 1));
    for (const receipt of receipts) ledger.record(receipt, 'x');
    return { ledger, receipts };
  }

  const states = (receipts: Receipt[]) => receipts.map((receipt) => receipt.state);

  it('numbers writes and shows each recorded receipt as sent', () => {
    const { ledger, receipts } = written(3);
    expect(ledger.written).toBe(3);
    expect(ledger.confirmed).toBe(0);
    expect(ledger.ended).toBe(false);
    expect(states(receipts)).toEqual(['sent', 'sent', 'sent']);
  });

  it('shows receipts up to confirmThrough(n) as delivered, the rest still sent', () => {
    const { ledger, receipts } = written(4);
    ledger.confirmThrough(2);
    expect(ledger.confirmed).toBe(2);
    expect(states(receipts)).toEqual(['delivered', 'delivered', 'sent', 'sent']);
  });

  it('shows the unconfirmed rest as unconfirmed after end(), delivered ones stay delivered', () => {
    const { ledger, receipts } = written(3);
    ledger.confirmThrough(1);
    ledger.end();
    expect(ledger.ended).toBe(true);
    expect(states(receipts)).toEqual(['delivered', 'unconfirmed', 'unconfirmed']);
  });

  it('tells its watcher of the first write after the latest ping, once until the next ping', () => {
    const ledger = new WriteLedger();
    let calls = 0;
    ledger.watcher = {
      unpinged: () => {
        calls += 1;
      },
    };
    ledger.record(new Receipt(1), 'x');
    ledger.record(new Receipt(2), 'x');
    expect(calls).toBe(1);
    ledger.pingedThrough = ledger.written;
    ledger.record(new Receipt(3), 'x');
    ledger.record(new Receipt(4), 'x');
    expect(calls).toBe(2);
  });

  it('never moves confirmThrough backwards', () => {
    const { ledger, receipts } = written(3);
    ledger.confirmThrough(3);
    ledger.confirmThrough(1);
    ledger.confirmThrough(0);
    expect(ledger.confirmed).toBe(3);
    expect(states(receipts)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('clamps confirmThrough to what was written: a later write is not delivered by it', () => {
    const { ledger, receipts } = written(2);
    ledger.confirmThrough(5);
    expect(ledger.confirmed).toBe(2);
    const later = new Receipt(3);
    ledger.record(later, 'x');
    expect(later.state).toBe('sent');
    ledger.confirmThrough(3);
    expect(later.state).toBe('delivered');
    expect(states(receipts)).toEqual(['delivered', 'delivered']);
  });

  it('resolves settled when read before the receipt was even written', async () => {
    const ledger = new WriteLedger();
    const receipt = new Receipt(1);
    const settled = track(receipt.settled);
    ledger.record(receipt, 'x');
    await flush();
    expect(settled.done).toBe(false);
    ledger.confirmThrough(1);
    await flush();
    expect(settled.done).toBe(true);
    expect(settled.value?.state).toBe('delivered');
  });

  it('resolves settled when read while sent, only once confirmed', async () => {
    const { ledger, receipts } = written(2);
    const [first, second] = receipts.map((receipt) => track(receipt.settled));
    ledger.confirmThrough(1);
    await flush();
    expect(first?.done).toBe(true);
    expect(second?.done).toBe(false);
    ledger.confirmThrough(2);
    await flush();
    expect(second?.done).toBe(true);
    expect(second?.value?.state).toBe('delivered');
  });

  it('resolves settled when read after the confirmation', async () => {
    const { ledger, receipts } = written(1);
    ledger.confirmThrough(1);
    const settled = track((receipts[0] as Receipt).settled);
    await flush();
    expect(settled.done).toBe(true);
  });

  it('resolves waiting receipts as unconfirmed on end()', async () => {
    const { ledger, receipts } = written(3);
    const tracked = receipts.map((receipt) => track(receipt.settled));
    ledger.confirmThrough(1);
    await flush();
    expect(tracked.map((t) => t.done)).toEqual([true, false, false]);
    ledger.end();
    await flush();
    expect(tracked.every((t) => t.done && !t.failed)).toBe(true);
    expect(tracked.map((t) => t.value?.state)).toEqual(['delivered', 'unconfirmed', 'unconfirmed']);
  });

  it('resolves settled at once, as unconfirmed, when read after end()', async () => {
    const { ledger, receipts } = written(1);
    ledger.end();
    const settled = track((receipts[0] as Receipt).settled);
    await flush();
    expect(settled.done).toBe(true);
    expect(settled.value?.state).toBe('unconfirmed');
  });

  it('stops reading from the ledger once the receipt is updated', () => {
    const { ledger, receipts } = written(2);
    const [first, second] = receipts as [Receipt, Receipt];
    first.update('dropped', new ConnectionClosedError());
    second.update('queued');
    ledger.confirmThrough(2);
    expect(first.state).toBe('dropped');
    expect(second.state).toBe('queued');
    ledger.end();
    expect(second.state).toBe('queued');
  });

  it('keeps an unconfirmed receipt unconfirmed when a confirmation comes after end()', async () => {
    const { ledger, receipts } = written(1);
    const receipt = receipts[0] as Receipt;
    const settled = track(receipt.settled);
    ledger.end();
    await flush();
    expect(settled.value?.state).toBe('unconfirmed');
    ledger.confirmThrough(1);
    expect(receipt.state).toBe('unconfirmed');
  });
});
