// The errors a message's receipt can end with: refused, dropped, or closed on.
import type { OutgoingData } from '../../client/delivery/outgoing-data.js';
import { LifelineError } from './lifeline-error.js';

/** How an error names a message: by its id once it has one. */
function messageLabel(messageId: number | undefined): string {
  return messageId === undefined ? 'a message' : `message ${messageId}`;
}

/**
 * A message did not fit in the outbox: refused under `overflow: 'reject'`, or
 * dropped to make room under `'drop-oldest'`. `receipt` is the message's.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', outbox: { maxMessages: 1 } });
 * connection.send('one');
 * connection.send('two').error?.code; // 'ERR_LIFELINE_OUTBOX_OVERFLOW'
 * connection.close();
 * ```
 */
export class OutboxOverflowError extends LifelineError {
  /** Always `ERR_LIFELINE_OUTBOX_OVERFLOW`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_OUTBOX_OVERFLOW';
  /**
   * The id of the message refused or dropped, when it had one. Ids are given
   * when a message is first written, so a refused or dropped message has none.
   */
  readonly messageId: number | undefined;
  /** What was done with it. */
  readonly policy: 'reject' | 'drop-oldest';
  /** The message refused or dropped, as it was given to `send()`: to log it, or send it again later. */
  readonly data: OutgoingData | undefined;

  constructor(
    messageId: number | undefined,
    policy: 'reject' | 'drop-oldest',
    detail: string,
    data?: OutgoingData,
  ) {
    super('ERR_LIFELINE_OUTBOX_OVERFLOW', `${messageLabel(messageId)} ${detail}`);
    this.data = data;
    this.name = 'OutboxOverflowError';
    this.messageId = messageId;
    this.policy = policy;
  }
}

/**
 * A message is larger than the connection or the server accepts: refused at
 * `send()` when it exceeds `maxMessageSize`, or rejected after the server
 * closed with 1009 (message too big) right after it was written. The other
 * messages carry on.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/', maxMessageSize: 4 });
 * connection.send('too long').error?.code; // 'ERR_LIFELINE_MESSAGE_TOO_LARGE'
 * connection.close();
 * ```
 */
export class MessageTooLargeError extends LifelineError {
  /** Always `ERR_LIFELINE_MESSAGE_TOO_LARGE`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_MESSAGE_TOO_LARGE';
  /** The message's id, when it had one (it was written before the server refused it). */
  readonly messageId: number | undefined;
  /** The message's size in bytes (UTF-8 for text). */
  readonly bytes: number;

  constructor(messageId: number | undefined, bytes: number, detail: string) {
    super(
      'ERR_LIFELINE_MESSAGE_TOO_LARGE',
      `${messageLabel(messageId)} of ${bytes} bytes ${detail}`,
    );
    this.name = 'MessageTooLargeError';
    this.messageId = messageId;
    this.bytes = bytes;
  }
}

/**
 * `send()` was given something that is not a message, or data the ack
 * envelope cannot carry (binary data in the default JSON envelope). Thrown by
 * `send()` for the first; the receipt of the second is `rejected` with it.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/' });
 * try {
 *   connection.send({ text: 'hi' } as never);
 * } catch (error) {
 *   if ((error as { code?: unknown }).code === 'ERR_LIFELINE_INVALID_DATA') {
 *     console.error((error as Error).message); // send() takes a string, ...
 *   }
 * }
 * connection.close();
 * ```
 */
export class InvalidDataError extends LifelineError {
  /** Always `ERR_LIFELINE_INVALID_DATA`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_INVALID_DATA';
  constructor(message: string) {
    super('ERR_LIFELINE_INVALID_DATA', message);
    this.name = 'InvalidDataError';
  }
}

/**
 * The connection was closed by `close()`: `send` after it is rejected, and
 * messages still queued are dropped with this error.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 *
 * const connection = createConnection({ url: 'ws://127.0.0.1:9/' });
 * connection.close();
 * connection.send('late').error?.code; // 'ERR_LIFELINE_CLOSED'
 * ```
 */
export class ConnectionClosedError extends LifelineError {
  /** Always `ERR_LIFELINE_CLOSED`: `error.code` tells the classes apart. */
  declare readonly code: 'ERR_LIFELINE_CLOSED';
  /** The id of the message this is about, when it had one (it was written). */
  readonly messageId: number | undefined;

  constructor(message = 'the connection was closed by close()', messageId?: number) {
    super('ERR_LIFELINE_CLOSED', message);
    this.name = 'ConnectionClosedError';
    this.messageId = messageId;
  }
}
