import { readFileSync } from 'node:fs';

/** One message the server's onMessage got, from its log. */
export interface Accepted {
  at: number;
  n: number;
  sentAt: number;
  bytes: number;
}

/** One upstream data frame the server read, from its log. */
export interface Read extends Accepted {
  id: number;
  /** The connection it came on: `<server pid>.<number>`. */
  connection: string;
}

/** What the server log (both processes, when one was killed and restarted) says. */
export interface ServerLog {
  /** What onMessage got, in order. */
  accepted: Accepted[];
  /** Upstream data frames read, in order. */
  reads: Read[];
  /** Ids the store refused as resends of accepted ones. */
  duplicates: number;
  /** Ids the store refused as gaps. */
  gaps: number;
  /** Downstream messages appended to the client's stream: offset and the message's number. */
  appended: { at: number; offset: number; k: number }[];
  /** Failures the server logged (store, handler, send). */
  errors: string[];
  /** WebSocket connections accepted: when each opened, by `<server pid>.<number>`. */
  connections: Map<string, number>;
  /** Per server process that ran, the stream's last offset it found in the store when it started. */
  starts: number[];
  /**
   * Ping frames (heartbeat probes) the server read. `behindAtLeast` is a lower
   * bound on how long the ping waited in the stream: the time from the sending
   * of the next message on that connection (written after the ping) to the
   * ping's arrival; null when no message followed it.
   */
  pings: { at: number; connection: string; behindAtLeast: number | null }[];
}

function emptyLog(): ServerLog {
  return {
    accepted: [],
    reads: [],
    duplicates: 0,
    gaps: 0,
    appended: [],
    errors: [],
    connections: new Map(),
    starts: [],
    pings: [],
  };
}

export function readServerLog(file: string): ServerLog {
  const log = emptyLog();
  /** Pings per connection still waiting for the message that followed them. */
  const unfollowed = new Map<string, ServerLog['pings']>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [kind, ...fields] = line.split(' ');
    const numbers = fields.map(Number);
    if (kind === 'R') {
      const [at = 0, id = 0, n = 0, sentAt = 0, bytes = 0] = numbers;
      const connection = fields[5] ?? '';
      log.reads.push({ at, id, n, sentAt, bytes, connection });
      for (const ping of unfollowed.get(connection) ?? []) ping.behindAtLeast = ping.at - sentAt;
      unfollowed.delete(connection);
    } else if (kind === 'A') {
      const [at = 0, n = 0, sentAt = 0, bytes = 0] = numbers;
      log.accepted.push({ at, n, sentAt, bytes });
    } else if (kind === 'P') {
      const connection = fields[1] ?? '';
      const ping = { at: numbers[0] ?? 0, connection, behindAtLeast: null };
      log.pings.push(ping);
      unfollowed.set(connection, [...(unfollowed.get(connection) ?? []), ping]);
    } else if (kind === 'O') {
      const [at = 0, offset = 0, k = 0] = numbers;
      log.appended.push({ at, offset, k });
    } else if (kind === 'D') log.duplicates += 1;
    else if (kind === 'G') log.gaps += 1;
    else if (kind === 'E') log.errors.push(fields.slice(1).join(' '));
    else if (kind === 'C') log.connections.set(`${fields[1]}.${fields[2]}`, numbers[0] ?? 0);
    else if (kind === 'S') log.starts.push(numbers[2] ?? 0);
  }
  return log;
}
