import { type ConnectionError, ResyncRequiredError } from '../../core/errors/index.js';
import { encodeClientFrame, protocolVersion, type WelcomeFrame } from '../../protocol/index.js';
import type { Delivery } from '../delivery/delivery.js';
import type { Downstream } from './downstream.js';
import type { SessionState } from './session-state.js';

/** What the handshake reaches of the connection. */
export interface HandshakeParts {
  readonly state: SessionState;
  readonly delivery: Delivery;
  readonly downstream: Downstream;
  report(error: ConnectionError): void;
  /** Starts a fresh session (new client id, no token, pending renumbered from 1). */
  startFresh(): void;
}

/** The `hello` a new socket starts with: the token goes on the wire, nowhere else. */
export function helloFrame(state: SessionState, delivery: Delivery): string {
  const { clientId, token, offset, epoch } = state.helloFields();
  return encodeClientFrame({
    type: 'hello',
    v: protocolVersion,
    clientId,
    ...(token === undefined ? {} : { token }),
    ackedThrough: delivery.lastAckedId,
    lastId: delivery.lastId,
    offset,
    ...(epoch === undefined ? {} : { epoch }),
  }) as string;
}

/** The attempt cannot go on: a welcome that breaks the protocol, or a server that lost messages. */
export class HandshakeFailure extends Error {
  /** Already reported (a ResyncRequiredError): not to be reported again as a protocol error. */
  readonly reported: boolean;
  constructor(message: string, reported = false) {
    super(message);
    this.name = 'HandshakeFailure';
    this.reported = reported;
  }
}

/**
 * Takes a `welcome`: the session's token and epoch are kept; a new epoch
 * renumbers the unacknowledged messages from its `ackedThrough + 1`, else its
 * `ackedThrough` releases what the server has; a server that acknowledges
 * less than it did before lost messages (`upstream-lost`: a fresh session,
 * and this attempt fails). A `reset` raises `ResyncRequiredError` before
 * anything of the replay is delivered; the offset continues from the
 * welcome's. Throws a HandshakeFailure when the attempt must end.
 */
export function applyWelcome(welcome: WelcomeFrame, parts: HandshakeParts): void {
  const { state, delivery, downstream, report } = parts;
  if (welcome.v !== protocolVersion) {
    throw new HandshakeFailure(`welcome speaks version ${welcome.v}, not ${protocolVersion}`);
  }
  if (welcome.clientId !== state.clientId) {
    throw new HandshakeFailure('welcome names another client id than the hello');
  }
  if (welcome.epoch !== state.epoch) {
    delivery.renumberFrom(welcome.ackedThrough + 1);
  } else if (welcome.ackedThrough < delivery.lastAckedId) {
    const lostFrom = welcome.ackedThrough + 1;
    state.reset = true;
    report(new ResyncRequiredError('upstream-lost', state.epoch, state.offset));
    parts.startFresh();
    throw new HandshakeFailure(
      `the server acknowledges through ${welcome.ackedThrough}, having acknowledged more: messages from ${lostFrom} were lost`,
      true,
    );
  } else {
    delivery.acknowledge(welcome.ackedThrough);
  }
  state.adopt(welcome);
  downstream.jumpTo(welcome.offset);
  if (welcome.reset !== undefined) {
    state.reset = true;
    report(new ResyncRequiredError(welcome.reset, welcome.epoch, welcome.offset));
  }
}
