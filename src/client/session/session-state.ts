import type { WelcomeFrame } from '../../protocol/index.js';

/** What a session client shows of its session (the token, a secret, is never shown). */
export interface SessionInfo {
  /** The client id named in `hello`. */
  clientId: string;
  /** The epoch of the downstream stream, once a `welcome` named it. */
  epoch: string | undefined;
  /** The last downstream offset processed. */
  offset: number;
  /** The highest upstream id the server has acknowledged. */
  ackedThrough: number;
}

/** A new random client id. */
function randomClientId(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * Who the client is in the protocol: its client id, the secret token and
 * epoch of its session once a `welcome` gave them, and the downstream
 * offset it has processed. The token is a private field: it leaves only in
 * `hello`, never in a status, an error or a log.
 */
export class SessionState {
  clientId: string;
  epoch: string | undefined;
  /** The last downstream offset processed. */
  offset = 0;
  /** True from a ResyncRequiredError until the app calls `acknowledgeReset()`. */
  reset = false;
  #token: string | undefined;

  constructor(clientId: string | undefined) {
    this.clientId = clientId ?? randomClientId();
  }

  /** The `hello` fields this state gives (the token included: it goes to the socket only). */
  helloFields(): { clientId: string; token?: string; offset: number; epoch?: string } {
    return {
      clientId: this.clientId,
      ...(this.#token === undefined ? {} : { token: this.#token }),
      offset: this.offset,
      ...(this.epoch === undefined ? {} : { epoch: this.epoch }),
    };
  }

  /** Takes the token and epoch a `welcome` issued. */
  adopt(welcome: WelcomeFrame): void {
    this.#token = welcome.token;
    this.epoch = welcome.epoch;
  }

  /** A fresh session: a new random client id, no token, no epoch, offset 0. */
  fresh(): void {
    this.clientId = randomClientId();
    this.#token = undefined;
    this.epoch = undefined;
    this.offset = 0;
  }
}
