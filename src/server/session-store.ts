// What a session server keeps per client, behind a few async calls, so that a
// shared store (Redis: a Lua script for the atomic accept, a Stream for the
// log, keys that expire) can stand in for the in-memory default.
import type { SessionData } from '../protocol/frames.js';

/**
 * One client's session as the store keeps it.
 *
 * @example
 * ```ts
 * import type { SessionRecord } from 'lifeline-ws/server';
 *
 * const fresh: SessionRecord = {
 *   clientId: 'c1', identity: 'alice', tokenHash: '…', epoch: 'Xq3…',
 *   ackedThrough: 0, lastOffset: 0, firstOffset: 1,
 * };
 * ```
 */
export interface SessionRecord {
  clientId: string;
  /** What `authenticate` returned for the socket that created the session. */
  identity: string;
  /** SHA-256 of the resume token, hex. The token itself is never stored. */
  tokenHash: string;
  /** Names this life of the session's stream: random, new on every `create`. */
  epoch: string;
  /** The highest upstream id accepted. */
  ackedThrough: number;
  /** The offset of the last message appended to the stream (0 before the first). */
  lastOffset: number;
  /** The oldest offset still kept; `lastOffset + 1` when nothing is kept. */
  firstOffset: number;
  /**
   * Until the client shows it got its first `welcome` (a frame after it, or
   * a hello with the token): the hash of what the creating `hello` presented
   * (its old token, or none). A repeat of that hello, by the same identity,
   * gets the session with a new token instead of a rejection: the first
   * welcome may have been lost.
   */
  pendingHash?: string;
}

/**
 * The answer of {@link SessionStore.acceptNext}: `accepted` (id was
 * `ackedThrough + 1`, and `ackedThrough` is now id), `duplicate` (id <=
 * `ackedThrough`), `gap` (id past `ackedThrough + 1`), or `gone` (no session
 * of that epoch any more). `ackedThrough` is the value after the call.
 *
 * @example
 * ```ts
 * import type { AcceptResult } from 'lifeline-ws/server';
 *
 * const result: AcceptResult = { outcome: 'gap', ackedThrough: 3 };
 * ```
 */
export interface AcceptResult {
  outcome: 'accepted' | 'duplicate' | 'gap' | 'gone';
  ackedThrough: number;
}

/**
 * One downstream message in a client's stream.
 *
 * @example
 * ```ts
 * import type { StreamEntry } from 'lifeline-ws/server';
 *
 * const entry: StreamEntry = { offset: 7, data: 'hello' };
 * ```
 */
export interface StreamEntry {
  offset: number;
  data: SessionData;
}

/**
 * Where a session server keeps sessions: per client, the identity and token
 * hash, `ackedThrough` (upstream) and a bounded stream of downstream messages.
 * Every call that names a client counts as activity for idle expiry.
 * `createMemorySessionStore` is the default; a durable or shared store
 * implements the same calls (each must be atomic on its own).
 *
 * @example
 * ```ts
 * import { createMemorySessionStore, type SessionStore } from 'lifeline-ws/server';
 *
 * const store: SessionStore = createMemorySessionStore();
 * const record = await store.create({ clientId: 'c1', identity: '', tokenHash: 'ab12' });
 * await store.append('c1', 'hi'); // 1
 * await store.acceptNext('c1', record.epoch, 1); // { outcome: 'accepted', ackedThrough: 1 }
 * await store.close();
 * ```
 */
export interface SessionStore {
  /** The session of `clientId`, or undefined when there is none (never created, deleted or expired). */
  get(clientId: string): Promise<SessionRecord | undefined>;
  /**
   * Creates a session: a new random epoch, `ackedThrough` 0, an empty stream.
   * Replaces any session the client id had (the server only asks when it
   * decided to).
   */
  create(session: {
    clientId: string;
    identity: string;
    tokenHash: string;
    pendingHash?: string;
  }): Promise<SessionRecord>;
  /** Replaces the token hash and the pending hash (undefined: the client has confirmed its session). */
  setCredentials(
    clientId: string,
    credentials: { tokenHash: string; pendingHash: string | undefined },
  ): Promise<void>;
  /** Atomically: accepts upstream `id` only when it is `ackedThrough + 1` in the session of `epoch`. */
  acceptNext(clientId: string, epoch: string, id: number): Promise<AcceptResult>;
  /**
   * Appends a downstream message under the next offset and returns it, or
   * undefined when there is no session. Then trims the oldest unacknowledged
   * messages past the store's bounds.
   */
  append(clientId: string, data: SessionData): Promise<number | undefined>;
  /** Up to `limit` kept messages with an offset above `offset`, in order. */
  readAfter(clientId: string, offset: number, limit: number): Promise<StreamEntry[]>;
  /** The client processed every offset up to `offset`: the store drops them. */
  acknowledgeOffset(clientId: string, offset: number): Promise<void>;
  /** Marks sessions as active (their clients are connected but quiet), for idle expiry. */
  touch(clientIds: readonly string[]): Promise<void>;
  /** Deletes a session and its stream. */
  delete(clientId: string): Promise<void>;
  /** Stops the store's timers and releases what it holds. */
  close(): Promise<void>;
}
