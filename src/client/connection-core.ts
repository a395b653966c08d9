import type { Actor } from 'xstate';
import { describeError } from '../core/describe-error.js';
import {
  type ConnectionError,
  FatalCloseError,
  RetriesExhaustedError,
  SyncFailedError,
  UserCallbackError,
} from '../core/errors/index.js';
import {
  abnormalClosure,
  type ConnectionContext,
  type ConnectionMachine,
  type SyncInput,
} from '../core/machine.js';
import { Delivery, type DeliveryEvents } from './delivery/delivery.js';
import { Inbound } from './inbound.js';
import { callEach } from './listeners.js';
import type { ResolvedConnectionOptions } from './options.js';
import { runSync } from './run-sync.js';
import type { ConnectionRuntime } from './runtime.js';
import { SessionClient } from './session/session-client.js';
import { type Status, statusOf } from './status.js';
import { StatusPublisher } from './status-publisher.js';
import type { SyncResult } from './sync-context.js';
import type { SocketSession } from './transport.js';

/**
 * The inside of one connection: its delivery, inbound, status and error
 * listeners, and what the shared machine's actors and actions reach it
 * through (it is the connection's runtime). One object whose methods live on
 * the prototype: the same methods as closures would cost a function each,
 * per connection. It also observes the actor, for the status.
 */
export class ConnectionCore implements ConnectionRuntime, DeliveryEvents {
  readonly options: ResolvedConnectionOptions;
  readonly delivery: Delivery;
  readonly inbound: Inbound;
  readonly statuses: StatusPublisher;
  /** Calls the error listeners: a function of its own, as delivery hands it on. */
  readonly report: (error: ConnectionError) => void;
  /** Set once, right after the actor is created (the actor's input is made with `report`). */
  actor!: Actor<ConnectionMachine>;
  errorListeners: Set<(error: ConnectionError) => void> | undefined;
  /** The open socket of the current session, from open to the end of the session. */
  session: SocketSession | null = null;
  /** Session mode's protocol client (null without `session`). */
  readonly protocol: SessionClient | null;

  constructor(options: ResolvedConnectionOptions) {
    this.options = options;
    this.report = (error) => {
      if (this.errorListeners) callEach(this.errorListeners, error);
    };
    this.delivery = new Delivery(options, this);
    this.inbound = new Inbound(options, this.delivery, this.report);
    this.statuses = new StatusPublisher(this);
    this.protocol = options.session
      ? new SessionClient(options.session, {
          delivery: this.delivery,
          clock: options.clock,
          report: this.report,
          deliver: (data) => this.inbound.hand(data),
          statusChanged: () => this.statuses.publish(),
        })
      : null;
    if (this.protocol) this.inbound.sessionFrames = this.protocol;
  }

  get status(): Status {
    const { outbox } = this.delivery;
    return statusOf(this.actor.getSnapshot(), {
      queued: outbox.queuedCount,
      inFlight: outbox.inFlightCount,
      reset: this.protocol?.state.reset ?? false,
    });
  }

  /** The outbox's counters changed (delivery's event). */
  countsChanged(): void {
    this.statuses.countsChanged();
  }

  /** The actor's snapshot changed (an observer of the actor). */
  next(): void {
    this.statuses.publish();
  }

  /** The actor stopped on an error: only a callback given to it (such as `inspect`) can throw out of it. */
  error(error: unknown): void {
    const problem = `threw, and the statechart stopped: ${describeError(error)}`;
    this.report(new UserCallbackError('inspect', problem, { cause: error }));
  }

  opened(session: SocketSession): void {
    this.session = session;
  }

  ended(session: SocketSession): void {
    if (this.session !== session) return;
    this.session = null;
    this.protocol?.ended();
  }

  socketClosed(code: number): void {
    this.protocol?.closed(code);
  }

  closeRequest(): ConnectionContext['closeRequest'] {
    return this.actor.getSnapshot().context.closeRequest;
  }

  /** The machine entered `failed`: a fatal close, or the last attempt failed. */
  reportFailure({ failure, lastClose, attempt }: ConnectionContext): void {
    if (failure === 'fatal-close') {
      const options = lastClose?.status === undefined ? {} : { status: lastClose.status };
      const code = lastClose?.code ?? abnormalClosure;
      this.report(new FatalCloseError(code, lastClose?.reason ?? '', options));
    } else {
      this.report(new RetriesExhaustedError(attempt, lastClose));
    }
  }

  reportSyncTimeout({ config }: ConnectionContext): void {
    const detail = `sync did not finish within syncTimeout (${config.syncTimeout} ms)`;
    this.report(new SyncFailedError(detail, true));
  }

  refusedAsTooLarge(session: SocketSession) {
    return this.delivery.refusedAsTooLarge(session);
  }

  sync(input: SyncInput, signal: AbortSignal): Promise<SyncResult | undefined> {
    const { session, protocol } = this;
    const userSync = this.options.sync;
    if (protocol && session) {
      // The protocol's handshake first (hello, welcome, the replay), then the user's sync.
      return protocol.handshake(session.socket, signal).then(() => {
        if (!userSync || signal.aborted) return undefined;
        const parts = {
          session,
          inbound: this.inbound,
          delivery: this.delivery,
          report: this.report,
        };
        return runSync(userSync, input, signal, parts);
      });
    }
    if (!userSync || !session) return Promise.resolve(undefined);
    const parts = { session, inbound: this.inbound, delivery: this.delivery, report: this.report };
    return runSync(userSync, input, signal, parts);
  }

  flush(): void {
    if (this.session) this.delivery.flush(this.session);
  }

  hold(): void {
    this.delivery.hold();
  }
}
