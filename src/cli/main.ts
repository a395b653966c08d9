#!/usr/bin/env node
/**
 * `lifeline <ws-url>`: a resilient wscat. Every stdin line is sent (queued
 * while the connection is down), inbound messages go to stdout, the status
 * goes to stderr. See `help` for the flags and exit codes.
 */
import { readFileSync } from 'node:fs';
import type { HeartbeatOptions } from '../client/options.js';
import type { BackoffOptions, Jitter } from '../core/backoff.js';
import type { CliOptions } from './cli-options.js';
import { help } from './help.js';
import { run } from './run.js';

class UsageError extends Error {}

/** Flags that take a value, and the option path lifeline names in its errors. */
const valueFlags = {
  '--heartbeat': 'heartbeat.interval',
  '--heartbeat-timeout': 'heartbeat.timeout',
  '--initial-delay': 'backoff.initialDelay',
  '--max-delay': 'backoff.maxDelay',
  '--factor': 'backoff.factor',
  '--jitter': 'backoff.jitter',
  '--max-attempts': 'maxAttempts',
  '--connect-timeout': 'connectTimeout',
  '--drain-timeout': 'drainTimeout',
  '--inspect-port': 'inspectPort',
} as const;

type ValueFlag = keyof typeof valueFlags;

function isValueFlag(flag: string): flag is ValueFlag {
  return Object.hasOwn(valueFlags, flag);
}

function numberOf(flag: string, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (Number.isNaN(value))
    throw new UsageError(`${flag} needs a number, got ${JSON.stringify(text)}`);
  return value;
}

function parseArgs(args: readonly string[]): CliOptions | 'help' | 'version' {
  const values = new Map<ValueFlag, string>();
  const options: Omit<CliOptions, 'url' | 'heartbeat' | 'backoff'> & { url?: string } = {
    ack: false,
    json: false,
    maxAttempts: undefined,
    connectTimeout: undefined,
    drainTimeout: undefined,
    keepOpen: false,
    inspect: undefined,
  };
  let heartbeatOff = false;
  let inspectUrl: string | undefined;
  let inspect = false;
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    if (flag === '-h' || flag === '--help') return 'help';
    if (flag === '-V' || flag === '--version') return 'version';
    if (isValueFlag(flag)) {
      const value = inline ?? args[index + 1];
      if (inline === undefined) index += 1;
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      values.set(flag, value);
    } else if (flag === '--inspect') {
      inspect = true;
      inspectUrl = inline;
    } else if (inline !== undefined) {
      throw new UsageError(`${flag} takes no value`);
    } else if (flag === '--ack') options.ack = true;
    else if (flag === '--json') options.json = true;
    else if (flag === '--no-heartbeat') heartbeatOff = true;
    else if (flag === '--keep-open') options.keepOpen = true;
    else if (flag === '--') {
      positionals.push(...args.slice(index + 1));
      break;
    } else if (flag.startsWith('-') && flag !== '-') {
      throw new UsageError(`unknown option ${flag}`);
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length > 1) {
    const given = positionals.map((value) => JSON.stringify(value)).join(', ');
    throw new UsageError(
      `expected one <ws-url>, got ${positionals.length} arguments: ${given} (quote a URL that contains spaces)`,
    );
  }
  options.url = positionals[0];
  if (options.url === undefined) throw new UsageError('missing <ws-url>');
  const number = (flag: ValueFlag) => {
    const text = values.get(flag);
    return text === undefined ? undefined : numberOf(flag, text);
  };
  if (heartbeatOff && (values.has('--heartbeat') || values.has('--heartbeat-timeout'))) {
    throw new UsageError('--no-heartbeat contradicts --heartbeat and --heartbeat-timeout');
  }
  const heartbeat: HeartbeatOptions = {};
  const interval = number('--heartbeat');
  const timeout = number('--heartbeat-timeout');
  if (interval !== undefined) heartbeat.interval = interval;
  if (timeout !== undefined) heartbeat.timeout = timeout;
  const backoff: BackoffOptions = {};
  const initialDelay = number('--initial-delay');
  const maxDelay = number('--max-delay');
  const factor = number('--factor');
  const jitter = values.get('--jitter');
  if (initialDelay !== undefined) backoff.initialDelay = initialDelay;
  if (maxDelay !== undefined) backoff.maxDelay = maxDelay;
  if (factor !== undefined) backoff.factor = factor;
  // lifeline checks the value and names the accepted ones.
  if (jitter !== undefined) backoff.jitter = jitter as Jitter;
  const drainTimeout = number('--drain-timeout');
  if (drainTimeout !== undefined && !(drainTimeout >= 0 && drainTimeout <= 2_147_483_647)) {
    throw new UsageError(`--drain-timeout must be from 0 to 2147483647 ms, got ${drainTimeout}`);
  }
  const inspectPort = number('--inspect-port');
  if (inspectPort !== undefined && (!inspect || inspectUrl !== undefined)) {
    throw new UsageError('--inspect-port goes with --inspect (without a URL)');
  }
  if (
    inspectPort !== undefined &&
    !(Number.isInteger(inspectPort) && inspectPort >= 1 && inspectPort <= 65_535)
  ) {
    throw new UsageError(`--inspect-port must be an integer from 1 to 65535, got ${inspectPort}`);
  }
  if (inspectUrl !== undefined && !/^wss?:\/\/[^\s]+$/.test(inspectUrl)) {
    throw new UsageError(
      `--inspect=<ws-url> needs a ws: or wss: URL, got ${JSON.stringify(inspectUrl)}`,
    );
  }
  return {
    ...options,
    url: options.url,
    heartbeat: heartbeatOff ? false : heartbeat,
    backoff,
    maxAttempts: number('--max-attempts'),
    connectTimeout: number('--connect-timeout'),
    drainTimeout,
    inspect: inspect ? { url: inspectUrl, port: inspectPort } : undefined,
  };
}

/** Names the flag behind an option lifeline rejected. */
function flagOf(option: string): string {
  for (const [flag, path] of Object.entries(valueFlags)) if (path === option) return flag;
  return option === 'url' ? '<ws-url>' : option;
}

function version(): string {
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function flush(): Promise<void> {
  const drained = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => stream.write('', () => resolve()));
  return Promise.all([drained(process.stdout), drained(process.stderr)]).then(() => undefined);
}

async function main(args: readonly string[]): Promise<number> {
  let options: CliOptions | 'help' | 'version';
  try {
    options = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`lifeline: ${error.message}\n\n${help}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (options === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    const option = (error as { code?: unknown; option?: unknown }).option;
    if (
      (error as { code?: unknown }).code === 'ERR_LIFELINE_INVALID_OPTION' &&
      typeof option === 'string'
    ) {
      const message = (error as Error).message.replace(`\`${option}\``, flagOf(option));
      process.stderr.write(`lifeline: ${message}\n\nrun lifeline --help for usage\n`);
      return 2;
    }
    process.stderr.write(`lifeline: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  async (code) => {
    await flush();
    process.exit(code);
  },
  async (error: unknown) => {
    process.stderr.write(`lifeline: ${error instanceof Error ? error.stack : String(error)}\n`);
    await flush();
    process.exit(1);
  },
);
