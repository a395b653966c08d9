// The frames of the session protocol, as decoded. docs/protocol.md shows each on the wire.

/** Application data: text, or bytes. */
export type SessionData = string | Uint8Array;

/** Why `welcome` says the client cannot resume where it was. */
export type ResetReason =
  /** The server has no stream with the client's epoch (a restart of an in-memory store, a new session). */
  | 'epoch-changed'
  /** The client's offset is older than the history the server keeps. */
  | 'history-trimmed'
  /** The client's offset is past the last one the stream has. */
  | 'offset-ahead';

/** Client → server, first frame of every socket. */
export interface HelloFrame {
  type: 'hello';
  v: number;
  clientId: string;
  /** The resume token of the session, from an earlier `welcome`; absent on a fresh session. */
  token?: string;
  /** The highest upstream id the client has had acknowledged. */
  ackedThrough: number;
  /** The highest upstream id the client has assigned (0 before the first). */
  lastId: number;
  /** The last downstream offset the client has processed (0 before the first). */
  offset: number;
  /** The epoch of the stream `offset` belongs to; absent on a fresh session. */
  epoch?: string;
}

/** Server → client, the answer to `hello`. */
export interface WelcomeFrame {
  type: 'welcome';
  v: number;
  clientId: string;
  /** The secret that resumes this session; the client sends it in every later `hello`. */
  token: string;
  /** The highest upstream id the server has accepted for this client: the client resends what is after it. */
  ackedThrough: number;
  epoch: string;
  /** The downstream offset the replay starts after (the client's own offset, unless `reset`). */
  offset: number;
  /** Present when the client cannot resume: what it missed is lost, and it must resync from its source of truth. */
  reset?: ResetReason;
}

/** Server → client, after the last replayed message: live traffic follows, the outbox may flow. */
export interface ReplayedFrame {
  type: 'replayed';
  /** The stream's last offset when the replay ended. */
  offset: number;
}

/** Server → client: every upstream id up to `id` is accepted (cumulative). */
export interface UpstreamAckFrame {
  type: 'ack';
  id: number;
}

/** Client → server: every downstream offset up to `offset` is processed (cumulative). */
export interface DownstreamAckFrame {
  type: 'ack';
  offset: number;
}

/** Client → server: an application message with its id. */
export interface UpstreamDataFrame {
  type: 'data';
  id: number;
  data: SessionData;
}

/** Server → client: an application message with its offset in the client's stream. */
export interface DownstreamDataFrame {
  type: 'data';
  offset: number;
  data: SessionData;
}

/** A frame that is not valid protocol, with what is wrong. */
export interface InvalidFrame {
  type: 'invalid';
  problem: string;
}

/** What a client sends. */
export type ClientFrame = HelloFrame | DownstreamAckFrame | UpstreamDataFrame;
/** What a server sends. */
export type ServerFrame = WelcomeFrame | ReplayedFrame | UpstreamAckFrame | DownstreamDataFrame;
