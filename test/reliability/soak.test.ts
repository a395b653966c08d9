import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../fixtures/soak.js';
import { runFixture } from './child.js';

interface SoakResult {
  cycles: number;
  reconnects: number;
  soakMs: number;
  sent: number;
  acked: number;
  delivered: number;
  inOrder: boolean;
  outOfOrder: number;
  gaps: number;
  duplicatesDropped: number;
  errors: number;
  heapFrom: number;
  heapAtFrom: number;
  heapAtEnd: number;
  heapSamples: { cycle: number; heapUsed: number }[];
  socketsMade: number;
  oldSocketsAlive: number;
  start: Checkpoint;
  end: Checkpoint;
  before: Record<string, number>;
  afterClose: Record<string, number>;
  finalState: string;
}

const cycles = 2000;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

describe('soak: 2,000 drop/reconnect cycles in one process', () => {
  it('leaks no memory, listener, timer or socket, loses nothing, and lets the process exit after close()', async () => {
    // test/fixtures/soak.ts: a proxy cut per cycle, 0-2 ms backoff, ack mode, a sync per socket, heartbeat on.
    const run = await runFixture<SoakResult>('soak.ts', [String(cycles)], { timeout: 100_000 });
    const soak = run.result;

    // The child printed its figures, closed the connection and its servers, and exited by itself.
    expect(run.exitCode, run.output).toBe(0);
    expect(soak.finalState).toBe('closed');

    // Every cycle was a real drop and a real reconnect.
    expect(soak.reconnects).toBe(cycles);
    expect(soak.socketsMade).toBe(cycles + 1);

    // Nothing lost, nothing out of order (2 messages per cycle, one of them sent into the dead socket).
    expect(soak.acked).toBe(soak.sent);
    expect(soak.delivered).toBe(soak.sent);
    expect(soak.inOrder).toBe(true);
    expect(soak.outOfOrder).toBe(0);
    expect(soak.gaps).toBe(0);
    expect(soak.errors).toBe(0);

    // Heap, after global.gc(): less than 5 MB of growth from cycle 100 to cycle 2,000.
    const growth = soak.heapAtEnd - soak.heapAtFrom;
    expect(growth).toBeLessThan(5 * 1024 * 1024);

    // Every replaced socket was garbage-collected.
    expect(soak.oldSocketsAlive).toBe(0);

    // Same listeners, timers, sockets and child actors after 2,000 cycles as after the first connect.
    expect(soak.end).toEqual(soak.start);
    expect(soak.start.children).toBe(1);
    expect(soak.start.proxyConnections).toBe(1);
    expect(soak.start.serverClients).toBe(1);

    // After close(): exactly the resources that were there before the connection was created.
    expect(soak.afterClose).toEqual(soak.before);

    const timers = soak.start.resources.Timeout ?? 0;
    console.log(
      `soak: ${soak.cycles} drop/reconnect cycles in ${soak.soakMs} ms ` +
        `(${(soak.soakMs / soak.cycles).toFixed(2)} ms per cycle), ${soak.sent} messages sent, ` +
        `${soak.acked} acked, ${soak.delivered} delivered in order; ` +
        `heap after gc ${mb(soak.heapAtFrom)} MB at cycle ${soak.heapFrom} -> ${mb(soak.heapAtEnd)} MB ` +
        `at cycle ${soak.cycles} (growth ${mb(growth)} MB, bound 5 MB); ` +
        `old sockets still alive ${soak.oldSocketsAlive}/${soak.socketsMade - 1}; ` +
        `pending timers ${timers} at start and ${soak.end.resources.Timeout ?? 0} at end; ` +
        `client socket listeners ${Object.values(soak.start.clientListeners).reduce((a, b) => a + b, 0)} ` +
        `at start and ${Object.values(soak.end.clientListeners).reduce((a, b) => a + b, 0)} at end; ` +
        `child exited with ${run.exitCode} ${run.ms} ms after spawn`,
    );
    console.log(
      `soak heap samples (MB after gc): ${soak.heapSamples
        .map((sample) => `${sample.cycle}: ${mb(sample.heapUsed)}`)
        .join(', ')}`,
    );
  }, 120_000);
});
