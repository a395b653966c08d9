const httpDate = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? +\S/;

/**
 * Reads an HTTP `Retry-After` header: delay-seconds or an HTTP date. Returns
 * milliseconds from `now`, or undefined when the header is absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from './retry-after.js'; // internal
 *
 * parseRetryAfter('3'); // 3000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:50 GMT')); // 10000
 * ```
 */
export function parseRetryAfter(
  header: string | readonly string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Only an HTTP date (it starts with a day name); Date.parse alone reads "5." or "-1" as dates.
  if (!httpDate.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The most spread added to a `Retry-After-Ms` schedule, in ms. The header
 * gives each client its own slot, a few ms wide; the spread only keeps
 * clients told the same time from arriving in the same instant.
 *
 * @example
 * ```ts
 * import { retryAfterPrecision } from './retry-after.js'; // internal
 *
 * retryAfterPrecision; // 100
 * ```
 */
export const retryAfterPrecision = 100;

/**
 * Reads a `Retry-After-Ms` header (whole milliseconds, as `lifeline-ws/server`'s
 * pacer and some HTTP APIs send beside `Retry-After`). Returns undefined when
 * it is absent or not a whole number of milliseconds.
 *
 * @example
 * ```ts
 * import { parseRetryAfterMs } from './retry-after.js'; // internal
 *
 * parseRetryAfterMs('4250'); // 4250
 * parseRetryAfterMs('soon'); // undefined
 * ```
 */
export function parseRetryAfterMs(
  header: string | readonly string[] | undefined,
): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}
