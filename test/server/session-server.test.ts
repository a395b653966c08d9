import { describe, expect, it, vi } from 'vitest';
import {
  createMemorySessionStore,
  createSessionServer,
  type ServerFrame,
  sessionCloseCodes,
} from '../../src/server/index.js';
import { handshake, hello, rawClient, startSessions, storeWith } from './session-support.js';

const dataOffsets = (frames: ServerFrame[]) =>
  frames.map((frame) => (frame.type === 'data' ? frame.offset : frame.type));

describe('createSessionServer: the handshake', () => {
  it('creates a session: welcome with a token and an epoch, replayed, then data is acknowledged', async () => {
    const { url, received } = await startSessions({ ackDelay: 0 });
    const { client, welcome, replay, replayed } = await handshake(url, hello('c1'));
    expect(welcome).toEqual({
      type: 'welcome',
      v: 1,
      clientId: 'c1',
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      ackedThrough: 0,
      epoch: expect.any(String),
      offset: 0,
    });
    expect(replay).toEqual([]);
    expect(replayed).toEqual({ type: 'replayed', offset: 0 });
    client.send({ type: 'data', id: 1, data: 'hello' });
    client.send({ type: 'data', id: 2, data: new Uint8Array([1, 2, 3]) });
    expect(await client.take(2)).toEqual([
      { type: 'ack', id: 1 },
      { type: 'ack', id: 2 },
    ]);
    expect(received).toEqual([
      ['c1', 'hello'],
      ['c1', [1, 2, 3]],
    ]);
  });

  it.each([
    ['data before hello', '{"id":1,"data":"too early"}', sessionCloseCodes.protocolViolation],
    ['a malformed frame', '{"type":"hello"', sessionCloseCodes.protocolViolation],
    ['an unknown version', JSON.stringify(hello('c3', { v: 2 })), 4406],
    ['a v2 hello this version cannot read', '{"type":"hello","v":2,"peer":"x"}', 4406],
  ])('closes on %s', async (_what, frame, code) => {
    const { url } = await startSessions();
    const client = await rawClient(url);
    client.send(frame);
    expect((await client.closed).code).toBe(code);
  });

  it('closes on a second hello with 4400', async () => {
    const { url } = await startSessions();
    const { client, welcome } = await handshake(url, hello('c1'));
    client.send(hello('c1', { token: welcome.type === 'welcome' ? welcome.token : '' }));
    expect((await client.closed).code).toBe(sessionCloseCodes.protocolViolation);
  });

  it('closes a socket that says no hello within helloTimeout with 4008', async () => {
    const { url } = await startSessions({ helloTimeout: 20 });
    const client = await rawClient(url);
    expect((await client.closed).code).toBe(sessionCloseCodes.helloTimeout);
  });

  it('refuses the upgrade with HTTP 401 when authenticate refuses or throws', async () => {
    const errors: Error[] = [];
    const { url } = await startSessions({
      authenticate: (request) => {
        if (request.headers['x-user'] === 'boom') throw new Error('auth down');
        return request.headers['x-user'] as string | undefined;
      },
      onError: (error) => errors.push(error),
    });
    await expect(rawClient(url)).rejects.toThrow('HTTP 401');
    await expect(rawClient(url, { 'x-user': 'boom' })).rejects.toThrow('HTTP 401');
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      'ERR_LIFELINE_HANDLER_FAILED',
    ]);
    await handshake(url, hello('c1'), { 'x-user': 'alice' });
  });

  it('checks its options, naming the bad one', () => {
    const onMessage = () => undefined;
    expect(() => createSessionServer({ onMessage })).toThrow(/`server`/);
    expect(() => createSessionServer({ noServer: true, onMessage, ackEvery: 0 })).toThrow(
      /`ackEvery` must be an integer >= 1/,
    );
    expect(() => createSessionServer({ noServer: true, onMessage: 5 as never })).toThrow(
      /`onMessage`/,
    );
    expect(() => createSessionServer({ noServer: true, onMessage, ackEvry: 3 } as never)).toThrow(
      /ackEvry/,
    );
  });
});

describe('createSessionServer: downstream', () => {
  it('replays what was sent while the client was away, in order, then replayed, then live', async () => {
    const starts: unknown[] = [];
    const { url, sessions } = await startSessions({
      onSession: (client, start) => starts.push([client.clientId, start]),
    });
    const first = await handshake(url, hello('c1'));
    const welcome = first.welcome as Extract<ServerFrame, { type: 'welcome' }>;
    first.client.ws.close();
    await first.client.closed;
    expect(await sessions.send('c1', 'one')).toBe(1);
    expect(await sessions.send('c1', new Uint8Array([2]))).toBe(2);
    expect(await sessions.send('c1', 'three')).toBe(3);

    const resumed = await handshake(
      url,
      hello('c1', { token: welcome.token, epoch: welcome.epoch }),
    );
    expect(resumed.welcome).toEqual({ ...welcome, offset: 0 });
    expect(
      resumed.replay.map((frame) =>
        frame.type === 'data' && typeof frame.data !== 'string'
          ? { ...frame, data: [...frame.data] }
          : frame,
      ),
    ).toEqual([
      { type: 'data', offset: 1, data: 'one' },
      { type: 'data', offset: 2, data: [2] },
      { type: 'data', offset: 3, data: 'three' },
    ]);
    expect(resumed.replayed).toEqual({ type: 'replayed', offset: 3 });
    await sessions.send('c1', 'live');
    expect(await resumed.client.next()).toEqual({ type: 'data', offset: 4, data: 'live' });
    expect(sessions.clients()).toEqual([{ clientId: 'c1', identity: '' }]);
    expect(starts).toEqual([
      ['c1', { resumed: false, reset: undefined }],
      ['c1', { resumed: true, reset: undefined }],
    ]);
  });

  it('sends live messages sent during a long replay after it, in offset order, never twice or skipped', async () => {
    const { url, sessions } = await startSessions();
    const first = await handshake(url, hello('c1'));
    const welcome = first.welcome as Extract<ServerFrame, { type: 'welcome' }>;
    first.client.ws.close();
    await first.client.closed;
    for (let i = 1; i <= 600; i += 1) await sessions.send('c1', `m${i}`);

    const client = await rawClient(url);
    client.send(hello('c1', { token: welcome.token, epoch: welcome.epoch }));
    const live = Array.from({ length: 100 }, (_, i) => sessions.send('c1', `m${601 + i}`));
    expect(await Promise.all(live)).toEqual(Array.from({ length: 100 }, (_, i) => 601 + i));
    const frames = await client.take(1 + 700 + 1);
    const kinds = dataOffsets(frames);
    expect(kinds[0]).toBe('welcome');
    const data = kinds.filter((kind) => typeof kind === 'number');
    expect(data).toEqual(Array.from({ length: 700 }, (_, i) => i + 1));
    expect(kinds.at(-1)).toBe('replayed');
    await sessions.send('c1', 'after');
    expect(await client.next()).toEqual({ type: 'data', offset: 701, data: 'after' });
  });

  it('sends messages appended while a replay read is pending exactly once, before replayed, in order', async () => {
    const memory = createMemorySessionStore();
    let reads = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = {
      ...storeWith((clientId, epoch, id) => memory.acceptNext(clientId, epoch, id), memory),
      readAfter: async (clientId: string, offset: number, limit: number) => {
        const entries = await memory.readAfter(clientId, offset, limit);
        reads += 1;
        if (reads === 2) await gate; // the first read is the first socket's (empty) replay
        return entries;
      },
    };
    const { url, sessions } = await startSessions({ store });
    const first = await handshake(url, hello('c1'));
    const { token, epoch } = first.welcome as Extract<ServerFrame, { type: 'welcome' }>;
    first.client.ws.close();
    await first.client.closed;
    for (const text of ['a', 'b', 'c']) await sessions.send('c1', text);
    const client = await rawClient(url);
    client.send(hello('c1', { token, epoch }));
    await vi.waitFor(() => expect(reads).toBe(2));
    for (const text of ['d', 'e', 'f', 'g', 'h']) await sessions.send('c1', text);
    release();
    const frames = await client.take(1 + 8 + 1);
    expect(dataOffsets(frames)).toEqual(['welcome', 1, 2, 3, 4, 5, 6, 7, 8, 'replayed']);
    expect(frames.at(-1)).toEqual({ type: 'replayed', offset: 8 });
    await sessions.send('c1', 'i');
    expect(await client.next()).toEqual({ type: 'data', offset: 9, data: 'i' });
    await memory.close();
  });

  it('drops acknowledged history, and a client behind the kept history gets reset "history-trimmed"', async () => {
    const store = createMemorySessionStore({ maxMessages: 2 });
    const { url, sessions } = await startSessions({ store });
    const first = await handshake(url, hello('c1'));
    const welcome = first.welcome as Extract<ServerFrame, { type: 'welcome' }>;
    await sessions.send('c1', 'one');
    expect(await first.client.next()).toMatchObject({ offset: 1 });
    first.client.send({ type: 'ack', offset: 1 });
    first.client.ws.close();
    await first.client.closed;
    expect((await store.get('c1'))?.firstOffset).toBe(2);
    for (const text of ['two', 'three', 'four']) await sessions.send('c1', text);

    const resumed = await handshake(
      url,
      hello('c1', { token: welcome.token, epoch: welcome.epoch, offset: 1 }),
    );
    expect(resumed.welcome).toMatchObject({ reset: 'history-trimmed', offset: 4 });
    expect(resumed.replay).toEqual([]);
    expect(resumed.replayed).toEqual({ type: 'replayed', offset: 4 });
    await store.close();
  });

  it('gives a client of a lost store (a restart) a new session with reset "epoch-changed"', async () => {
    const before = await startSessions();
    const first = await handshake(before.url, hello('c4'));
    const welcome = first.welcome as Extract<ServerFrame, { type: 'welcome' }>;
    const after = await startSessions();
    const again = await handshake(
      after.url,
      hello('c4', {
        token: welcome.token,
        epoch: welcome.epoch,
        offset: 12,
        ackedThrough: 5,
        lastId: 7,
      }),
    );
    expect(again.welcome).toMatchObject({ ackedThrough: 0, offset: 0, reset: 'epoch-changed' });
    expect(again.welcome).not.toMatchObject({ epoch: welcome.epoch });
    expect(again.welcome).not.toMatchObject({ token: welcome.token });
  });

  it('rejects send to an unknown client id with ERR_LIFELINE_UNKNOWN_CLIENT', async () => {
    const { sessions } = await startSessions();
    await expect(sessions.send('nobody', 'hi')).rejects.toMatchObject({
      code: 'ERR_LIFELINE_UNKNOWN_CLIENT',
      clientId: 'nobody',
    });
  });
});
