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
