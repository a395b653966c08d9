import { OptionRangeError, OptionTypeError } from '../core/errors/index.js';

const closeCodes = '1000 or an integer from 3000 to 4999';

/** Checks `close(code, reason)` as the WebSocket API does, naming the bad argument. */
export function checkCloseArguments(code: unknown, reason: unknown): void {
  if (typeof code !== 'number' || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    throw new OptionRangeError('code', closeCodes, code);
  }
  if (!Number.isInteger(code)) throw new OptionRangeError('code', closeCodes, code);
  if (typeof reason !== 'string') throw new OptionTypeError('reason', 'a string', reason);
  if (new TextEncoder().encode(reason).length > 123) {
    throw new OptionRangeError('reason', 'at most 123 bytes of UTF-8', reason);
  }
}
