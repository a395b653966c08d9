import { binaryKind, encodeBinary } from './binary-envelope.js';
import type { ClientFrame, ServerFrame } from './frames.js';

/**
 * A client frame as it goes on the wire: control frames and text data as
 * JSON text, binary data as a binary frame.
 *
 * @example
 * ```ts
 * import { encodeClientFrame } from 'lifeline-ws/server';
 *
 * encodeClientFrame({ type: 'data', id: 1, data: 'hi' }); // '{"id":1,"data":"hi"}'
 * ```
 */
export function encodeClientFrame(frame: ClientFrame): string | Uint8Array {
  if (frame.type === 'data') {
    if (typeof frame.data !== 'string')
      return encodeBinary(binaryKind.upstream, frame.id, frame.data);
    return `{"id":${frame.id},"data":${JSON.stringify(frame.data)}}`;
  }
  return JSON.stringify(frame);
}

/**
 * A server frame as it goes on the wire (see {@link encodeClientFrame}).
 *
 * @example
 * ```ts
 * import { encodeServerFrame } from 'lifeline-ws/server';
 *
 * encodeServerFrame({ type: 'ack', id: 3 }); // '{"type":"ack","id":3}'
 * ```
 */
export function encodeServerFrame(frame: ServerFrame): string | Uint8Array {
  if (frame.type === 'data') {
    if (typeof frame.data !== 'string') {
      return encodeBinary(binaryKind.downstream, frame.offset, frame.data);
    }
    return `{"offset":${frame.offset},"data":${JSON.stringify(frame.data)}}`;
  }
  return JSON.stringify(frame);
}
