import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  Outbox,
  type OutboxEntry,
  type OutboxOptions,
  resolveOutboxOptions,
} from '../src/client/delivery/outbox.js';
import { isOutgoing, lengthOf, sizeOf, utf8Length } from '../src/client/delivery/outgoing-data.js';
import { Receipt } from '../src/client/delivery/receipt.js';
import { OptionRangeError, OptionTypeError } from '../src/core/errors/index.js';

function entry(id: number, bytes = 1): OutboxEntry {
  const data = 'x'.repeat(bytes);
  return { receipt: new Receipt(id), data, frame: data, bytes };
}

function outboxOf(options: OutboxOptions): Outbox {
  return new Outbox(resolveOutboxOptions(options));
}

function ids(entries: Iterable<OutboxEntry>): number[] {
  return [...entries].map((held) => held.receipt.id ?? Number.NaN);
}

/** Moves the oldest queued entry in flight, as a flush in ack mode does. */
function write(outbox: Outbox): OutboxEntry {
  const taken = outbox.takeQueued();
  if (!taken) throw new Error('nothing queued');
  outbox.markInFlight(taken);
  return taken;
}

describe('resolveOutboxOptions', () => {
  it('fills in the defaults: 10000 messages, 8 MiB, reject', () => {
    expect(resolveOutboxOptions()).toEqual({
      maxMessages: 10_000,
      maxBytes: 8 * 1024 * 1024,
      overflow: 'reject',
    });
    expect(new Outbox().options).toEqual(resolveOutboxOptions({}));
  });

  it('keeps valid values, Infinity included, and freezes the result', () => {
    const resolved = resolveOutboxOptions({
      maxMessages: Number.POSITIVE_INFINITY,
      maxBytes: 1.5,
      overflow: 'drop-oldest',
    });
    expect(resolved).toEqual({
      maxMessages: Number.POSITIVE_INFINITY,
      maxBytes: 1.5,
      overflow: 'drop-oldest',
    });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it.each([
    ['maxMessages', 0],
    ['maxMessages', -1],
    ['maxMessages', 1.5],
    ['maxMessages', Number.NaN],
    ['maxMessages', Number.NEGATIVE_INFINITY],
    ['maxBytes', 0],
    ['maxBytes', 0.5],
    ['maxBytes', Number.NaN],
  ])('refuses %s = %s with a RangeError naming the option', (name, value) => {
    const call = () => resolveOutboxOptions({ [name]: value }, 'outbox');
    expect(call).toThrow(OptionRangeError);
    expect(call).toThrow(RangeError);
    expect(call).toThrow(`\`outbox.${name}\` must be`);
    let caught: unknown;
    try {
      call();
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ option: `outbox.${name}`, code: 'ERR_LIFELINE_INVALID_OPTION' });
  });

  it('refuses a non-number bound with a TypeError naming the option', () => {
    const call = () => resolveOutboxOptions({ maxBytes: '1024' as never }, 'outbox');
    expect(call).toThrow(OptionTypeError);
    expect(call).toThrow('`outbox.maxBytes` must be a finite number >= 1 or Infinity, got "1024"');
  });

  it('refuses an unknown overflow policy, listing the accepted ones', () => {
    expect(() => resolveOutboxOptions({ overflow: 'drop-newest' as never }, 'outbox')).toThrow(
      '`outbox.overflow` must be one of "reject", "drop-oldest", got "drop-newest"',
    );
  });

  it('refuses a misspelt option instead of ignoring it', () => {
    expect(() => resolveOutboxOptions({ maxMessage: 5 } as never, 'outbox')).toThrow(
      '`outbox.maxMessage` is not an option',
    );
  });

  it('refuses options that are not an object', () => {
    expect(() => resolveOutboxOptions(null as never, 'outbox')).toThrow(OptionTypeError);
    expect(() => resolveOutboxOptions([] as never, 'outbox')).toThrow('`outbox` must be');
  });

  it('names the bare option when no path is given', () => {
    expect(() => resolveOutboxOptions({ maxMessages: 0 })).toThrow('`maxMessages` must be');
  });
});

describe('utf8Length', () => {
  it.each([
    ['', 0],
    ['hello', 5],
    ['é', 2],
    ['€', 3],
    ['\uffff', 3],
    ['😀', 4],
    ['a😀b', 6],
  ])('%j is %i bytes', (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(Buffer.byteLength(text, 'utf8')).toBe(bytes);
  });

  it.each([
    ['a lone high surrogate at the end', 'a\ud83d', 4],
    ['a lone high surrogate before a normal character', '\ud83dx', 4],
    ['a lone low surrogate', '\ude00', 3],
    ['a low surrogate before a high one', '\ude00\ud83d', 6],
    ['two high surrogates', '\ud83d\ud83d', 6],
  ])('counts %s as 3 bytes, as TextEncoder and Buffer encode it (U+FFFD)', (_, text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(new TextEncoder().encode(text).length).toBe(bytes);
    expect(Buffer.byteLength(text, 'utf8')).toBe(bytes);
  });

  it('agrees with Buffer.byteLength and TextEncoder on any UTF-16 string', () => {
    const codeUnit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0x7ff }),
      fc.integer({ min: 0x800, max: 0xffff }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
    );
    const piece = fc.oneof(
      codeUnit.map((code) => String.fromCharCode(code)),
      fc.integer({ min: 0x10000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
        expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isOutgoing: what send() accepts', () => {
  it('accepts text, ArrayBuffers, typed arrays, DataViews, SharedArrayBuffers and Blobs', () => {
    const buffer = new ArrayBuffer(4);
    for (const data of [
      '',
      'text',
      buffer,
      new Uint8Array(buffer),
      new DataView(buffer),
      new SharedArrayBuffer(2),
      new Blob(['x']),
    ]) {
      expect(isOutgoing(data), String(data)).toBe(true);
    }
  });

  it('refuses what no WebSocket can send', () => {
    for (const data of [undefined, null, 7, true, {}, [1, 2], Symbol('s'), () => 'x']) {
      expect(isOutgoing(data), String(data)).toBe(false);
    }
  });

  it('refuses everything but text and buffers where SharedArrayBuffer and Blob do not exist', () => {
    const { SharedArrayBuffer: shared, Blob: blob } = globalThis;
    vi.stubGlobal('SharedArrayBuffer', undefined);
    vi.stubGlobal('Blob', undefined);
    try {
      expect(isOutgoing('text')).toBe(true);
      expect(isOutgoing({})).toBe(false);
      expect(isOutgoing(new shared(2))).toBe(false);
      expect(isOutgoing(new blob(['x']))).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('sizeOf', () => {
  it('measures text in UTF-8 bytes, not UTF-16 units', () => {
    expect(sizeOf('héllo 😀')).toBe(11);
  });

  it('measures an ArrayBuffer by its byteLength', () => {
    expect(sizeOf(new ArrayBuffer(7))).toBe(7);
  });

  it('measures a typed array view by its own bytes, not its whole buffer', () => {
    expect(sizeOf(new Uint8Array([1, 2, 3]))).toBe(3);
    expect(sizeOf(new Uint8Array(new ArrayBuffer(16), 4, 5))).toBe(5);
    expect(sizeOf(new Uint16Array(3))).toBe(6);
    expect(sizeOf(new DataView(new ArrayBuffer(10), 2))).toBe(8);
  });

  it('measures a Blob by its size', () => {
    expect(sizeOf(new Blob(['héllo']))).toBe(6);
    expect(sizeOf(new Blob([new Uint8Array(9)]))).toBe(9);
  });

  it('measures binary data on a runtime without Blob (older engines, some workers)', () => {
    vi.stubGlobal('Blob', undefined);
    try {
      expect(typeof Blob).toBe('undefined');
      expect(sizeOf(new ArrayBuffer(7))).toBe(7);
      expect(sizeOf(new Uint8Array(5))).toBe(5);
      expect(sizeOf('héllo')).toBe(6);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(sizeOf(new Blob(['abc']))).toBe(3);
  });

  it('counts an empty message as 0 bytes', () => {
    expect(sizeOf('')).toBe(0);
    expect(sizeOf(new Uint8Array(0))).toBe(0);
    expect(sizeOf(new Blob([]))).toBe(0);
  });
});

describe('Outbox bounds under overflow: reject', () => {
  it('holds up to maxMessages and refuses the next one, dropping nothing', () => {
    const outbox = outboxOf({ maxMessages: 2 });
    expect(outbox.enqueue(entry(1))).toEqual({ accepted: true, dropped: [] });
    expect(outbox.enqueue(entry(2))).toEqual({ accepted: true, dropped: [] });
    expect(outbox.enqueue(entry(3))).toEqual({ accepted: false, dropped: [] });
    expect(outbox.queuedCount).toBe(2);
    expect(outbox.byteCount).toBe(2);
    expect(ids(outbox.clear())).toEqual([1, 2]);
  });

  it('accepts a message that fills maxBytes exactly and refuses one byte more', () => {
    const outbox = outboxOf({ maxBytes: 10 });
    expect(outbox.enqueue(entry(1, 4)).accepted).toBe(true);
    expect(outbox.enqueue(entry(2, 4)).accepted).toBe(true);
    expect(outbox.enqueue(entry(3, 3))).toEqual({ accepted: false, dropped: [] });
    expect(outbox.byteCount).toBe(8);
    expect(outbox.enqueue(entry(4, 2)).accepted).toBe(true);
    expect(outbox.byteCount).toBe(10);
    expect(outbox.queuedCount).toBe(3);
  });

  it('counts in-flight messages and bytes against the bounds', () => {
    const outbox = outboxOf({ maxMessages: 2, maxBytes: 100 });
    outbox.holdInFlight(entry(1));
    outbox.enqueue(entry(2));
    expect(outbox.enqueue(entry(3)).accepted).toBe(false);
    expect(outbox.holdInFlight(entry(4)).accepted).toBe(false);

    const bytes = outboxOf({ maxBytes: 10 });
    bytes.holdInFlight(entry(1, 6));
    expect(bytes.enqueue(entry(2, 5)).accepted).toBe(false);
    expect(bytes.enqueue(entry(3, 4)).accepted).toBe(true);
  });

  it('accepts again once room is made', () => {
    const outbox = outboxOf({ maxMessages: 1 });
    outbox.enqueue(entry(1));
    expect(outbox.enqueue(entry(2)).accepted).toBe(false);
    outbox.takeQueued();
    expect(outbox.enqueue(entry(3)).accepted).toBe(true);
  });
});

describe('Outbox bounds under overflow: drop-oldest', () => {
  it('drops the oldest message to make room for a new one', () => {
    const outbox = outboxOf({ maxMessages: 2, overflow: 'drop-oldest' });
    outbox.enqueue(entry(1));
    outbox.enqueue(entry(2));
    const result = outbox.enqueue(entry(3));
    expect(result.accepted).toBe(true);
    expect(ids(result.dropped)).toEqual([1]);
    expect(outbox.queuedCount).toBe(2);
    expect(ids(outbox.clear())).toEqual([2, 3]);
  });

  it('drops as many as the bytes need, oldest first, and no more', () => {
    const outbox = outboxOf({ maxBytes: 10, overflow: 'drop-oldest' });
    for (const id of [1, 2, 3, 4]) outbox.enqueue(entry(id, 2));
    const result = outbox.enqueue(entry(5, 5));
    expect(result.accepted).toBe(true);
    expect(ids(result.dropped)).toEqual([1, 2]);
    expect(outbox.byteCount).toBe(9);
    expect(ids(outbox.clear())).toEqual([3, 4, 5]);
  });

  it('drops every queued message for a message of exactly maxBytes when nothing is in flight', () => {
    const outbox = outboxOf({ maxBytes: 10, overflow: 'drop-oldest' });
    outbox.enqueue(entry(1, 3));
    outbox.enqueue(entry(2, 3));
    const result = outbox.enqueue(entry(3, 10));
    expect(result.accepted).toBe(true);
    expect(ids(result.dropped)).toEqual([1, 2]);
    expect(outbox.byteCount).toBe(10);
    expect(outbox.queuedCount).toBe(1);
  });

  it('never drops an in-flight message: its id is on the wire, and a hole would stop the server', () => {
    const outbox = outboxOf({ maxMessages: 4, overflow: 'drop-oldest' });
    for (const id of [1, 2, 3, 4]) outbox.enqueue(entry(id));
    write(outbox);
    write(outbox);
    // In flight: 1, 2. Queued: 3, 4. One too many: 3, the oldest queued, goes.
    expect(ids(outbox.enqueue(entry(5)).dropped)).toEqual([3]);
    expect(ids(outbox.inFlight())).toEqual([1, 2]);
    expect(outbox.queuedCount).toBe(2);
  });

  it('refuses a message, dropping nothing, when only dropping in-flight messages would make room', () => {
    const outbox = outboxOf({ maxBytes: 6, overflow: 'drop-oldest' });
    outbox.enqueue(entry(10, 1));
    outbox.holdInFlight(entry(11, 2));
    outbox.enqueue(entry(12, 1));
    outbox.holdInFlight(entry(13, 2));
    expect(outbox.enqueue(entry(14, 5))).toEqual({ accepted: false, dropped: [] });
    expect(outbox.byteCount).toBe(6);
    // Dropping both queued ones is enough for 3 bytes: they go, oldest first.
    const result = outbox.enqueue(entry(15, 2));
    expect(ids(result.dropped)).toEqual([10, 12]);
    expect(ids(outbox.inFlight())).toEqual([11, 13]);
    expect(ids(outbox.clear())).toEqual([11, 13, 15]);
  });

  it('makes room for an in-flight hold by dropping queued messages only', () => {
    const outbox = outboxOf({ maxMessages: 2, overflow: 'drop-oldest' });
    outbox.enqueue(entry(1));
    outbox.holdInFlight(entry(2));
    const result = outbox.holdInFlight(entry(3));
    expect(result.accepted).toBe(true);
    expect(ids(result.dropped)).toEqual([1]);
    expect(ids(outbox.inFlight())).toEqual([2, 3]);
    expect(outbox.queuedCount).toBe(0);
    expect(outbox.holdInFlight(entry(4))).toEqual({ accepted: false, dropped: [] });
  });

  it('reports each dropped entry with its bytes, and the byte count follows', () => {
    const outbox = outboxOf({ maxBytes: 8, overflow: 'drop-oldest' });
    const first = entry(1, 3);
    const second = entry(2, 4);
    outbox.enqueue(first);
    outbox.enqueue(second);
    const result = outbox.enqueue(entry(3, 5));
    expect(result.dropped).toEqual([first, second]);
    expect(result.dropped[0]).toBe(first);
    expect(outbox.byteCount).toBe(5);
  });
});

describe('a message bigger than maxBytes', () => {
  it.each(['reject', 'drop-oldest'] as const)(
    'is never accepted under %s, and nothing is dropped for it',
    (overflow) => {
      const outbox = outboxOf({ maxBytes: 10, overflow });
      outbox.enqueue(entry(1, 2));
      outbox.holdInFlight(entry(2, 2));
      const big = entry(3, 11);
      expect(outbox.fitsAlone(big)).toBe(false);
      expect(outbox.enqueue(big)).toEqual({ accepted: false, dropped: [] });
      expect(outbox.holdInFlight(big)).toEqual({ accepted: false, dropped: [] });
      expect(outbox.queuedCount).toBe(1);
      expect(outbox.inFlightCount).toBe(1);
      expect(outbox.byteCount).toBe(4);
    },
  );

  it('is refused by an empty outbox too', () => {
    const outbox = outboxOf({ maxBytes: 10, overflow: 'drop-oldest' });
    expect(outbox.enqueue(entry(1, 11)).accepted).toBe(false);
    expect(outbox.byteCount).toBe(0);
    expect(outbox.queuedCount).toBe(0);
  });

  it('is told apart from one that fits alone', () => {
    const outbox = outboxOf({ maxBytes: 10 });
    expect(outbox.fitsAlone(entry(1, 10))).toBe(true);
    expect(outbox.fitsAlone(entry(1, 11))).toBe(false);
  });
});

describe('taking back what the server refused (a 1009)', () => {
  function inFlight(...ids: number[]): Outbox {
    const outbox = outboxOf({});
    for (const id of ids) outbox.holdInFlight(entry(id, id));
    return outbox;
  }

  it('takes the in-flight entries from an id on, oldest first, uncounting their bytes', () => {
    const outbox = inFlight(1, 2, 3, 4);
    expect(ids(outbox.takeInFlightFrom(3))).toEqual([3, 4]);
    expect(ids(outbox.inFlight())).toEqual([1, 2]);
    expect(outbox.inFlightCount).toBe(2);
    expect(outbox.byteCount).toBe(1 + 2);
  });

  it('takes nothing when no in-flight entry has the id or a later one', () => {
    const outbox = inFlight(1, 2);
    expect(outbox.takeInFlightFrom(3)).toEqual([]);
    expect(ids(outbox.inFlight())).toEqual([1, 2]);
    expect(outbox.byteCount).toBe(3);
  });

  it('puts entries back at the head of the queue, in their order, ahead of newer ones', () => {
    const outbox = inFlight(1, 2, 3);
    outbox.enqueue(entry(9, 5));
    const taken = outbox.takeInFlightFrom(2);
    outbox.requeueFirst(taken);
    expect(outbox.queuedCount).toBe(3);
    expect(outbox.byteCount).toBe(1 + 2 + 3 + 5);
    expect(
      ids([outbox.takeQueued(), outbox.takeQueued(), outbox.takeQueued()] as OutboxEntry[]),
    ).toEqual([2, 3, 9]);
    expect(outbox.byteCount).toBe(1);
  });

  it("keeps taking queued entries in order after a requeue, past the queue's compaction point", () => {
    const outbox = outboxOf({});
    for (let id = 1; id <= 3000; id += 1) outbox.enqueue(entry(id));
    for (let i = 0; i < 2000; i += 1) write(outbox);
    outbox.requeueFirst(outbox.takeInFlightFrom(1500));
    const order: number[] = [];
    for (let taken = outbox.takeQueued(); taken; taken = outbox.takeQueued()) {
      order.push(taken.receipt.id ?? Number.NaN);
    }
    expect(order).toEqual(Array.from({ length: 1501 }, (_, i) => 1500 + i));
    expect(outbox.byteCount).toBe(1499);
  });
});

describe('lengthOf', () => {
  it('is the length of text and the byte length of binary data, in O(1)', () => {
    expect(lengthOf('héllo')).toBe(5);
    expect(lengthOf(new Uint8Array(7))).toBe(7);
    expect(lengthOf(new ArrayBuffer(3))).toBe(3);
    expect(lengthOf(new Blob(['abcd']))).toBe(4);
  });
});

describe('taking, writing and acknowledging', () => {
  it('takes queued entries oldest first, uncounting their bytes', () => {
    const outbox = outboxOf({});
    outbox.enqueue(entry(1, 3));
    outbox.enqueue(entry(2, 5));
    expect(outbox.takeQueued()?.receipt.id).toBe(1);
    expect(outbox.byteCount).toBe(5);
    expect(outbox.takeQueued()?.receipt.id).toBe(2);
    expect(outbox.takeQueued()).toBeUndefined();
    expect(outbox.byteCount).toBe(0);
    expect(outbox.queuedCount).toBe(0);
  });

  it('counts an entry moved in flight again, and lists it oldest first', () => {
    const outbox = outboxOf({});
    outbox.enqueue(entry(1, 3));
    outbox.enqueue(entry(2, 5));
    write(outbox);
    expect(outbox.byteCount).toBe(8);
    expect(outbox.inFlightCount).toBe(1);
    expect(outbox.queuedCount).toBe(1);
    write(outbox);
    expect(ids(outbox.inFlight())).toEqual([1, 2]);
    expect(outbox.queuedCount).toBe(0);
  });

  it('acknowledges cumulatively: every in-flight id up to the one given', () => {
    const outbox = outboxOf({});
    for (const id of [1, 2, 3, 4]) outbox.holdInFlight(entry(id, id));
    expect(ids(outbox.acknowledge(2))).toEqual([1, 2]);
    expect(ids(outbox.inFlight())).toEqual([3, 4]);
    expect(outbox.byteCount).toBe(7);
    expect(outbox.acknowledge(2)).toEqual([]);
    expect(ids(outbox.acknowledge(10))).toEqual([3, 4]);
    expect(outbox.byteCount).toBe(0);
  });

  it('releases nothing for an ack below the oldest in-flight id', () => {
    const outbox = outboxOf({});
    outbox.holdInFlight(entry(5));
    expect(outbox.acknowledge(4)).toEqual([]);
    expect(outbox.inFlightCount).toBe(1);
  });

  it('stops at the first in-flight id above the ack, even if a later one is below it', () => {
    const outbox = outboxOf({});
    for (const id of [1, 2, 5, 3]) outbox.holdInFlight(entry(id));
    expect(ids(outbox.acknowledge(4))).toEqual([1, 2]);
    expect(ids(outbox.inFlight())).toEqual([5, 3]);
  });

  it('never releases queued entries on an ack', () => {
    const outbox = outboxOf({});
    outbox.enqueue(entry(1));
    outbox.holdInFlight(entry(2));
    expect(ids(outbox.acknowledge(100))).toEqual([2]);
    expect(outbox.queuedCount).toBe(1);
    expect(outbox.byteCount).toBe(1);
  });

  it('keeps FIFO order across thousands of takes', () => {
    const outbox = outboxOf({});
    for (let id = 1; id <= 5000; id += 1) outbox.enqueue(entry(id));
    const taken: number[] = [];
    for (let i = 0; i < 3000; i += 1) taken.push(outbox.takeQueued()?.receipt.id ?? -1);
    for (let id = 5001; id <= 5500; id += 1) outbox.enqueue(entry(id));
    expect(taken).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(outbox.queuedCount).toBe(2500);
    expect(outbox.byteCount).toBe(2500);
    expect(ids(outbox.clear())).toEqual(Array.from({ length: 2500 }, (_, i) => i + 3001));
  });
});

describe('clear', () => {
  it('returns in-flight entries first, then queued ones, each oldest first, and empties', () => {
    const outbox = outboxOf({});
    outbox.enqueue(entry(3, 2));
    outbox.holdInFlight(entry(1, 2));
    outbox.enqueue(entry(4, 2));
    outbox.holdInFlight(entry(2, 2));
    expect(ids(outbox.clear())).toEqual([1, 2, 3, 4]);
    expect(outbox.queuedCount).toBe(0);
    expect(outbox.inFlightCount).toBe(0);
    expect(outbox.byteCount).toBe(0);
    expect([...outbox.inFlight()]).toEqual([]);
    expect(outbox.clear()).toEqual([]);
  });

  it('leaves the outbox usable', () => {
    const outbox = outboxOf({ maxMessages: 1 });
    outbox.enqueue(entry(1));
    outbox.clear();
    expect(outbox.enqueue(entry(2)).accepted).toBe(true);
    expect(outbox.takeQueued()?.receipt.id).toBe(2);
  });
});

type Operation =
  | { kind: 'enqueue'; bytes: number }
  | { kind: 'holdInFlight'; bytes: number }
  | { kind: 'write' }
  | { kind: 'take' }
  | { kind: 'acknowledge'; back: number }
  | { kind: 'clear' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('enqueue'), bytes: fc.nat(12) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('holdInFlight'), bytes: fc.nat(12) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('write') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('take') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('acknowledge'), back: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear') }) },
) as fc.Arbitrary<Operation>;

describe('Outbox invariants over random operation sequences', () => {
  it('byteCount always equals the sum of the entries held, and the bounds hold', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxMessages: fc.integer({ min: 1, max: 6 }),
          maxBytes: fc.integer({ min: 1, max: 30 }),
          overflow: fc.constantFrom('reject', 'drop-oldest'),
        }),
        fc.array(operation, { maxLength: 60 }),
        (options, operations) => {
          const outbox = outboxOf(options as OutboxOptions);
          // What the outbox holds, learnt only from what it reports.
          const held = new Set<OutboxEntry>();
          let nextId = 1;
          const fits = (count: number, bytes: number) =>
            count <= options.maxMessages && bytes <= options.maxBytes;
          const admit = (result: { accepted: boolean; dropped: OutboxEntry[] }, e: OutboxEntry) => {
            const count = held.size;
            const bytes = [...held].reduce((total, h) => total + h.bytes, 0);
            for (const old of result.dropped) expect(held.delete(old)).toBe(true);
            if (e.bytes > options.maxBytes) {
              expect(result).toEqual({ accepted: false, dropped: [] });
            } else if (options.overflow === 'reject') {
              expect(result.dropped).toEqual([]);
              expect(result.accepted).toBe(fits(count + 1, bytes + e.bytes));
            } else {
              const inFlight = [...outbox.inFlight()].filter((h) => h !== e);
              const inFlightBytes = inFlight.reduce((total, h) => total + h.bytes, 0);
              // Only queued messages are ever dropped: it fits if dropping all of them makes room.
              expect(result.accepted).toBe(fits(inFlight.length + 1, inFlightBytes + e.bytes));
              expect(result.dropped.every((d) => !inFlight.includes(d))).toBe(true);
              if (!result.accepted) {
                expect(result.dropped).toEqual([]);
                return;
              }
              // Dropped just enough: without the last one dropped it would not fit.
              const last = result.dropped.at(-1);
              const left = bytes - result.dropped.reduce((total, d) => total + d.bytes, 0);
              const leftCount = count - result.dropped.length;
              expect(fits(leftCount + 1, left + e.bytes)).toBe(true);
              if (last) expect(fits(leftCount + 2, left + last.bytes + e.bytes)).toBe(false);
            }
            if (result.accepted) held.add(e);
          };
          for (const op of operations) {
            switch (op.kind) {
              case 'enqueue': {
                const e = entry(nextId++, op.bytes);
                admit(outbox.enqueue(e), e);
                break;
              }
              case 'holdInFlight': {
                const e = entry(nextId++, op.bytes);
                admit(outbox.holdInFlight(e), e);
                break;
              }
              case 'write': {
                const taken = outbox.takeQueued();
                if (taken) {
                  expect(held.has(taken)).toBe(true);
                  outbox.markInFlight(taken);
                }
                break;
              }
              case 'take': {
                const taken = outbox.takeQueued();
                if (taken) expect(held.delete(taken)).toBe(true);
                break;
              }
              case 'acknowledge': {
                for (const released of outbox.acknowledge(nextId - op.back)) {
                  expect(held.delete(released)).toBe(true);
                }
                break;
              }
              case 'clear': {
                expect(new Set(outbox.clear())).toEqual(held);
                held.clear();
                break;
              }
            }
            const sum = [...held].reduce((total, e) => total + e.bytes, 0);
            expect(outbox.byteCount).toBe(sum);
            expect(outbox.queuedCount + outbox.inFlightCount).toBe(held.size);
            expect(outbox.byteCount).toBeLessThanOrEqual(options.maxBytes);
            expect(held.size).toBeLessThanOrEqual(options.maxMessages);
            const inFlight = [...outbox.inFlight()];
            expect(inFlight.every((e) => held.has(e))).toBe(true);
          }
          const remaining = outbox.clear();
          expect(new Set(remaining)).toEqual(held);
          expect(remaining).toHaveLength(held.size);
          expect(outbox.byteCount).toBe(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
