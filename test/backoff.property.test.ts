import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exponentialDelay,
  jitterStrategies,
  nextDelay,
  resolveBackoffOptions,
} from '../src/core/backoff.js';

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

const options = fc
  .record({
    initialDelay: fc.double({ min: 1, max: 100_000, noNaN: true }),
    factor: fc.double({ min: 1, max: 1000, noNaN: true }),
    spread: fc.double({ min: 0, max: 1e6, noNaN: true }),
    jitter: fc.constantFrom(...jitterStrategies),
  })
  .map(({ initialDelay, factor, spread, jitter }) => ({
    initialDelay,
    factor,
    maxDelay: Math.min(2_147_483_647, initialDelay + spread),
    jitter,
  }));

describe('backoff properties', () => {
  it('every strategy stays within its documented bounds and is finite', () => {
    fc.assert(
      fc.property(
        options,
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0, max: 2_147_483_647, noNaN: true }),
        unit,
        (given, attempt, previous, random) => {
          const resolved = resolveBackoffOptions({ ...given, random: () => random });
          const ceiling = exponentialDelay(attempt, given);
          const delay = nextDelay(attempt, Math.min(previous, resolved.maxDelay), resolved);
          expect(Number.isFinite(delay)).toBe(true);
          expect(ceiling).toBeLessThanOrEqual(resolved.maxDelay);
          switch (resolved.jitter) {
            case 'none':
              expect(delay).toBe(ceiling);
              break;
            case 'full':
              expect(delay).toBeGreaterThanOrEqual(0);
              expect(delay).toBeLessThanOrEqual(ceiling);
              break;
            case 'equal':
              expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
              expect(delay).toBeLessThanOrEqual(ceiling);
              break;
            case 'decorrelated':
              expect(delay).toBeGreaterThanOrEqual(resolved.initialDelay);
              expect(delay).toBeLessThanOrEqual(resolved.maxDelay);
              break;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the ceiling never decreases with the attempt', () => {
    fc.assert(
      fc.property(options, fc.integer({ min: 0, max: 9_999 }), (given, attempt) => {
        expect(exponentialDelay(attempt + 1, given)).toBeGreaterThanOrEqual(
          exponentialDelay(attempt, given),
        );
      }),
    );
  });
});
