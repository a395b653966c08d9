/**
 * The chaos tests' durable store (logged-session-store.ts): what it answered
 * is what a store opened later on the same log reads back.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLoggedSessionStore } from './logged-session-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-logged-store-'));
  dirs.push(dir);
  return path.join(dir, 'store.log');
}

describe('the logged session store (chaos tests)', () => {
  it('reads back sessions, ackedThrough, the stream and acknowledged offsets', async () => {
    const file = logFile();
    const store = createLoggedSessionStore(file);
    const record = await store.create({ clientId: 'c1', identity: 'alice', tokenHash: 'ab' });
    expect(await store.acceptNext('c1', record.epoch, 1)).toEqual({
      outcome: 'accepted',
      ackedThrough: 1,
    });
    expect(await store.acceptNext('c1', record.epoch, 3)).toEqual({
      outcome: 'gap',
      ackedThrough: 1,
    });
    expect(await store.append('c1', 'one')).toBe(1);
    expect(await store.append('c1', new Uint8Array([1, 2]))).toBe(2);
    expect(await store.append('c1', 'three')).toBe(3);
    await store.acknowledgeOffset('c1', 1);
    await store.create({ clientId: 'c2', identity: '', tokenHash: 'cd' });
    await store.delete('c2');

    const again = createLoggedSessionStore(file);
    expect(again.clientIds()).toEqual(['c1']);
    expect(await again.get('c1')).toEqual({
      clientId: 'c1',
      identity: 'alice',
      tokenHash: 'ab',
      epoch: record.epoch,
      ackedThrough: 1,
      lastOffset: 3,
      firstOffset: 2,
    });
    expect(await again.readAfter('c1', 0, 10)).toEqual([
      { offset: 2, data: new Uint8Array([1, 2]) },
      { offset: 3, data: 'three' },
    ]);
    expect(await again.acceptNext('c1', record.epoch, 1)).toEqual({
      outcome: 'duplicate',
      ackedThrough: 1,
    });
    expect(await again.acceptNext('c1', 'another epoch', 2)).toEqual({
      outcome: 'gone',
      ackedThrough: 0,
    });
    expect(await again.append('c2', 'x')).toBeUndefined();
    expect(again.skippedLines).toBe(0);
  });

  it('skips a line cut short, keeping everything before and after it', async () => {
    const file = logFile();
    const store = createLoggedSessionStore(file);
    const record = await store.create({ clientId: 'c1', identity: '', tokenHash: 'ab' });
    await store.acceptNext('c1', record.epoch, 1);
    appendFileSync(file, '{"c":"c1","acc');
    const again = createLoggedSessionStore(file);
    expect(again.skippedLines).toBe(1);
    expect((await again.get('c1'))?.ackedThrough).toBe(1);
    await again.acceptNext('c1', record.epoch, 2);
    const third = createLoggedSessionStore(file);
    expect(third.skippedLines).toBe(1);
    expect((await third.get('c1'))?.ackedThrough).toBe(2);
  });
});
