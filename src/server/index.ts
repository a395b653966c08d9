export {
  type ClientFrame,
  type DownstreamAckFrame,
  type DownstreamDataFrame,
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  type HelloFrame,
  type InvalidFrame,
  protocolVersion,
  type ReplayedFrame,
  type ResetReason,
  type ServerFrame,
  type SessionCloseCode,
  type SessionCloseReaction,
  type SessionData,
  sessionCloseCodes,
  sessionCloseReaction,
  type UpstreamAckFrame,
  type UpstreamDataFrame,
  type WelcomeFrame,
} from '../protocol/index.js';
export {
  createMemorySessionStore,
  type MemorySessionStoreOptions,
} from './memory-session-store.js';
export { createSessionServer, type SessionServer } from './session-server.js';
export {
  SessionHandlerError,
  SessionServerClosedError,
  SessionServerError,
  type SessionServerErrorCode,
  SessionStoreError,
  UnknownClientError,
} from './session-server-errors.js';
export type {
  SessionClient,
  SessionServerOptions,
  SessionStart,
} from './session-server-options.js';
export type {
  AcceptResult,
  SessionRecord,
  SessionStore,
  StreamEntry,
} from './session-store.js';
export {
  type Admission,
  createUpgradePacer,
  type UpgradePacer,
  type UpgradePacerOptions,
  type VerifyClientCallback,
} from './upgrade-pacer.js';
