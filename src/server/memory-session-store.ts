import { randomBytes } from 'node:crypto';
import { checkNumber, checkOptionsObject } from '../core/validate.js';
import type { SessionData } from '../protocol/frames.js';
import type { AcceptResult, SessionRecord, SessionStore, StreamEntry } from './session-store.js';

/** Bounds of the in-memory store. */
export interface MemorySessionStoreOptions {
  /**
   * Unacknowledged messages kept per client; the oldest go first.
   * @default 10000
   */
  maxMessages?: number;
  /**
   * Bytes of unacknowledged messages kept per client (text counted as UTF-8).
   * @default 16 MiB
   */
  maxBytes?: number;
  /**
   * How long an unacknowledged message is kept, in ms.
   * @default 24 hours
   */
  maxAge?: number;
  /**
   * A session no call has named for this long (ms) is deleted, checked every
   * `idleTimeout / 10` (at most hourly) by an unref'd timer and on every
   * lookup. A session server marks its connected clients active once a
   * minute, so keep this well above a minute.
   * @default 24 hours
   */
  idleTimeout?: number;
  /**
   * The clock, in ms. Tests pass a simulated one.
   * @default Date.now
   */
  now?: () => number;
}

interface Kept extends StreamEntry {
  bytes: number;
  at: number;
}

interface Session extends SessionRecord {
  /** The kept messages are `entries[head ...]`. */
  entries: Kept[];
  head: number;
  bytes: number;
  touchedAt: number;
}

const day = 24 * 60 * 60 * 1000;

function sizeOf(data: SessionData): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

function recordOf(session: Session): SessionRecord {
  const { clientId, identity, tokenHash, epoch, ackedThrough, lastOffset, firstOffset } = session;
  const record = { clientId, identity, tokenHash, epoch, ackedThrough, lastOffset, firstOffset };
  return session.pendingHash === undefined
    ? record
    : { ...record, pendingHash: session.pendingHash };
}

function resolveBounds(options: MemorySessionStoreOptions) {
  const given = checkOptionsObject('', options, [
    'maxMessages',
    'maxBytes',
    'maxAge',
    'idleTimeout',
    'now',
  ]);
  const now = (given.now ?? Date.now) as () => number;
  if (typeof now !== 'function') throw new TypeError('`now` must be a function');
  const whole = { min: 1, integer: true, orInfinity: true };
  return {
    maxMessages: checkNumber('maxMessages', given.maxMessages ?? 10_000, whole),
    maxBytes: checkNumber('maxBytes', given.maxBytes ?? 16 * 1024 * 1024, whole),
    maxAge: checkNumber('maxAge', given.maxAge ?? day, { min: 0, above: true, orInfinity: true }),
    idleTimeout: checkNumber('idleTimeout', given.idleTimeout ?? day, { min: 0, above: true }),
    now,
  };
}

/** Drops the oldest kept messages while `drop(oldest)` says so. */
function dropWhile(session: Session, drop: (oldest: Kept) => boolean): void {
  while (session.head < session.entries.length) {
    const oldest = session.entries[session.head] as Kept;
    if (!drop(oldest)) break;
    session.head += 1;
    session.bytes -= oldest.bytes;
    session.firstOffset = oldest.offset + 1;
  }
  if (session.head > 1024 && session.head * 2 > session.entries.length) {
    session.entries = session.entries.slice(session.head);
    session.head = 0;
  }
}

/**
 * The default session store: sessions in this process's memory, gone when it
 * exits (a restarted server has new epochs, and its clients are told
 * `reset: "epoch-changed"`). Per client it keeps at most `maxMessages`
 * (10,000) unacknowledged messages, `maxBytes` (16 MiB) and `maxAge` (24 h)
 * of them, dropping the oldest; a session idle for `idleTimeout` (24 h) is
 * deleted.
 *
 * @example
 * ```ts
 * import { createMemorySessionStore } from 'lifeline-ws/server';
 *
 * const store = createMemorySessionStore({ maxMessages: 1000, maxAge: 60 * 60 * 1000 });
 * await store.close();
 * ```
 */
export function createMemorySessionStore(options: MemorySessionStoreOptions = {}): SessionStore {
  return new MemorySessionStore(resolveBounds(options));
}

class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly bounds: ReturnType<typeof resolveBounds>) {
    this.timer = setInterval(() => this.sweep(), Math.min(bounds.idleTimeout / 10, 60 * 60 * 1000));
    this.timer.unref?.();
  }

  private sweep(): void {
    const oldest = this.bounds.now() - this.bounds.idleTimeout;
    for (const [clientId, session] of this.sessions) {
      if (session.touchedAt <= oldest) this.sessions.delete(clientId);
    }
  }

  /** The live session of `clientId`, marked active, its aged messages dropped. */
  private find(clientId: string): Session | undefined {
    const session = this.sessions.get(clientId);
    if (!session) return undefined;
    const at = this.bounds.now();
    if (session.touchedAt <= at - this.bounds.idleTimeout) {
      this.sessions.delete(clientId);
      return undefined;
    }
    session.touchedAt = at;
    dropWhile(session, (oldest) => oldest.at <= at - this.bounds.maxAge);
    return session;
  }

  async get(clientId: string): Promise<SessionRecord | undefined> {
    const session = this.find(clientId);
    return session && recordOf(session);
  }

  async setCredentials(
    clientId: string,
    credentials: { tokenHash: string; pendingHash: string | undefined },
  ): Promise<void> {
    const session = this.find(clientId);
    if (!session) return;
    session.tokenHash = credentials.tokenHash;
    session.pendingHash = credentials.pendingHash;
  }

  async create(fields: {
    clientId: string;
    identity: string;
    tokenHash: string;
    pendingHash?: string;
  }) {
    const session: Session = {
      ...fields,
      epoch: randomBytes(12).toString('base64url'),
      ackedThrough: 0,
      lastOffset: 0,
      firstOffset: 1,
      entries: [],
      head: 0,
      bytes: 0,
      touchedAt: this.bounds.now(),
    };
    this.sessions.set(fields.clientId, session);
    return recordOf(session);
  }

  async acceptNext(clientId: string, epoch: string, id: number): Promise<AcceptResult> {
    const session = this.find(clientId);
    if (!session || session.epoch !== epoch) return { outcome: 'gone', ackedThrough: 0 };
    const { ackedThrough } = session;
    if (id <= ackedThrough) return { outcome: 'duplicate', ackedThrough };
    if (id > ackedThrough + 1) return { outcome: 'gap', ackedThrough };
    session.ackedThrough = id;
    return { outcome: 'accepted', ackedThrough: id };
  }

  async append(clientId: string, data: SessionData): Promise<number | undefined> {
    const session = this.find(clientId);
    if (!session) return undefined;
    const kept = typeof data === 'string' ? data : new Uint8Array(data);
    const offset = session.lastOffset + 1;
    const bytes = sizeOf(kept);
    session.entries.push({ offset, data: kept, bytes, at: this.bounds.now() });
    session.lastOffset = offset;
    session.bytes += bytes;
    const { maxMessages, maxBytes } = this.bounds;
    dropWhile(
      session,
      () => session.entries.length - session.head > maxMessages || session.bytes > maxBytes,
    );
    return offset;
  }

  async readAfter(clientId: string, offset: number, limit: number): Promise<StreamEntry[]> {
    const session = this.find(clientId);
    if (!session) return [];
    const from = session.head + Math.max(0, offset + 1 - session.firstOffset);
    return session.entries
      .slice(from, from + limit)
      .map(({ offset: at, data }) => ({ offset: at, data }));
  }

  async acknowledgeOffset(clientId: string, offset: number): Promise<void> {
    const session = this.find(clientId);
    if (session) dropWhile(session, (oldest) => oldest.offset <= offset);
  }

  async touch(clientIds: readonly string[]): Promise<void> {
    for (const clientId of clientIds) this.find(clientId);
  }

  async delete(clientId: string): Promise<void> {
    this.sessions.delete(clientId);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.sessions.clear();
  }
}
