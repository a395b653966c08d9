import { type ClassifyClose, defaultClassifyClose } from '../../core/close-policy.js';
import { checkFunction } from '../../core/validate.js';
import { sessionCloseReaction } from '../../protocol/index.js';
import type { AckOptions } from '../options.js';
import { stampSessionData } from './session-data.js';

/**
 * Session mode's ack mode: the protocol's data envelope out; acks are read
 * by the session client from the protocol's frames, never by `read`.
 */
export const sessionAck: Required<AckOptions> = {
  stamp: stampSessionData,
  read: () => undefined,
};

/**
 * The close policy of session mode: the protocol's codes mean what
 * docs/protocol.md says (4400 and 4406 fatal; 4013 and 4022 a fresh
 * session, then a retry; the rest retried), every other code goes to the
 * user's policy (or the default). Pure: the fresh session itself starts
 * where the connection sees the socket close.
 *
 * @example
 * ```ts
 * import { sessionClassifyClose } from './session-close.js'; // internal
 *
 * sessionClassifyClose(undefined)({ code: 4013, reason: '' }); // { action: 'retry' }
 * ```
 */
export function sessionClassifyClose(given: unknown): ClassifyClose {
  const policy =
    given === undefined
      ? defaultClassifyClose
      : checkFunction<ClassifyClose>('classifyClose', given);
  return (close) => {
    const reaction = close.status === undefined ? sessionCloseReaction(close.code) : undefined;
    if (reaction === 'fatal') return { action: 'fatal' };
    if (reaction !== undefined) return { action: 'retry' };
    return policy(close);
  };
}
