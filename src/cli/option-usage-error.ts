import { UsageError } from './usage-error.js';

/** The flag behind each option path the library names in its errors. */
const flagOfOption: ReadonlyMap<string, string> = new Map([
  ['url', '<ws-url>'],
  ['heartbeat.interval', '--heartbeat'],
  ['heartbeat.timeout', '--heartbeat-timeout'],
  ['backoff.initialDelay', '--initial-delay'],
  ['backoff.maxDelay', '--max-delay'],
  ['backoff.factor', '--factor'],
  ['backoff.jitter', '--jitter'],
  ['maxAttempts', '--max-attempts'],
  ['connectTimeout', '--connect-timeout'],
]);

/**
 * The library's error for a bad option (`ERR_LIFELINE_INVALID_OPTION`), told
 * in terms of the command line: `` `backoff.factor` must be ... `` becomes
 * `--factor must be ...`. Undefined for any other error.
 */
export function optionUsageError(error: unknown): UsageError | undefined {
  const { code, option, message } = (error ?? {}) as {
    code?: unknown;
    option?: unknown;
    message?: unknown;
  };
  if (code !== 'ERR_LIFELINE_INVALID_OPTION' || typeof option !== 'string') return undefined;
  const flag = flagOfOption.get(option) ?? option;
  return new UsageError(String(message).replace(`\`${option}\``, flag), { showUsage: false });
}
