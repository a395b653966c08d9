import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeServerFrame,
  sessionCloseCodes,
  sessionCloseReaction,
} from '../src/protocol/index.js';

const position = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const payload = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 64 }));

describe('session protocol frames', () => {
  it('round-trips upstream and downstream data, text and binary, at any id or offset', () => {
    fc.assert(
      fc.property(position, payload, (at, data) => {
        const up = decodeClientFrame(encodeClientFrame({ type: 'data', id: at, data }));
        const down = decodeServerFrame(encodeServerFrame({ type: 'data', offset: at, data }));
        expect(up).toEqual({ type: 'data', id: at, data });
        expect(down).toEqual({ type: 'data', offset: at, data });
      }),
    );
  });

  it('puts binary data after a 9-byte header, unchanged (no base64)', () => {
    const frame = encodeClientFrame({ type: 'data', id: 258, data: new Uint8Array([7, 8]) });
    expect([...(frame as Uint8Array)]).toEqual([1, 0, 0, 0, 0, 0, 0, 1, 2, 7, 8]);
  });

  it('round-trips hello and welcome, with and without the optional fields', () => {
    const hello = {
      type: 'hello',
      v: 1,
      clientId: 'c',
      ackedThrough: 2,
      lastId: 3,
      offset: 4,
    } as const;
    expect(decodeClientFrame(encodeClientFrame(hello))).toEqual(hello);
    const resumed = { ...hello, token: 't', epoch: 'e' };
    expect(decodeClientFrame(encodeClientFrame(resumed))).toEqual(resumed);
    const welcome = {
      type: 'welcome',
      v: 1,
      clientId: 'c',
      token: 't',
      ackedThrough: 0,
      epoch: 'e',
      offset: 9,
      reset: 'history-trimmed',
    } as const;
    expect(decodeServerFrame(encodeServerFrame(welcome))).toEqual(welcome);
  });

  it.each([
    ['not JSON', '{"id":1,'],
    ['not an object', '[1]'],
    ['id 0', '{"id":0,"data":"x"}'],
    ['a fractional id', '{"id":1.5,"data":"x"}'],
    ['an id past 2^53 - 1', '{"id":9007199254740992,"data":"x"}'],
    ['data that is not text', '{"id":1,"data":{"a":1}}'],
    ['an unknown type', '{"type":"subscribe"}'],
    ['a hello without clientId', '{"type":"hello","v":1,"ackedThrough":0,"lastId":0,"offset":0}'],
    [
      'a hello with lastId below ackedThrough',
      '{"type":"hello","v":1,"clientId":"c","ackedThrough":3,"lastId":2,"offset":0}',
    ],
    ['an ack with a negative offset', '{"type":"ack","offset":-1}'],
  ])('calls a client frame with %s invalid, saying what is wrong', (_, raw) => {
    const frame = decodeClientFrame(raw);
    expect(frame.type).toBe('invalid');
    expect((frame as { problem: string }).problem.length).toBeGreaterThan(5);
  });

  it('refuses binary frames of the wrong kind or too short', () => {
    expect(decodeClientFrame(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 1])).type).toBe('invalid');
    expect(decodeServerFrame(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 1])).type).toBe('invalid');
    expect(decodeServerFrame(new Uint8Array([2, 0, 0])).type).toBe('invalid');
    expect(decodeServerFrame(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0])).type).toBe('invalid');
  });

  it('refuses a welcome with an unknown reset reason', () => {
    const raw =
      '{"type":"welcome","v":1,"clientId":"c","token":"t","ackedThrough":0,"epoch":"e","offset":0,"reset":"gone"}';
    expect(decodeServerFrame(raw)).toEqual({
      type: 'invalid',
      problem: 'welcome: unknown reset "gone"',
    });
  });
});

describe('session close codes', () => {
  it('are fatal in 4400-4499 and retried below, as a client without session support reads them', () => {
    for (const code of Object.values(sessionCloseCodes)) {
      const reaction = sessionCloseReaction(code);
      expect(reaction === 'fatal').toBe(code >= 4400 && code <= 4499);
    }
  });

  it('start a fresh session on a rejected session or ids that went backwards', () => {
    expect(sessionCloseReaction(sessionCloseCodes.sessionRejected)).toBe('fresh-session');
    expect(sessionCloseReaction(sessionCloseCodes.idsBackwards)).toBe('fresh-session');
    expect(sessionCloseReaction(1006)).toBeUndefined();
  });
});
