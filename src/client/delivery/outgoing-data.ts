/** What can be sent: text, or binary in any of the shapes WebSockets take. */
export type OutgoingData = string | ArrayBufferLike | ArrayBufferView | Blob;

/** The UTF-8 length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2; // a surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes
        i += 1;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/** Whether `data` is something a WebSocket can send. */
export function isOutgoing(data: unknown): data is OutgoingData {
  return (
    typeof data === 'string' ||
    data instanceof ArrayBuffer ||
    ArrayBuffer.isView(data) ||
    (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer) ||
    (typeof Blob !== 'undefined' && data instanceof Blob)
  );
}

/** A message's length in O(1): UTF-16 units for text (at most its UTF-8 bytes), bytes otherwise. */
export function lengthOf(data: OutgoingData): number {
  if (typeof data === 'string') return data.length;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return (data as ArrayBufferLike | ArrayBufferView).byteLength;
}

/** The size a message takes in the outbox, in bytes (UTF-8 for text). */
export function sizeOf(data: OutgoingData): number {
  if (typeof data === 'string') return utf8Length(data);
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return (data as ArrayBufferLike | ArrayBufferView).byteLength;
}
