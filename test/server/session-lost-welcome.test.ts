// The first welcome of a session can be lost (the socket dies right after
// it): the client never learned its token. Its next hello repeats the one
// that created the session, and gets the session (a new token, the same
// stream) rather than a rejection that would orphan what the application
// already sent to it. Once the client has shown it got a welcome, only the
// token resumes the session.
import { describe, expect, it } from 'vitest';
import { type ServerFrame, sessionCloseCodes } from '../../src/server/index.js';
import { handshake, hello, rawClient, startSessions } from './session-support.js';

type Welcome = Extract<ServerFrame, { type: 'welcome' }>;
const alice = { 'x-user': 'alice' };
const mallory = { 'x-user': 'mallory' };

async function serverWithIdentities() {
  return startSessions({
    ackDelay: 0,
    authenticate: (request) => request.headers['x-user'] as string | undefined,
  });
}

/** A hello whose welcome the client "loses": the socket is dropped as soon as the welcome arrives. */
async function helloAndLoseWelcome(url: string, greeting: ReturnType<typeof hello>) {
  const client = await rawClient(url, alice);
  client.send(greeting);
  const welcome = (await client.next()) as Welcome;
  client.ws.terminate();
  await client.closed;
  return welcome;
}

/** The token and epoch a welcome gave: what a resuming hello presents. */
function credentialsOf(frame: ServerFrame): { token: string; epoch: string } {
  const { token, epoch } = frame as Welcome;
  return { token, epoch };
}

describe('createSessionServer: a lost first welcome', () => {
  it('a repeat of the creating hello gets the session with a new token, and what was sent to it', async () => {
    const { url, sessions } = await serverWithIdentities();
    const lost = await helloAndLoseWelcome(url, hello('phone'));
    await sessions.send('phone', 'while away 1');
    await sessions.send('phone', 'while away 2');
    const again = await handshake(url, hello('phone'), alice);
    const welcome = again.welcome as Welcome;
    expect(welcome.token).not.toBe(lost.token);
    expect(welcome).toMatchObject({ epoch: lost.epoch, offset: 0, ackedThrough: 0 });
    expect(welcome.reset).toBeUndefined();
    expect(again.replay).toEqual([
      { type: 'data', offset: 1, data: 'while away 1' },
      { type: 'data', offset: 2, data: 'while away 2' },
    ]);
    again.client.ws.close();
  });

  it('a client that came from an older session (its old token and epoch) is told of the new epoch, and replayed from its start', async () => {
    const { url, sessions } = await serverWithIdentities();
    const stale = hello('laptop', {
      token: 'old-token-from-a-restarted-server',
      epoch: 'old',
      offset: 9,
    });
    await helloAndLoseWelcome(url, stale);
    await sessions.send('laptop', 'new life 1');
    const again = await handshake(url, stale, alice);
    expect(again.welcome).toMatchObject({ reset: 'epoch-changed', offset: 0 });
    expect(again.replay).toEqual([{ type: 'data', offset: 1, data: 'new life 1' }]);
    again.client.ws.close();
  });

  it('another identity repeating the creating hello is refused with 4013', async () => {
    const { url, sessions } = await serverWithIdentities();
    await helloAndLoseWelcome(url, hello('tablet'));
    await sessions.send('tablet', 'private');
    const intruder = await rawClient(url, mallory);
    intruder.send(hello('tablet'));
    expect((await intruder.closed).code).toBe(sessionCloseCodes.sessionRejected);
    expect(intruder.pending).toEqual([]);
  });

  it('once the client sent a frame after its welcome, the creating hello without the token is refused with 4013', async () => {
    const { url, sessions } = await serverWithIdentities();
    const first = await handshake(url, hello('desk'), alice);
    first.client.send({ type: 'data', id: 1, data: 'confirms' });
    expect(await first.client.next()).toEqual({ type: 'ack', id: 1 });
    first.client.ws.close();
    await first.client.closed;
    await sessions.send('desk', 'private');
    const repeat = await rawClient(url, alice);
    repeat.send(hello('desk'));
    expect((await repeat.closed).code).toBe(sessionCloseCodes.sessionRejected);
    expect(repeat.pending).toEqual([]);
    const owner = await handshake(
      url,
      hello('desk', { ...credentialsOf(first.welcome), ackedThrough: 1, lastId: 1 }),
      alice,
    );
    expect(owner.replay).toEqual([{ type: 'data', offset: 1, data: 'private' }]);
    owner.client.ws.close();
  });

  it('a hello with the token confirms the session: the creating hello is refused after it', async () => {
    const { url } = await serverWithIdentities();
    const first = await handshake(url, hello('watch'), alice);
    first.client.ws.close();
    await first.client.closed;
    const token = (first.welcome as Welcome).token;
    const resumed = await handshake(
      url,
      hello('watch', { token, epoch: (first.welcome as Welcome).epoch }),
      alice,
    );
    expect(resumed.welcome).toMatchObject({ token });
    resumed.client.ws.close();
    await resumed.client.closed;
    const repeat = await rawClient(url, alice);
    repeat.send(hello('watch'));
    expect((await repeat.closed).code).toBe(sessionCloseCodes.sessionRejected);
  });
});
