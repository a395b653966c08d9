const httpDate = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? +\S/;

/**
 * Reads an HTTP `Retry-After` header: delay-seconds or an HTTP date. Returns
 * milliseconds from `now`, or undefined when the header is absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from 'lifeline';
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
