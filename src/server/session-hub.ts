// What the sockets of one session server share: the options, the store, and
// per client id a queue (frames and handshakes of one client run one at a
// time, in order, across its sockets) and the socket that holds the session.
import type { SessionData } from '../protocol/frames.js';
import type { SessionServerError } from './session-server-errors.js';
import type { ResolvedSessionServerOptions } from './session-server-options.js';
import type { SessionStore } from './session-store.js';

/** What the hub needs of a socket that holds a session. */
export interface SessionHolder {
  /** A message was appended to the client's stream under `offset`. */
  appended(offset: number, data: SessionData): void;
  /** Another socket resumed the session. */
  replace(): void;
}

interface Slot {
  queue: Promise<void>;
  jobs: number;
  holder: SessionHolder | undefined;
}

/** The shared state of one session server. */
export interface SessionHub {
  readonly options: ResolvedSessionServerOptions;
  readonly store: SessionStore;
  report(error: SessionServerError): void;
  /** Runs `job` after every earlier job of `clientId` settled. */
  enqueue(clientId: string, job: () => Promise<void>): void;
  /** The socket holding the session of `clientId`, if one does. */
  holder(clientId: string): SessionHolder | undefined;
  /** Makes `holder` the session's socket; the one before is replaced. */
  hold(clientId: string, holder: SessionHolder): void;
  /** `holder` is gone (closed). */
  release(clientId: string, holder: SessionHolder): void;
  /** The client ids with a socket. */
  held(): string[];
}

/** A hub over `store`, reporting to `onError` (errors it throws are dropped). */
export function createSessionHub(
  options: ResolvedSessionServerOptions,
  store: SessionStore,
): SessionHub {
  const slots = new Map<string, Slot>();
  const forget = (clientId: string, slot: Slot) => {
    if (slot.jobs === 0 && slot.holder === undefined && slots.get(clientId) === slot) {
      slots.delete(clientId);
    }
  };
  const slotOf = (clientId: string): Slot => {
    let slot = slots.get(clientId);
    if (!slot) {
      slot = { queue: Promise.resolve(), jobs: 0, holder: undefined };
      slots.set(clientId, slot);
    }
    return slot;
  };
  return {
    options,
    store,
    report: (error) => {
      try {
        options.onError?.(error);
      } catch {
        // An onError that throws must not break the server.
      }
    },
    enqueue: (clientId, job) => {
      const slot = slotOf(clientId);
      slot.jobs += 1;
      slot.queue = slot.queue.then(job).then(
        () => {
          slot.jobs -= 1;
          forget(clientId, slot);
        },
        () => {
          slot.jobs -= 1;
          forget(clientId, slot);
        },
      );
    },
    holder: (clientId) => slots.get(clientId)?.holder,
    hold: (clientId, holder) => {
      const slot = slotOf(clientId);
      const before = slot.holder;
      slot.holder = holder;
      if (before && before !== holder) before.replace();
    },
    release: (clientId, holder) => {
      const slot = slots.get(clientId);
      if (slot?.holder !== holder) return;
      slot.holder = undefined;
      forget(clientId, slot);
    },
    held: () => [...slots].filter(([, slot]) => slot.holder).map(([clientId]) => clientId),
  };
}
