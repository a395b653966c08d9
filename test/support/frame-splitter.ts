/** A frame's payload, unmasked (a copy when it was masked). */
export function payloadOf(frame: Buffer): Buffer {
  const second = frame[1] ?? 0;
  const masked = (second & 0x80) !== 0;
  const length = second & 0x7f;
  const header = length === 126 ? 4 : length === 127 ? 10 : 2;
  if (!masked) return frame.subarray(header);
  const mask = frame.subarray(header, header + 4);
  const payload = Buffer.from(frame.subarray(header + 4));
  for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return payload;
}

/**
 * Splits one direction of a WebSocket's TCP stream into its pieces: the HTTP
 * upgrade head first, then whole frames (header, mask and payload as they
 * were written). Feed it chunks; it returns the pieces completed so far.
 */
export class FrameSplitter {
  #buffer: Buffer = Buffer.alloc(0);
  #inHead = true;

  push(chunk: Buffer): Array<{ bytes: Buffer; opcode: number | undefined }> {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const pieces: Array<{ bytes: Buffer; opcode: number | undefined }> = [];
    for (;;) {
      const length = this.#inHead ? this.#headLength() : this.#frameLength();
      if (length === undefined) break;
      const bytes = this.#buffer.subarray(0, length);
      pieces.push({ bytes, opcode: this.#inHead ? undefined : (bytes[0] ?? 0) & 0x0f });
      this.#inHead = false;
      this.#buffer = this.#buffer.subarray(length);
    }
    return pieces;
  }

  #headLength(): number | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    return end === -1 ? undefined : end + 4;
  }

  #frameLength(): number | undefined {
    const buffer = this.#buffer;
    if (buffer.length < 2) return undefined;
    const second = buffer[1] ?? 0;
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let header = 2;
    if (length === 126) {
      if (buffer.length < 4) return undefined;
      length = buffer.readUInt16BE(2);
      header = 4;
    } else if (length === 127) {
      if (buffer.length < 10) return undefined;
      length = Number(buffer.readBigUInt64BE(2));
      header = 10;
    }
    const total = header + (masked ? 4 : 0) + length;
    return buffer.length < total ? undefined : total;
  }
}
