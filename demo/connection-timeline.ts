import type { Connection, Status } from '../src/index.js';

/** A status worth a timeline line, with when it was seen (ms since the demo started). */
export interface TimelineEntry {
  at: number;
  status: Status;
}

/**
 * Records the connection's status each time its state (or, while
 * reconnecting, its attempt number) changes, and measures reconnections and
 * outages from that record.
 */
export class ConnectionTimeline {
  readonly entries: TimelineEntry[] = [];
  readonly #startedAt: number;
  readonly #listeners = new Set<(entry: TimelineEntry) => void>();

  constructor(connection: Connection, startedAt: number) {
    this.#startedAt = startedAt;
    this.#record(connection.status);
    connection.subscribe((status) => this.#record(status));
  }

  onEntry(listener: (entry: TimelineEntry) => void): void {
    this.#listeners.add(listener);
  }

  #record(status: Status): void {
    const last = this.entries.at(-1)?.status;
    // Counts (queued, in flight) change per message: the timeline is about the connection itself.
    // A new attempt number while reconnecting is news (the backoff at work); elsewhere it is not.
    const newAttempt = status.state === 'reconnecting' && last?.attempt !== status.attempt;
    if (last?.state === status.state && !newAttempt) return;
    const entry = { at: Date.now() - this.#startedAt, status };
    this.entries.push(entry);
    for (const listener of this.#listeners) listener(entry);
  }

  /** Times the connection became usable again after having been usable before. */
  get reconnects(): number {
    const connected = this.#stateChanges().filter((entry) => entry.status.state === 'connected');
    return Math.max(0, connected.length - 1);
  }

  /** Whether the connection was ever usable: without that, "outage" has no meaning. */
  get everConnected(): boolean {
    return this.entries.some((entry) => entry.status.state === 'connected');
  }

  /**
   * The longest time from losing a usable connection to having one again, in
   * ms, as the status showed it (a black hole begins before anyone can see
   * it); an outage still under way counts up to `now` (ms since start).
   */
  longestOutage(now: number): number {
    let longest = 0;
    let lostAt: number | null = null;
    let everConnected = false;
    for (const { at, status } of this.#stateChanges()) {
      if (status.state === 'connected') {
        if (lostAt !== null) longest = Math.max(longest, at - lostAt);
        lostAt = null;
        everConnected = true;
      } else if (status.state === 'closed') {
        // Closing on purpose ends the measurement: an outage under way lasted until then.
        if (lostAt !== null) longest = Math.max(longest, at - lostAt);
        lostAt = null;
      } else if (everConnected && lostAt === null) {
        lostAt = at;
      }
    }
    return lostAt === null ? longest : Math.max(longest, now - lostAt);
  }

  #stateChanges(): TimelineEntry[] {
    return this.entries.filter(
      (entry, index) => entry.status.state !== this.entries[index - 1]?.status.state,
    );
  }
}
