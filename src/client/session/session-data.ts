import { encodeClientFrame } from '../../protocol/index.js';
import type { OutgoingData } from '../delivery/outgoing-data.js';
import type { IncomingData } from '../incoming-data.js';

/** Whether `data` is a Blob, which the session envelope cannot read synchronously. */
export function isBlob(data: unknown): boolean {
  return typeof Blob !== 'undefined' && data instanceof Blob;
}

/** Bytes of a binary message, as a view (no copy). */
function bytesOf(data: Exclude<OutgoingData, string | Blob>): Uint8Array {
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * The session protocol's upstream envelope (the `ack.stamp` of session
 * mode): text as `{"id":n,"data":"..."}`, binary as a binary data frame.
 *
 * @example
 * ```ts
 * import { stampSessionData } from './session-data.js'; // internal
 *
 * stampSessionData('hi', 1); // '{"id":1,"data":"hi"}'
 * ```
 */
export function stampSessionData(data: OutgoingData, id: number): OutgoingData {
  if (typeof data === 'string') return encodeClientFrame({ type: 'data', id, data });
  if (isBlob(data)) throw new TypeError('a Blob cannot travel in the session envelope');
  return encodeClientFrame({
    type: 'data',
    id,
    data: bytesOf(data as Exclude<OutgoingData, string | Blob>),
  });
}

/** A frame as bytes for the decoder, or the text itself; undefined for a shape it cannot read. */
export function frameOf(data: IncomingData): string | Uint8Array | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return undefined;
}

/**
 * A binary payload as the connection's binary flavour: a Buffer where the
 * frame was one (`ws`'s 'nodebuffer': Buffer's `subarray` is a Buffer), an
 * ArrayBuffer of its own where the frame was an ArrayBuffer.
 */
export function payloadOf(raw: IncomingData, payload: string | Uint8Array): IncomingData {
  if (typeof payload === 'string' || raw instanceof Uint8Array) return payload;
  return payload.buffer.slice(
    payload.byteOffset,
    payload.byteOffset + payload.byteLength,
  ) as ArrayBuffer;
}
