/**
 * A durable SessionStore for the chaos tests only (the product's durable store
 * is a later issue): the in-memory store's semantics without its bounds and
 * idle expiry, plus an append-only log of every state change, replayed when a
 * store is opened on the same file. Each change is appended (appendFileSync,
 * one JSON line, one write) before it is applied and before the call
 * returns, so whatever the server acknowledged or sent survives a SIGKILL of
 * the process (not a crash of the machine: there is no fsync). Log lines:
 *
 *   {"c":id,"create":{"identity":..,"tokenHash":..,"epoch":..,"pendingHash":..}}   a new session
 *   {"c":id,"credentials":{"tokenHash":..,"pendingHash":..}}   a token reissued, or the session confirmed
 *   {"c":id,"accept":n}                    upstream id n accepted (ackedThrough = n)
 *   {"c":id,"append":o,"s":".."}           downstream offset o (text; "b": base64 for binary)
 *   {"c":id,"acked":o}                     the client processed every offset up to o
 *   {"c":id,"delete":true}                 the session is gone
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { SessionData } from '../../src/protocol/frames.js';
import type {
  AcceptResult,
  SessionRecord,
  SessionStore,
  StreamEntry,
} from '../../src/server/session-store.js';

interface Session {
  record: SessionRecord;
  /** Appended and not yet acknowledged, in offset order. */
  entries: StreamEntry[];
}

interface LogLine {
  c: string;
  create?: { identity: string; tokenHash: string; epoch: string; pendingHash?: string };
  credentials?: { tokenHash: string; pendingHash?: string };
  accept?: number;
  append?: number;
  s?: string;
  b?: string;
  acked?: number;
  delete?: true;
}

/** What the chaos server needs besides the SessionStore calls. */
export interface LoggedSessionStore extends SessionStore {
  /** The client ids with a session, after the replay. */
  clientIds(): string[];
  /** Lines of the log that could not be read (a write cut short): skipped. */
  readonly skippedLines: number;
}

/**
 * Opens the store kept in `file` (created on the first change), replaying
 * what an earlier process logged. `onOutcome` sees every upstream id offered
 * to `acceptNext` and what became of it, for the test's own log.
 */
export function createLoggedSessionStore(
  file: string,
  onOutcome?: (id: number, result: AcceptResult) => void,
): LoggedSessionStore {
  const sessions = new Map<string, Session>();
  let skippedLines = 0;

  const apply = (line: LogLine): void => {
    if (line.create) {
      const record: SessionRecord = {
        clientId: line.c,
        ...line.create,
        ackedThrough: 0,
        lastOffset: 0,
        firstOffset: 1,
      };
      sessions.set(line.c, { record, entries: [] });
      return;
    }
    const session = sessions.get(line.c);
    if (!session) return;
    const { record, entries } = session;
    if (line.credentials) {
      record.tokenHash = line.credentials.tokenHash;
      if (line.credentials.pendingHash === undefined) delete record.pendingHash;
      else record.pendingHash = line.credentials.pendingHash;
    } else if (line.accept !== undefined) record.ackedThrough = line.accept;
    else if (line.append !== undefined) {
      const data =
        line.b === undefined ? (line.s ?? '') : new Uint8Array(Buffer.from(line.b, 'base64'));
      entries.push({ offset: line.append, data });
      record.lastOffset = line.append;
    } else if (line.acked !== undefined) {
      const acked = line.acked;
      const keep = entries.findIndex((entry) => entry.offset > acked);
      entries.splice(0, keep === -1 ? entries.length : keep);
      record.firstOffset = Math.max(record.firstOffset, Math.min(acked, record.lastOffset) + 1);
    } else if (line.delete) sessions.delete(line.c);
  };

  /** Logs `line`, then applies it: the log is never behind what a caller was told. */
  const change = (line: LogLine): void => {
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    apply(line);
  };

  if (existsSync(file)) {
    const logged = readFileSync(file, 'utf8');
    // A write cut short leaves a line without its end: end it, so the next change starts afresh.
    if (logged.length > 0 && !logged.endsWith('\n')) appendFileSync(file, '\n');
    for (const text of logged.split('\n')) {
      if (!text) continue;
      try {
        apply(JSON.parse(text) as LogLine);
      } catch {
        skippedLines += 1;
      }
    }
  }

  return {
    get skippedLines() {
      return skippedLines;
    },
    clientIds: () => [...sessions.keys()],
    get: async (clientId) => {
      const session = sessions.get(clientId);
      return session && { ...session.record };
    },
    create: async ({ clientId, identity, tokenHash, pendingHash }) => {
      const epoch = randomBytes(12).toString('base64url');
      const pending = pendingHash === undefined ? {} : { pendingHash };
      change({ c: clientId, create: { identity, tokenHash, epoch, ...pending } });
      return { ...(sessions.get(clientId) as Session).record };
    },
    setCredentials: async (clientId, { tokenHash, pendingHash }) => {
      const pending = pendingHash === undefined ? {} : { pendingHash };
      change({ c: clientId, credentials: { tokenHash, ...pending } });
    },
    acceptNext: async (clientId, epoch, id) => {
      const session = sessions.get(clientId);
      let result: AcceptResult;
      if (!session || session.record.epoch !== epoch) result = { outcome: 'gone', ackedThrough: 0 };
      else {
        const { ackedThrough } = session.record;
        if (id <= ackedThrough) result = { outcome: 'duplicate', ackedThrough };
        else if (id > ackedThrough + 1) result = { outcome: 'gap', ackedThrough };
        else {
          change({ c: clientId, accept: id });
          result = { outcome: 'accepted', ackedThrough: id };
        }
      }
      onOutcome?.(id, result);
      return result;
    },
    append: async (clientId, data: SessionData) => {
      const session = sessions.get(clientId);
      if (!session) return undefined;
      const offset = session.record.lastOffset + 1;
      const body =
        typeof data === 'string' ? { s: data } : { b: Buffer.from(data).toString('base64') };
      change({ c: clientId, append: offset, ...body });
      return offset;
    },
    readAfter: async (clientId, offset, limit) => {
      const entries = sessions.get(clientId)?.entries ?? [];
      return entries.filter((entry) => entry.offset > offset).slice(0, limit);
    },
    acknowledgeOffset: async (clientId, offset) => {
      const session = sessions.get(clientId);
      if (!session || offset < session.record.firstOffset) return;
      change({ c: clientId, acked: offset });
    },
    touch: async () => undefined,
    delete: async (clientId) => {
      if (sessions.has(clientId)) change({ c: clientId, delete: true });
    },
    close: async () => undefined,
  };
}
