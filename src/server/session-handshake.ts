// The server's side of the handshake: which session a hello may have, and
// what the welcome says. Nothing of a session is read beyond its record, or
// changed, before the identity and the token matched.

import { sessionCloseCodes } from '../protocol/close-codes.js';
import type { HelloFrame, ResetReason } from '../protocol/frames.js';
import {
  hashPresented,
  issueResumeToken,
  presentedMatches,
  resumeTokenMatches,
} from './resume-token.js';
import type { SessionRecord, SessionStore } from './session-store.js';

/** A hello the server admitted: the session, the token to send, whether it resumed. */
export interface Admitted {
  record: SessionRecord;
  token: string;
  resumed: boolean;
  /** The client had not confirmed the session yet: its first frame after the welcome confirms it. */
  pending: boolean;
}

/** A hello the server refuses, with the close code and a reason without secrets. */
export interface Refused {
  code: number;
  reason: string;
}

/** Finds (resuming) or creates the session `hello` asks for, or says why not. */
export async function admitHello(
  store: SessionStore,
  identity: string,
  hello: HelloFrame,
): Promise<Admitted | Refused> {
  const { clientId } = hello;
  const found = await store.get(clientId);
  if (!found) {
    const { token, hash } = issueResumeToken();
    const pendingHash = hashPresented(hello.token);
    const record = await store.create({ clientId, identity, tokenHash: hash, pendingHash });
    return { record, token, resumed: false, pending: true };
  }
  // The checks run whatever the identity, the token ones in constant time.
  const tokenMatches = resumeTokenMatches(hello.token, found.tokenHash);
  const { pendingHash } = found;
  const repeated = pendingHash !== undefined && presentedMatches(hello.token, pendingHash);
  if (found.identity !== identity || !(tokenMatches || repeated)) {
    return { code: sessionCloseCodes.sessionRejected, reason: 'session rejected' };
  }
  if (!tokenMatches) {
    // The hello that created the session, again: its welcome was lost. A new token, the same stream.
    const { token, hash } = issueResumeToken();
    await store.setCredentials(clientId, { tokenHash: hash, pendingHash });
    return { record: { ...found, tokenHash: hash }, token, resumed: false, pending: true };
  }
  if (hello.lastId < found.ackedThrough) {
    return {
      code: sessionCloseCodes.idsBackwards,
      reason: `ids went backwards: lastId ${hello.lastId} is below ackedThrough ${found.ackedThrough}`,
    };
  }
  if (pendingHash !== undefined) {
    // The token came back: the client got its welcome.
    await store.setCredentials(clientId, { tokenHash: found.tokenHash, pendingHash: undefined });
  }
  return { record: found, token: hello.token as string, resumed: true, pending: false };
}

/**
 * The welcome's `offset` (where the replay starts after) and `reset`. A new
 * session is replayed from the start of its stream (what the application
 * sent to it before a lost first welcome was repeated).
 */
export function planWelcome(
  hello: HelloFrame,
  record: SessionRecord,
  resumed: boolean,
): { offset: number; reset: ResetReason | undefined } {
  if (!resumed) {
    const trimmed = record.firstOffset > 1 ? 'history-trimmed' : undefined;
    return {
      offset: record.firstOffset - 1,
      reset: hello.epoch !== undefined ? 'epoch-changed' : trimmed,
    };
  }
  let reset: ResetReason | undefined;
  if (hello.epoch !== record.epoch) reset = 'epoch-changed';
  else if (hello.offset < record.firstOffset - 1) reset = 'history-trimmed';
  else if (hello.offset > record.lastOffset) reset = 'offset-ahead';
  return { offset: reset ? record.lastOffset : hello.offset, reset };
}

/** The client showed it got its welcome: from now on only its token resumes the session. */
export async function confirmSession(
  store: SessionStore,
  clientId: string,
  epoch: string,
): Promise<void> {
  const session = await store.get(clientId);
  if (session?.pendingHash === undefined || session.epoch !== epoch) return;
  await store.setCredentials(clientId, { tokenHash: session.tokenHash, pendingHash: undefined });
}
