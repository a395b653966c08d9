import { afterEach, describe, expect, it } from 'vitest';
import { createMemorySessionStore, type SessionStore } from '../../src/server/index.js';
import {
  hashResumeToken,
  issueResumeToken,
  resumeTokenMatches,
} from '../../src/server/resume-token.js';

let store: SessionStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function clock() {
  let time = 0;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('createMemorySessionStore', () => {
  it('accepts id n only when it is ackedThrough + 1, atomically, within the epoch', async () => {
    store = createMemorySessionStore();
    const { epoch } = await store.create({ clientId: 'c', identity: '', tokenHash: 'h' });
    const results = await Promise.all([1, 1, 2, 4].map((id) => store?.acceptNext('c', epoch, id)));
    expect(results).toEqual([
      { outcome: 'accepted', ackedThrough: 1 },
      { outcome: 'duplicate', ackedThrough: 1 },
      { outcome: 'accepted', ackedThrough: 2 },
      { outcome: 'gap', ackedThrough: 2 },
    ]);
    expect(await store.acceptNext('c', 'another epoch', 3)).toMatchObject({ outcome: 'gone' });
    expect(await store.acceptNext('nobody', epoch, 1)).toMatchObject({ outcome: 'gone' });
    expect((await store.get('c'))?.ackedThrough).toBe(2);
  });

  it('gives a new random epoch to each created stream, and create replaces', async () => {
    store = createMemorySessionStore();
    const a = await store.create({ clientId: 'c', identity: 'x', tokenHash: 'h' });
    await store.append('c', 'm');
    const b = await store.create({ clientId: 'c', identity: 'y', tokenHash: 'k' });
    expect(b.epoch).not.toBe(a.epoch);
    expect(b).toMatchObject({ identity: 'y', ackedThrough: 0, lastOffset: 0, firstOffset: 1 });
    expect(await store.append('nobody', 'm')).toBeUndefined();
  });

  it('appends under growing offsets, reads after an offset in order, and drops acknowledged history', async () => {
    store = createMemorySessionStore();
    await store.create({ clientId: 'c', identity: '', tokenHash: 'h' });
    const bytes = new Uint8Array([1, 2]);
    expect([await store.append('c', 'a'), await store.append('c', bytes)]).toEqual([1, 2]);
    bytes[0] = 9; // the store kept a copy
    expect(await store.append('c', 'c')).toBe(3);
    expect(await store.readAfter('c', 1, 10)).toEqual([
      { offset: 2, data: new Uint8Array([1, 2]) },
      { offset: 3, data: 'c' },
    ]);
    expect(await store.readAfter('c', 0, 1)).toEqual([{ offset: 1, data: 'a' }]);
    await store.acknowledgeOffset('c', 2);
    expect(await store.readAfter('c', 0, 10)).toEqual([{ offset: 3, data: 'c' }]);
    expect(await store.get('c')).toMatchObject({ firstOffset: 3, lastOffset: 3 });
  });

  it('trims the oldest unacknowledged messages past maxMessages, maxBytes and maxAge', async () => {
    const time = clock();
    store = createMemorySessionStore({ maxMessages: 3, maxBytes: 10, maxAge: 1000, now: time.now });
    await store.create({ clientId: 'c', identity: '', tokenHash: 'h' });
    for (const text of ['a', 'b', 'c', 'd']) await store.append('c', text);
    expect(await store.get('c')).toMatchObject({ firstOffset: 2, lastOffset: 4 });
    await store.append('c', '123456789'); // past 3 messages (b goes), then c, d and it make 11 bytes > 10 (c goes)
    expect((await store.readAfter('c', 0, 10)).map((entry) => entry.offset)).toEqual([4, 5]);
    time.advance(600);
    await store.append('c', 'x');
    time.advance(500);
    expect((await store.readAfter('c', 0, 10)).map((entry) => entry.offset)).toEqual([6]);
    expect(await store.get('c')).toMatchObject({ firstOffset: 6, lastOffset: 6 });
  });

  it('deletes a session idle for idleTimeout; touch keeps one alive', async () => {
    const time = clock();
    store = createMemorySessionStore({ idleTimeout: 1000, now: time.now });
    await store.create({ clientId: 'quiet', identity: '', tokenHash: 'h' });
    await store.create({ clientId: 'kept', identity: '', tokenHash: 'h' });
    time.advance(900);
    await store.touch(['kept']);
    time.advance(200);
    expect(await store.get('quiet')).toBeUndefined();
    expect(await store.get('kept')).toBeDefined();
    await store.delete('kept');
    expect(await store.get('kept')).toBeUndefined();
  });

  it('checks its options', () => {
    expect(() => createMemorySessionStore({ maxMessages: 0 })).toThrow(/`maxMessages`/);
    expect(() => createMemorySessionStore({ maxAge: -1 })).toThrow(/`maxAge`/);
  });
});

describe('resume tokens', () => {
  it('are 32 random bytes in base64url, kept only as a SHA-256, compared whole', () => {
    const { token, hash } = issueResumeToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashResumeToken(token));
    expect(hash).not.toContain(token);
    expect(resumeTokenMatches(token, hash)).toBe(true);
    expect(resumeTokenMatches(`${token}x`, hash)).toBe(false);
    expect(resumeTokenMatches(undefined, hash)).toBe(false);
    expect(resumeTokenMatches(issueResumeToken().token, hash)).toBe(false);
  });
});
