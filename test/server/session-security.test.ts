import { describe, expect, it } from 'vitest';
import {
  createMemorySessionStore,
  type ServerFrame,
  sessionCloseCodes,
} from '../../src/server/index.js';
import { handshake, hello, rawClient, startSessions } from './session-support.js';

type Welcome = Extract<ServerFrame, { type: 'welcome' }>;

/** A server where `x-user` names the identity, a victim with history both ways, and what it saw. */
async function victimWithHistory() {
  const store = createMemorySessionStore();
  const errors: Error[] = [];
  const { url, sessions, received } = await startSessions({
    store,
    ackDelay: 0,
    authenticate: (request) => request.headers['x-user'] as string | undefined,
    onError: (error) => errors.push(error),
  });
  const alice = { 'x-user': 'alice' };
  const first = await handshake(url, hello('victim'), alice);
  const welcome = first.welcome as Welcome;
  first.client.send({ type: 'data', id: 1, data: 'v1' });
  first.client.send({ type: 'data', id: 2, data: 'v2' });
  await first.client.take(2);
  first.client.ws.close();
  await first.client.closed;
  for (const text of ['secret 1', 'secret 2', 'secret 3']) await sessions.send('victim', text);
  const before = await store.get('victim');
  const state = async () => ({
    record: await store.get('victim'),
    stream: await store.readAfter('victim', 0, 100),
  });
  const snapshot = await state();
  expect(snapshot.record).toMatchObject({ ackedThrough: 2, lastOffset: 3, firstOffset: 1 });
  expect(snapshot.stream).toHaveLength(3);
  return { url, store, errors, received, welcome, alice, before, state, snapshot };
}

/** An attacker's hello for the victim, then data and an ack at once: all must be refused. */
async function attack(url: string, user: string, token: string | undefined) {
  const client = await rawClient(url, { 'x-user': user });
  client.send(hello('victim', { ...(token ? { token } : {}), ackedThrough: 0, lastId: 5 }));
  client.send({ type: 'data', id: 3, data: 'forged' });
  client.send({ type: 'ack', offset: 3 });
  const closed = await client.closed;
  return { closed, frames: client.pending };
}

describe('createSessionServer: a session is its owner alone', () => {
  it('refuses a stolen client id, a forged token and another identity with 4013, reading, acknowledging and changing nothing', async () => {
    const victim = await victimWithHistory();
    // Mallory has a session of her own, with a genuine token.
    const own = await handshake(victim.url, hello('mallory-own'), { 'x-user': 'mallory' });
    const malloryToken = (own.welcome as Welcome).token;
    const attempts = [
      await attack(victim.url, 'mallory', undefined),
      await attack(victim.url, 'mallory', 'A'.repeat(43)),
      await attack(victim.url, 'mallory', malloryToken),
      // The victim's own token, presented by another identity.
      await attack(victim.url, 'mallory', victim.welcome.token),
      // The same identity without the token (a clientId alone grants nothing).
      await attack(victim.url, 'alice', undefined),
    ];
    for (const { closed, frames } of attempts) {
      expect(closed.code).toBe(sessionCloseCodes.sessionRejected);
      expect(frames).toEqual([]);
    }
    expect(await victim.state()).toEqual(victim.snapshot);
    expect(victim.received.map(([, data]) => data)).toEqual(['v1', 'v2']);

    const resumed = await handshake(
      victim.url,
      hello('victim', {
        token: victim.welcome.token,
        epoch: victim.welcome.epoch,
        ackedThrough: 2,
        lastId: 2,
      }),
      victim.alice,
    );
    expect(resumed.welcome).toEqual({ ...victim.welcome, ackedThrough: 2 });
    expect(resumed.replay.map((frame) => frame.type === 'data' && frame.data)).toEqual([
      'secret 1',
      'secret 2',
      'secret 3',
    ]);
    const secrets = [victim.welcome.token, malloryToken];
    const texts = [
      ...victim.errors.map((error) => `${error.message} ${String(error.cause)}`),
      ...attempts.map(({ closed }) => closed.reason),
    ];
    for (const text of texts) for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('reads nothing more from a superseded socket, and refuses a hello replayed on a live one', async () => {
    const victim = await victimWithHistory();
    const { token, epoch } = victim.welcome;
    const resume = hello('victim', { token, epoch, ackedThrough: 2, lastId: 2 });
    const old = await handshake(victim.url, resume, victim.alice);
    const current = await handshake(victim.url, resume, victim.alice);
    // The server replaced the old socket before it sent the new welcome: what the old one sends now is not read.
    if (old.client.ws.readyState === old.client.ws.OPEN) {
      old.client.send({ type: 'data', id: 3, data: 'from the old socket' });
    }
    expect(await old.client.closed).toMatchObject({ code: sessionCloseCodes.sessionReplaced });
    // The current socket replays a hello: a protocol violation, and it changes nothing.
    current.client.send(resume);
    current.client.send({ type: 'data', id: 3, data: 'after the second hello' });
    expect((await current.client.closed).code).toBe(sessionCloseCodes.protocolViolation);
    expect((await victim.store.get('victim'))?.ackedThrough).toBe(2);
    expect(victim.received.map(([, data]) => data)).toEqual(['v1', 'v2']);
    const last = await handshake(victim.url, resume, victim.alice);
    expect(last.welcome).toMatchObject({ ackedThrough: 2, offset: 0 });
    expect(last.replay).toHaveLength(3);
  });
});
