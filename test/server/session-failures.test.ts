import { describe, expect, it, vi } from 'vitest';
import {
  type AcceptResult,
  createMemorySessionStore,
  decodeClientFrame,
  type SessionServerError,
  type SessionStore,
  sessionCloseCodes,
} from '../../src/server/index.js';
import { handshake, hello, rawClient, startSessions, storeWith } from './session-support.js';

describe('createSessionServer: failures', () => {
  it('closes with 4011 and reports ERR_LIFELINE_STORE_FAILED when the store fails, without the token', async () => {
    const errors: SessionServerError[] = [];
    const store = storeWith(async () => {
      throw new Error('redis down');
    });
    const { url } = await startSessions({ store, onError: (error) => errors.push(error) });
    const { client, welcome } = await handshake(url, hello('c1'));
    client.send({ type: 'data', id: 1, data: 'a' });
    const closed = await client.closed;
    expect(closed.code).toBe(sessionCloseCodes.serverError);
    expect(errors).toMatchObject([{ code: 'ERR_LIFELINE_STORE_FAILED', operation: 'acceptNext' }]);
    const token = welcome.type === 'welcome' ? welcome.token : '?';
    for (const text of [closed.reason, errors[0]?.message, String(errors[0]?.cause)]) {
      expect(text).not.toContain(token);
    }
    await store.close();
  });

  it('hands an accepted message to onMessage even when its socket closed meanwhile', async () => {
    const memory = createMemorySessionStore();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store: SessionStore = {
      ...storeWith(async (clientId, epoch, id): Promise<AcceptResult> => {
        const result = await memory.acceptNext(clientId, epoch, id);
        await gate;
        return result;
      }),
      get: (clientId) => memory.get(clientId),
      create: (session) => memory.create(session),
      readAfter: (clientId, offset, limit) => memory.readAfter(clientId, offset, limit),
    };
    const { url, sessions, received } = await startSessions({ store });
    const { client } = await handshake(url, hello('c1'));
    client.send({ type: 'data', id: 1, data: 'taken' });
    await vi.waitFor(async () => expect((await memory.get('c1'))?.ackedThrough).toBe(1));
    client.ws.terminate();
    await vi.waitFor(() => expect(sessions.clients()).toEqual([]));
    release();
    await vi.waitFor(() => expect(received).toEqual([['c1', 'taken']]));
    await memory.close();
  });

  it('survives a frame whose problem would make a close reason past 123 bytes', async () => {
    const { url } = await startSessions();
    const client = await rawClient(url);
    client.send(JSON.stringify({ type: 'x'.repeat(500) }));
    const closed = await client.closed;
    expect(closed.code).toBe(sessionCloseCodes.protocolViolation);
    expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
    const decoded = decodeClientFrame(JSON.stringify({ type: { long: 'x'.repeat(500) } }));
    expect(decoded.type === 'invalid' && decoded.problem.length).toBeLessThan(80);
    await handshake(url, hello('c1'));
  });
});
