export { binaryHeaderLength, binaryKind, decodeBinary, encodeBinary } from './binary-envelope.js';
export {
  type SessionCloseCode,
  type SessionCloseReaction,
  sessionCloseCodes,
  sessionCloseReaction,
} from './close-codes.js';
export { decodeClientFrame, decodeServerFrame } from './decode-frame.js';
export { encodeClientFrame, encodeServerFrame } from './encode-frame.js';
export type {
  ClientFrame,
  DownstreamAckFrame,
  DownstreamDataFrame,
  HelloFrame,
  InvalidFrame,
  ReplayedFrame,
  ResetReason,
  ServerFrame,
  SessionData,
  UpstreamAckFrame,
  UpstreamDataFrame,
  WelcomeFrame,
} from './frames.js';
export { protocolVersion } from './version.js';
