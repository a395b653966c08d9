/** The server flavour a peer talks to. */
export type ServerKind = 'ws' | 'socket.io';

/** One client of any library, behind the same small interface. */
export interface BenchClient {
  /** Connection attempts started so far (the first connection included). */
  readonly attempts: number;
  /** When each attempt started (performance.now(), ms). */
  readonly attemptTimes: readonly number[];
  /** Whether the connection is open (for lifeline: live and synced). */
  readonly isOpen: boolean;
  /** Messages the library holds that are not yet written to a socket. */
  pending(): number;
  send(data: string): void;
  onMessage(listener: (data: string) => void): void;
  /** Every (re)connection. */
  onOpen(listener: () => void): void;
  /** Every loss of an open connection that the library noticed. */
  onClose(listener: () => void): void;
  close(): void;
  /** Library-specific facts worth reporting (lifeline: how its receipts settled). */
  extra?(): string;
}

/** A library under test. */
export interface Peer {
  /** Stable id, used in file names and arguments. */
  readonly id: string;
  /** How it appears in tables. */
  readonly label: string;
  /** The npm package whose version is reported. */
  readonly library: string;
  readonly server: ServerKind;
  /** Speaks the session protocol: its server is lifeline-ws/server's createSessionServer. */
  readonly session?: boolean;
  /** Whether it reconnects by itself. */
  readonly reconnects: boolean;
  /** How it was configured, for the page. */
  readonly configuration: string;
  connect(url: string): BenchClient;
}

/** Attempt bookkeeping shared by the adapters. */
export class Attempts {
  count = 0;
  readonly times: number[] = [];

  record(): void {
    this.count += 1;
    this.times.push(performance.now());
  }
}

/** Listener lists for the adapters' events. */
export class Listeners<T extends unknown[] = []> {
  readonly #listeners: ((...args: T) => void)[] = [];

  add(listener: (...args: T) => void): void {
    this.#listeners.push(listener);
  }

  emit(...args: T): void {
    for (const listener of this.#listeners) listener(...args);
  }
}
