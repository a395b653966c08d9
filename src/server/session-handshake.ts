// The server's side of the handshake: which session a hello may have, and
// what the welcome says. Nothing of a session is read beyond its record, or
// changed, before the identity and the token matched.

import { sessionCloseCodes } from '../protocol/close-codes.js';
import type { HelloFrame, ResetReason } from '../protocol/frames.js';
import { issueResumeToken, resumeTokenMatches } from './resume-token.js';
import type { SessionRecord, SessionStore } from './session-store.js';

/** A hello the server admitted: the session, the token to send, whether it resumed. */
export interface Admitted {
  record: SessionRecord;
  token: string;
  resumed: boolean;
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
  const found = await store.get(hello.clientId);
  if (!found) {
    const { token, hash } = issueResumeToken();
    const record = await store.create({ clientId: hello.clientId, identity, tokenHash: hash });
    return { record, token, resumed: false };
  }
  // Both checks run, the token one in constant time, whatever the identity.
  const tokenMatches = resumeTokenMatches(hello.token, found.tokenHash);
  if (!tokenMatches || found.identity !== identity) {
    return { code: sessionCloseCodes.sessionRejected, reason: 'session rejected' };
  }
  if (hello.lastId < found.ackedThrough) {
    return {
      code: sessionCloseCodes.idsBackwards,
      reason: `ids went backwards: lastId ${hello.lastId} is below ackedThrough ${found.ackedThrough}`,
    };
  }
  return { record: found, token: hello.token as string, resumed: true };
}

/** The welcome's `offset` (where the replay starts after) and `reset`. */
export function planWelcome(
  hello: HelloFrame,
  record: SessionRecord,
  resumed: boolean,
): { offset: number; reset: ResetReason | undefined } {
  let reset: ResetReason | undefined;
  if (resumed ? hello.epoch !== record.epoch : hello.epoch !== undefined) reset = 'epoch-changed';
  else if (hello.offset < record.firstOffset - 1) reset = 'history-trimmed';
  else if (hello.offset > record.lastOffset) reset = 'offset-ahead';
  return { offset: reset ? record.lastOffset : hello.offset, reset };
}
