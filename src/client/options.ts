import type { InspectionEvent, Observer } from 'xstate';
import type { Clock } from '../core/clock.js';
import type { ConnectionConfig, ConnectionMachineInput } from '../core/machine-config.js';
import type { OutboxOptions, ResolvedOutboxOptions } from './delivery/outbox.js';
import type { OutgoingData } from './delivery/outgoing-data.js';
import type { IncomingData } from './incoming-data.js';
import type { HeartbeatTiming } from './liveness.js';
import type { ResolvedSessionOptions, SessionOptions } from './session/session-options.js';
import type { SyncContext, SyncResult } from './sync-context.js';
import type { WebSocketConstructor } from './websocket-like.js';

/** What `sync` may return: `{ ackedThrough }`, or nothing. */
// biome-ignore lint/suspicious/noConfusingVoidType: an async function that returns nothing returns Promise<void>.
export type SyncReturn = SyncResult | undefined | void;

/** Heartbeat: how a silent, half-open socket is detected. */
export interface HeartbeatOptions {
  /**
   * Probe the socket after this long without any inbound frame, in ms.
   * @default 15000
   */
  interval?: number;
  /**
   * Declare the socket dead when nothing arrives this long after a probe, in ms.
   * @default 10000
   */
  timeout?: number;
  /**
   * The application message to send as a probe where the WebSocket has no
   * ping frame (browsers, Node 22's global WebSocket); the server should
   * answer it. With `ws`, a ping frame is used and this is ignored unless
   * `preferMessage` is set. Without either, the heartbeat is passive: the
   * server must send something at least every `interval + timeout`.
   */
  message?: () => OutgoingData;
  /**
   * Send `message` even where ping frames exist.
   * @default false
   */
  preferMessage?: boolean;
}

/** Heartbeat options with defaults filled in. */
export interface ResolvedHeartbeat extends HeartbeatTiming {
  message: (() => OutgoingData) | undefined;
  preferMessage: boolean;
}

/** Ack mode: each outgoing message carries an id; the server acknowledges cumulatively. */
export interface AckOptions {
  /**
   * Puts the id on an outgoing message. Called once per message; a resend
   * writes the same frame.
   * @default JSON envelope: `{"id":<id>,"data":<the text>}` (text only)
   */
  stamp?: (data: OutgoingData, id: number) => OutgoingData;
  /**
   * Reads a cumulative acknowledgement: every id <= the number returned is
   * acknowledged. Returns undefined for frames that are not acks (they go to
   * `onMessage`). Ack frames are not delivered to `onMessage`.
   * @default reads `{"ack":<id>}`
   */
  read?: (data: IncomingData) => number | undefined;
}

/** Everything `createConnection` accepts. */
export interface ConnectionOptions extends ConnectionMachineInput {
  /**
   * The server: a `ws:`/`wss:` URL, or a function (sync or async) called
   * before every attempt, so a token can be refreshed.
   */
  url: string | URL | (() => string | URL | Promise<string | URL>);
  /** Subprotocols offered to the server. */
  protocols?: string | string[];
  /**
   * The WebSocket constructor. In Node the `ws` package is used even where a
   * global `WebSocket` exists (Node 22): the global one cannot send ping
   * frames, so the heartbeat could not probe a quiet socket, and takes no `ca`.
   * @default the `ws` package in Node, else `globalThis.WebSocket`
   */
  WebSocket?: WebSocketConstructor;
  /** A third argument for the constructor: `ws`'s options (`ca`, `headers`, `perMessageDeflate` ...). */
  socketOptions?: object;
  /**
   * How binary frames arrive (`'arraybuffer'`, `'blob'`, `'nodebuffer'` for `ws`).
   * @default the WebSocket's own default
   */
  binaryType?: string;
  /**
   * Half-open detection, owned by the transport; `false` turns it off.
   * @default { interval: 15000, timeout: 10000 }
   */
  heartbeat?: HeartbeatOptions | false;
  /**
   * Runs on every new socket before the outbox flows: resume the session,
   * catch up on missed messages. May return `{ ackedThrough }`. A throw, a
   * rejection or a run past `syncTimeout` counts as a failed attempt.
   * @default none (the outbox flows as soon as the socket opens)
   */
  sync?: (context: SyncContext) => SyncReturn | Promise<SyncReturn>;
  /** Bounds and overflow policy of the outbox. */
  outbox?: OutboxOptions;
  /**
   * The largest message `send()` accepts, in bytes (UTF-8 for text); a larger
   * one is rejected at once with a `MessageTooLargeError`. Set it to the
   * server's limit (`ws`'s `maxPayload`, 100 MiB by default) so that an
   * oversized message never reaches the server. Without it, a server that
   * closes with 1009 (message too big) gets the offending message rejected
   * and the rest resent.
   * @default Infinity
   */
  maxMessageSize?: number;
  /**
   * Ack mode: `true` for the default JSON envelope, or your own stamp/read.
   * Unacknowledged messages are resent after a reconnect, with the same id.
   * @default false
   */
  ack?: boolean | AckOptions;
  /**
   * Session mode: speak the lifeline session protocol (docs/protocol.md) for
   * exactly-once delivery both ways across drops, with a server such as
   * `createSessionServer`. Includes acks (leave `ack` out); binary frames
   * need `binaryType` 'arraybuffer' or 'nodebuffer' (not 'blob').
   * @default false
   */
  session?: boolean | SessionOptions;
  /**
   * Reads an inbound message's id, remembered as `lastInboundId` for `sync`.
   * @default none
   */
  messageId?: (data: IncomingData) => string | number | undefined;
  /**
   * Randomness for jitter, when `backoff.random` is not given.
   * @default Math.random
   */
  random?: () => number;
  /** An XState inspection observer (such as `@statelyai/inspect`'s `inspect`), given to the actor. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Listen to the platform's `online`/`offline` events where it has them (browsers).
   * @default true
   */
  watchNetwork?: boolean;
}

/** Options with defaults filled in and every value checked. */
export interface ResolvedConnectionOptions {
  url: ConnectionOptions['url'];
  protocols: string | string[] | undefined;
  WebSocket: WebSocketConstructor | undefined;
  socketOptions: object | undefined;
  binaryType: string | undefined;
  heartbeat: ResolvedHeartbeat | null;
  sync: ConnectionOptions['sync'];
  outbox: ResolvedOutboxOptions;
  maxMessageSize: number;
  ack: Required<AckOptions> | null;
  session: ResolvedSessionOptions | null;
  messageId: ConnectionOptions['messageId'];
  clock: Clock;
  inspect: ConnectionOptions['inspect'];
  watchNetwork: boolean;
  machine: ConnectionConfig;
}
