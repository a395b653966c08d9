import { describe, expect, it } from 'vitest';
import { parseRetryAfter, parseRetryAfterMs } from '../src/core/retry-after.js';

const now = Date.parse('2025-06-01T12:00:00Z');

describe('parseRetryAfter: delay-seconds', () => {
  it.each([
    ['0', 0],
    ['3', 3000],
    ['120', 120_000],
    ['007', 7000],
  ])('reads %j as %i ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });

  it.each([
    ['1.5', 1500],
    ['0.25', 250],
    ['2.0004', 2000],
    ['0.0006', 1],
  ])('reads fractional seconds %j as %i whole ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });

  it('ignores surrounding whitespace', () => {
    expect(parseRetryAfter('  5 \t', now)).toBe(5000);
  });

  it('does not depend on now for seconds', () => {
    expect(parseRetryAfter('5', 0)).toBe(5000);
    expect(parseRetryAfter('5', now)).toBe(5000);
  });
});

describe('parseRetryAfter: HTTP date', () => {
  it('reads a future date as the ms until it', () => {
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:50 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:01:30 GMT', now)).toBe(90_000);
  });

  it('reads a date in the past, or now, as 0', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:00 GMT', now)).toBe(0);
  });
});

describe('parseRetryAfter: absent or unreadable', () => {
  it.each([
    ['undefined', undefined],
    ['an empty header', ''],
    ['whitespace', '   '],
    ['a word', 'soon'],
    ['an exponent', '1e3'],
    ['a unit', '5s'],
    ['hex', '0x10'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
  ])('gives undefined for %s', (_, header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });

  it('gives undefined for garbage that a lenient Date.parse reads as a date', () => {
    for (const header of ['-1', '+5', '5.', '.5', 'retry 10', 'next 2099']) {
      expect({ header, ms: parseRetryAfter(header, now) }).toEqual({ header, ms: undefined });
    }
  });
});

describe('parseRetryAfter: repeated header (array)', () => {
  it('reads the first value', () => {
    expect(parseRetryAfter(['7', '9'], now)).toBe(7000);
    expect(parseRetryAfter(['Sun, 01 Jun 2025 12:00:10 GMT'], now)).toBe(10_000);
  });

  it('gives undefined for an empty array or an unreadable first value', () => {
    expect(parseRetryAfter([], now)).toBeUndefined();
    expect(parseRetryAfter(['soon', '3'], now)).toBeUndefined();
  });
});

describe('parseRetryAfterMs', () => {
  it('reads whole milliseconds', () => {
    expect(parseRetryAfterMs('4250')).toBe(4250);
    expect(parseRetryAfterMs(' 0 ')).toBe(0);
    expect(parseRetryAfterMs(['15', '99'])).toBe(15);
  });

  it('gives undefined for anything else, so Retry-After is used instead', () => {
    for (const header of [undefined, '', '1.5', '-3', '1e3', 'soon', '12345678901', []]) {
      expect(parseRetryAfterMs(header)).toBeUndefined();
    }
  });
});
