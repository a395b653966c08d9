import type { AckOptions } from './options.js';

const maxEnvelopedId = Number.MAX_SAFE_INTEGER;

/**
 * The default ack envelope (`ack: true`): `{"id":1,"data":"hello"}` out,
 * `{"ack":1}` in. A server acknowledges cumulatively and de-duplicates by id.
 *
 * @example
 * ```ts
 * import { jsonAck } from 'lifeline-ws';
 *
 * jsonAck.stamp('hello', 7); // '{"id":7,"data":"hello"}'
 * jsonAck.read('{"ack":7}'); // 7
 * jsonAck.read('{"type":"chat"}'); // undefined: not an ack, delivered to onMessage
 * ```
 */
export const jsonAck: Required<AckOptions> = {
  stamp: (data, id) => {
    if (typeof data !== 'string') {
      throw new TypeError('the default ack envelope carries text only: pass ack.stamp for binary');
    }
    return `{"id":${id},"data":${JSON.stringify(data)}}`;
  },
  read: (data) => {
    if (typeof data !== 'string' || !data.startsWith('{"ack":')) return undefined;
    const ack = (JSON.parse(data) as { ack?: unknown }).ack;
    if (typeof ack !== 'number' || !Number.isSafeInteger(ack) || ack < 0 || ack > maxEnvelopedId) {
      throw new TypeError(`ack must be a whole number, got ${JSON.stringify(ack)}`);
    }
    return ack;
  },
};
