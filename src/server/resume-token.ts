// Resume tokens: 32 random bytes, base64url. The store keeps only their
// SHA-256; a presented token is hashed and compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new resume token and the hash the store keeps of it. */
export function issueResumeToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashResumeToken(token) };
}

/** The SHA-256 of a token, hex: what a store keeps. */
export function hashResumeToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The hash of what a hello presented as its token, none included (see `SessionRecord.pendingHash`). */
export function hashPresented(token: string | undefined): string {
  return hashResumeToken(token === undefined ? '' : `token:${token}`);
}

/** Whether a hello's token (or its absence) is what `pendingHash` was made of, in constant time. */
export function presentedMatches(token: string | undefined, pendingHash: string): boolean {
  const expected = Buffer.from(pendingHash, 'hex');
  const presented = Buffer.from(hashPresented(token), 'hex');
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

/** Whether `token` hashes to `hash`, compared in constant time; false without a token. */
export function resumeTokenMatches(token: string | undefined, hash: string): boolean {
  const expected = Buffer.from(hash, 'hex');
  // Hash even when there is no token, so a missing token takes as long as a wrong one.
  const presented = Buffer.from(hashResumeToken(token ?? ''), 'hex');
  return (
    token !== undefined &&
    expected.length === presented.length &&
    timingSafeEqual(expected, presented)
  );
}
