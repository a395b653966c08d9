import { resolveConnectionOptions } from '../client/resolve-options.js';
import type { Jitter } from '../core/backoff.js';
import { maxTimerDelay } from '../core/validate.js';
import type { CliOptions } from './cli-options.js';
import { connectionOptionsOf } from './connection-options.js';
import type { ValueFlagName } from './flags.js';
import { optionUsageError } from './option-usage-error.js';
import { type ParsedFlags, parseFlags } from './parse-flags.js';
import { prepareArguments } from './prepare-arguments.js';
import { UsageError } from './usage-error.js';

/**
 * Reads the command line: the options to run with, or a request for the
 * help or the version. Checks every value before anything starts (so that
 * a bad one is exit code 2, even with --inspect); throws a `UsageError`
 * naming the flag at fault.
 */
export function parseArguments(args: readonly string[]): CliOptions | 'help' | 'version' {
  const { args: prepared, inspectUrl } = prepareArguments(args);
  const parsed = parseFlags(prepared);
  if (typeof parsed === 'string') return parsed;
  const options = optionsOf(parsed, inspectUrl);
  try {
    resolveConnectionOptions(connectionOptionsOf(options));
  } catch (error) {
    throw optionUsageError(error) ?? error;
  }
  return options;
}

function optionsOf(
  { values, positionals }: ParsedFlags,
  inspectUrl: string | undefined,
): CliOptions {
  const number = (name: ValueFlagName) => numberOf(name, values[name]);
  const heartbeatOff = values['no-heartbeat'] === true;
  if (heartbeatOff && (values.heartbeat ?? values['heartbeat-timeout']) !== undefined) {
    throw valueError('--no-heartbeat contradicts --heartbeat and --heartbeat-timeout');
  }
  const heartbeat = definedOnly({
    interval: number('heartbeat'),
    timeout: number('heartbeat-timeout'),
  });
  const backoff = definedOnly({
    initialDelay: number('initial-delay'),
    maxDelay: number('max-delay'),
    factor: number('factor'),
    // Not checked here: the library's error names the accepted ones.
    jitter: values.jitter as Jitter | undefined,
  });
  const drainTimeout = number('drain-timeout');
  if (drainTimeout !== undefined && !(drainTimeout >= 0 && drainTimeout <= maxTimerDelay)) {
    throw valueError(`--drain-timeout must be from 0 to ${maxTimerDelay} ms, got ${drainTimeout}`);
  }
  const maxAttempts = number('max-attempts');
  const connectTimeout = number('connect-timeout');
  const session = values.session === true;
  if (session && values.ack === true) {
    throw valueError(
      '--session and --ack cannot be used together: the session protocol has its own acks',
    );
  }
  const inspect = inspectOf(values.inspect === true, inspectUrl, number('inspect-port'));
  return {
    // After the values: `--heartbeat ws://host/` then says the URL is no number, not that it is missing.
    url: urlOf(positionals),
    ack: values.ack === true,
    session,
    json: values.json === true,
    heartbeat: heartbeatOff ? false : heartbeat,
    backoff,
    maxAttempts,
    connectTimeout,
    drainTimeout,
    keepOpen: values['keep-open'] === true,
    inspect,
  };
}

function numberOf(name: ValueFlagName, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (Number.isNaN(value))
    throw valueError(`--${name} needs a number, got ${JSON.stringify(text)}`);
  return value;
}

function inspectOf(
  inspect: boolean,
  url: string | undefined,
  port: number | undefined,
): CliOptions['inspect'] {
  if (port !== undefined && (!inspect || url !== undefined)) {
    throw valueError('--inspect-port goes with --inspect (without a URL)');
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65_535)) {
    throw valueError(`--inspect-port must be an integer from 1 to 65535, got ${port}`);
  }
  if (url !== undefined && !/^wss?:\/\/[^\s]+$/.test(url)) {
    throw valueError(`--inspect=<ws-url> needs a ws: or wss: URL, got ${JSON.stringify(url)}`);
  }
  return inspect ? { url, port } : undefined;
}

function urlOf(positionals: readonly string[]): string {
  if (positionals.length > 1) {
    const given = positionals.map((value) => JSON.stringify(value)).join(', ');
    throw new UsageError(
      `expected one <ws-url>, got ${positionals.length} arguments: ${given} (quote a URL that contains spaces)`,
    );
  }
  const [url] = positionals;
  if (url === undefined) throw new UsageError('missing <ws-url>');
  return url;
}

function valueError(message: string): UsageError {
  return new UsageError(message, { showUsage: false });
}

/**
 * `object` without its undefined properties, so that only the flags given
 * reach the library: `{ ...defaults, ...given }` would let an undefined one
 * erase a default.
 */
function definedOnly<T extends object>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
