import { describe, expect, it } from 'vitest';
import {
  backoff,
  defaultBackoffOptions,
  exponentialDelay,
  nextDelay,
  resolveBackoffOptions,
} from '../src/core/backoff.js';
import { OptionRangeError } from '../src/core/errors/index.js';

const fixed = (value: number) => () => value;

describe('exponentialDelay', () => {
  it('gives initialDelay at attempts 0 and 1, then the seed schedule up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => exponentialDelay(attempt))).toEqual([
      1000, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
  });

  it('follows custom options', () => {
    const options = { initialDelay: 100, factor: 3, maxDelay: 1000 };
    expect([1, 2, 3, 4].map((attempt) => exponentialDelay(attempt, options))).toEqual([
      100, 300, 900, 1000,
    ]);
  });

  it('stays at the cap, never Infinity or NaN, at attempt 10,000', () => {
    expect(exponentialDelay(10_000)).toBe(60_000);
    expect(exponentialDelay(10_000, { factor: 1e6, maxDelay: 2_000_000_000 })).toBe(2_000_000_000);
    expect(exponentialDelay(10_000, { initialDelay: 0 })).toBe(0);
    expect(exponentialDelay(10_000, { factor: 1 })).toBe(1000);
  });

  it('rejects an attempt that is not a whole number >= 0, naming it', () => {
    expect(() => exponentialDelay(-1)).toThrow(/`attempt` must be an integer >= 0, got -1/);
    expect(() => exponentialDelay(1.5)).toThrow(RangeError);
    expect(() => exponentialDelay(Number.NaN)).toThrow(/attempt/);
  });
});

describe('jitter strategies', () => {
  const at = (jitter: 'none' | 'full' | 'equal' | 'decorrelated', random: number) =>
    resolveBackoffOptions({ jitter, random: fixed(random) });

  it('none: exactly the ceiling', () => {
    expect(nextDelay(3, 0, at('none', 0.9))).toBe(4000);
  });

  it('full: uniform in [0, ceiling]', () => {
    expect(nextDelay(3, 0, at('full', 0))).toBe(0);
    expect(nextDelay(3, 0, at('full', 0.5))).toBe(2000);
    expect(nextDelay(3, 0, at('full', 1))).toBe(4000);
  });

  it('equal: uniform in [ceiling / 2, ceiling]', () => {
    expect(nextDelay(3, 0, at('equal', 0))).toBe(2000);
    expect(nextDelay(3, 0, at('equal', 0.5))).toBe(3000);
    expect(nextDelay(3, 0, at('equal', 1))).toBe(4000);
  });

  it('decorrelated: uniform in [initialDelay, 3 x previous], capped, restarting at attempt 1', () => {
    expect(nextDelay(1, 50_000, at('decorrelated', 1))).toBe(3000);
    expect(nextDelay(2, 3000, at('decorrelated', 0.5))).toBe(5000);
    expect(nextDelay(2, 3000, at('decorrelated', 0))).toBe(1000);
    expect(nextDelay(9, 50_000, at('decorrelated', 1))).toBe(60_000);
  });

  it('rejects a random source that leaves [0, 1], naming it', () => {
    expect(() => nextDelay(1, 0, at('full', 1.5))).toThrow(OptionRangeError);
    expect(() => nextDelay(1, 0, at('full', Number.NaN))).toThrow(/`random` must be/);
  });

  it('rejects a random source that goes below 0, which would make a negative delay', () => {
    expect(() => nextDelay(3, 0, at('full', -0.5))).toThrow(OptionRangeError);
    expect(() => nextDelay(3, 0, at('equal', -Number.MIN_VALUE))).toThrow(OptionRangeError);
    expect(() => nextDelay(3, 0, at('decorrelated', -1))).toThrow(OptionRangeError);
  });

  it('says what a random source must return, and what it returned', () => {
    expect(() => nextDelay(1, 0, at('full', 1.5))).toThrow(
      '`random` must be a function returning a number in [0, 1), got 1.5',
    );
  });

  it('never calls the random source for jitter "none"', () => {
    let calls = 0;
    const options = resolveBackoffOptions({ jitter: 'none', random: () => ++calls });
    expect([1, 2, 3].map((attempt) => nextDelay(attempt, 0, options))).toEqual([1000, 2000, 4000]);
    expect(calls).toBe(0);
  });

  it('defaults to a strategy with jitter', () => {
    expect(defaultBackoffOptions.jitter).not.toBe('none');
    expect(resolveBackoffOptions().jitter).toBe('equal');
  });
});

describe('backoff series', () => {
  it('is an immutable value whose next() continues the series', () => {
    const first = backoff({ jitter: 'none' });
    const second = first.next();
    expect([first.attempt, first.duration]).toEqual([1, 1000]);
    expect([second.attempt, second.duration]).toEqual([2, 2000]);
    expect(second.next().next().duration).toBe(8000);
    expect(first.duration).toBe(1000);
  });

  it('feeds each decorrelated delay from the previous one', () => {
    const series = backoff({ jitter: 'decorrelated', random: fixed(1), maxDelay: 100_000 });
    expect([series.duration, series.next().duration, series.next().next().duration]).toEqual([
      3000, 9000, 27000,
    ]);
  });
});
