import { describe, it } from 'vitest';
import { runFixture } from './child.js';

interface Memory {
  baseline: number;
  afterProducing: number;
}

interface MemoryResult {
  policy: 'reject' | 'drop-oldest';
  ack: boolean;
  total: number;
  messageBytes: number;
  maxBytes: number;
  held: number;
  queued: number;
  inFlight: number;
  rejected: number;
  rejectedWithError: number;
  reportedRejects: number;
  reportedDrops: number;
  dropsInOrder: boolean;
  otherErrors: number;
  offline: 'offline' | 'unreachable';
  warmUpRounds: number;
  offlineState: string;
  attemptsWhileOffline: number;
  produceMs: number;
  drainMs: number;
  delivered: number;
  duplicates: number;
  outOfOrder: number;
  gaps: number;
  inOrder: boolean;
  acceptedStates: Record<string, number>;
  rss: Memory & { peak: number; coldBaseline: number };
  heapUsed: Memory;
  oldSpaceUsed: Memory;
  newSpaceSize: Memory & { coldBaseline: number };
}

const total = 1_000_000;
/** The drop-oldest run checks the other policy; a quarter of the volume keeps the suite fast. */
const dropOldestTotal = 250_000;
const maxBytes = 10 * 1024 * 1024;
const rssBound = 60 * 1024 * 1024;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
/**
 * From the baseline (after global.gc(), in a process warmed up until its RSS
 * settles) to the end of producing (after global.gc()). The growth from a cold
 * process is printed as well; it adds V8's young generation becoming resident.
 */
const growth = (memory: Memory) => memory.afterProducing - memory.baseline;

function report(run: MemoryResult, ms: number): void {
  const reported =
    run.policy === 'reject'
      ? `${run.rejected} rejected receipts with an OutboxOverflowError`
      : `${run.reportedDrops} drops reported through onError`;
  console.log(
    `memory bound (${run.policy}, ${run.ack ? 'ack mode' : 'no ack'}, ${run.offline}): ` +
      `${run.total} x ${run.messageBytes} B sent in ${run.produceMs} ms with maxBytes ${mb(run.maxBytes)} MiB; ` +
      `${run.held} held, ${reported}; RSS after gc +${mb(growth(run.rss))} MB over a warmed-up process ` +
      `(bound 60 MB; V8 old space, the outbox, +${mb(growth(run.oldSpaceUsed))} MB), ` +
      `+${mb(run.rss.afterProducing - run.rss.coldBaseline)} MB over a cold one ` +
      `(V8's young generation grew ${mb(run.newSpaceSize.coldBaseline)} -> ${mb(run.newSpaceSize.afterProducing)} MB); ` +
      `peak RSS while producing, without gc, +${mb(run.rss.peak - run.rss.baseline)} MB; ` +
      `${run.attemptsWhileOffline} connection attempts while offline; ` +
      `${run.delivered} delivered in order ${run.drainMs} ms after the network came back; ` +
      `baseline after ${run.warmUpRounds} warm-up bursts; child ran ${ms} ms`,
  );
}

// The two children run side by side (each measures its own process); vitest runs one file at a time on 2 cores.
describe.concurrent('memory bound: messages of 100 bytes while offline, maxBytes 10 MiB', () => {
  it('reject, 1,000,000 messages: RSS grows < 60 MB, every message over the bound gets an error receipt, the accepted ones all arrive', async ({
    expect,
    onTestFinished,
  }) => {
    // test/fixtures/memory-bound.ts: connected once, then setOnline(false); no ack mode.
    const {
      exitCode,
      ms,
      result: run,
      output,
    } = await runFixture<MemoryResult>(
      'memory-bound.ts',
      ['reject', 'plain', 'offline', String(total), String(maxBytes)],
      { onFinished: onTestFinished },
    );
    expect(exitCode, output).toBe(0);
    expect(run.offlineState).toBe('offline');
    expect(run.attemptsWhileOffline).toBe(0);

    // The bound is bytes: exactly floor(maxBytes / 100) messages fit, the rest are refused.
    expect(run.held).toBe(Math.floor(maxBytes / run.messageBytes));
    expect(run.queued).toBe(run.held);
    expect(run.rejected).toBe(total - run.held);
    // Every refusal is reported on its receipt and on onError: an OutboxOverflowError, policy
    // reject; a refused message was never written, so it has no id.
    expect(run.rejectedWithError).toBe(run.rejected);
    expect(run.reportedRejects).toBe(run.rejected);
    expect(run.otherErrors).toBe(0);

    expect(growth(run.rss)).toBeLessThan(rssBound);
    // Most of it is the outbox itself, in V8's old space.
    expect(growth(run.oldSpaceUsed)).toBeLessThan(3 * maxBytes);

    // Back online: every accepted message arrives, in the order sent, and its receipt says delivered.
    expect(run.delivered).toBe(run.held);
    expect(run.inOrder).toBe(true);
    expect(run.acceptedStates).toEqual({ delivered: run.held });
    report(run, ms);
  }, 120_000);

  it('drop-oldest, 250,000 messages, ack mode, server unreachable: RSS grows < 60 MB, every drop is reported, the kept ones are all acked', async ({
    expect,
    onTestFinished,
  }) => {
    // The proxy refuses every connection while the client keeps retrying with backoff.
    const {
      exitCode,
      ms,
      result: run,
      output,
    } = await runFixture<MemoryResult>(
      'memory-bound.ts',
      ['drop-oldest', 'ack', 'unreachable', String(dropOldestTotal), String(maxBytes)],
      { onFinished: onTestFinished },
    );
    expect(exitCode, output).toBe(0);
    expect(run.offlineState).toBe('reconnecting');
    expect(run.attemptsWhileOffline).toBeGreaterThan(0);

    // Every message was taken; to stay within maxBytes the oldest were dropped, each one reported.
    expect(run.rejected).toBe(0);
    expect(run.reportedDrops).toBe(dropOldestTotal - run.held);
    expect(run.dropsInOrder).toBe(true);
    expect(run.otherErrors).toBe(0);
    // Stamped frames ({"id":n,"data":...}) are what the bound counts.
    expect(run.held).toBeGreaterThan(maxBytes / (run.messageBytes + 40));
    expect(run.held).toBeLessThan(maxBytes / run.messageBytes);

    expect(growth(run.rss)).toBeLessThan(rssBound);
    expect(growth(run.oldSpaceUsed)).toBeLessThan(3 * maxBytes);

    // Back: exactly the newest `held` messages arrive, in order, once each, all acked.
    expect(run.delivered).toBe(run.held);
    expect(run.inOrder).toBe(true);
    expect(run.duplicates).toBe(0);
    expect(run.outOfOrder).toBe(0);
    expect(run.gaps).toBe(0);
    expect(run.inFlight).toBe(0);
    report(run, ms);
  }, 120_000);
});
