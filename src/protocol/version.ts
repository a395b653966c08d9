/**
 * The session protocol's version, sent in `hello` and `welcome` as `v`. A
 * server that does not speak the client's version closes with
 * `sessionCloseCodes.unsupportedVersion` (fatal).
 *
 * @example
 * ```ts
 * import { protocolVersion } from 'lifeline-ws/server';
 *
 * protocolVersion; // 1
 * ```
 */
export const protocolVersion = 1;
