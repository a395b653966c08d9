// Binary data travels in binary frames: one kind byte, the id or offset as a
// big-endian unsigned 64-bit integer, then the bytes as they are (no base64).

/** The first byte of a binary data frame. */
export const binaryKind = { upstream: 0x01, downstream: 0x02 } as const;

/** Bytes before the payload: the kind byte and the 8-byte id or offset. */
export const binaryHeaderLength = 9;

const twoTo32 = 2 ** 32;

/** A binary data frame: `kind`, `position` (id or offset), then `payload`. */
export function encodeBinary(kind: number, position: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(binaryHeaderLength + payload.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, kind);
  view.setUint32(1, Math.floor(position / twoTo32));
  view.setUint32(5, position >>> 0);
  frame.set(payload, binaryHeaderLength);
  return frame;
}

/** Reads a binary data frame's header; the payload is a view on the same bytes. */
export function decodeBinary(
  frame: Uint8Array,
): { kind: number; position: number; payload: Uint8Array } | string {
  if (frame.byteLength < binaryHeaderLength) {
    return `a binary frame needs a ${binaryHeaderLength}-byte header, got ${frame.byteLength} bytes`;
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const high = view.getUint32(1);
  const position = high * twoTo32 + view.getUint32(5);
  if (!Number.isSafeInteger(position)) return 'a binary frame position past 2^53 - 1';
  return { kind: view.getUint8(0), position, payload: frame.subarray(binaryHeaderLength) };
}
