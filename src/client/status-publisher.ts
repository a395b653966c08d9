import { OptionTypeError } from '../core/errors/index.js';
import { callSafely } from './listeners.js';
import { type Status, sameStatus } from './status.js';

/** How `subscribe` listens. */
export interface SubscribeOptions {
  /**
   * Whether a change of the `queued` or `inFlight` counters alone calls the listener.
   * @default true
   */
  counts?: boolean;
}

interface StatusListener {
  readonly listener: (status: Status) => void;
  readonly counts: boolean;
  /** The status this listener was last called with. */
  last: Status;
}

/**
 * The status listeners of one connection: each is called at once, then on
 * every change it cares about, never twice with the same status. Outbox
 * counts change per message, so their changes are published once per tick.
 */
export class StatusPublisher {
  readonly #source: { readonly status: Status };
  /** One entry per subscription: the same function subscribed twice is two subscriptions. */
  #listeners: Set<StatusListener> | undefined;
  #published: Status | undefined;
  #pending = false;

  /** `source.status` is read when needed (the first time on the first publish or subscribe). */
  constructor(source: { readonly status: Status }) {
    this.#source = source;
  }

  subscribe(listener: (status: Status) => void, options: SubscribeOptions = {}): () => void {
    if (typeof listener !== 'function') {
      throw new OptionTypeError('listener', 'a function', listener);
    }
    if (typeof options !== 'object' || options === null) {
      throw new OptionTypeError('options', 'an object such as { counts: false }', options);
    }
    const counts = options.counts ?? true;
    if (typeof counts !== 'boolean') throw new OptionTypeError('counts', 'a boolean', counts);
    const current = this.#source.status;
    const entry: StatusListener = { listener, counts, last: current };
    this.#listeners ??= new Set();
    const listeners = this.#listeners;
    listeners.add(entry);
    callSafely(listener, current);
    return () => listeners.delete(entry);
  }

  /** Outbox counts changed: publish once this tick is over, not per message. */
  countsChanged(): void {
    if (this.#pending) return;
    this.#pending = true;
    queueMicrotask(() => {
      this.#pending = false;
      this.publish();
    });
  }

  publish(): void {
    const next = this.#source.status;
    if (this.#published !== undefined && sameStatus(next, this.#published)) return;
    this.#published = next;
    if (!this.#listeners) return;
    for (const entry of [...this.#listeners]) {
      if (sameStatus(next, entry.last, { counts: entry.counts })) continue;
      entry.last = next;
      callSafely(entry.listener, next);
    }
  }
}
