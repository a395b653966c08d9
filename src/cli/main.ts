#!/usr/bin/env node
/**
 * `lifeline <ws-url>`: a resilient wscat. Every stdin line is sent (queued
 * while the connection is down), inbound messages go to stdout, the status
 * goes to stderr. See `usage` below for flags and exit codes.
 */
import { readFileSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';
import WebSocket from 'ws';
import { type Connection, createConnection } from '../client/create-connection.js';
import { isFinalState, type Receipt, type ReceiptState } from '../client/delivery/receipt.js';
import type {
  ConnectionOptions,
  HeartbeatOptions,
  IncomingData,
  WebSocketConstructor,
} from '../client/options.js';
import { formatStatus, type Status } from '../client/status.js';
import type { BackoffOptions, Jitter } from '../core/backoff.js';
import type { LifelineError } from '../core/errors/index.js';
import { printable } from '../core/printable.js';
import type { RunningInspector } from '../inspect/index.js';

const usage = `usage: lifeline [options] <ws-url>

A WebSocket client that stays connected: each line of stdin is sent as a text
message (queued while the connection is down, sent in order once it is back),
each inbound message is printed on stdout (binary ones as base64:<data>), and
the connection's status goes to stderr.

options
  --ack                     wrap messages in the ack envelope {"id":n,"data":..}; the
                            server answers {"ack":n}; unacknowledged messages are resent
  --json                    status changes, errors and the outcome as JSON lines on stderr
  --heartbeat <ms>          probe a quiet socket after <ms> (default 15000)
  --heartbeat-timeout <ms>  declare it dead <ms> after the probe (default 10000)
  --no-heartbeat            no probes (a half-open socket goes unnoticed)
  --initial-delay <ms>      first reconnect delay (default 1000)
  --max-delay <ms>          cap on the reconnect delay (default 60000)
  --factor <n>              backoff growth factor (default 2)
  --jitter <kind>           none | full | equal | decorrelated (default equal)
  --max-attempts <n>        give up after n failed attempts in a row (default: never)
  --connect-timeout <ms>    abandon an attempt that has not opened after <ms> (default 10000)
  --drain-timeout <ms>      after stdin ends, wait at most <ms> for delivery (default: forever)
  --keep-open               stay connected after stdin ends (until Ctrl-C or failure)
  --inspect[=<ws-url>]      stream the statechart to the Stately inspector: start the local
                            inspector server (@statelyai/inspect, listening on every
                            interface) and print its page, or stream to <ws-url>
  --inspect-port <port>     port of the local inspector server (default 8080)
  -h, --help                this text
  -V, --version             the version

exit codes
  0    stdin ended and every message was acknowledged (--ack) or delivered
       (written and confirmed by a pong or by the clean close that ends the run)
  1    the connection failed: a fatal close (HTTP 4xx at upgrade, codes 1008,
       4400-4499 ...) or --max-attempts reconnection attempts failed; or lifeline
       could not start (the inspector's port is taken ...)
  2    bad usage: unknown flag, missing or invalid value, invalid URL
  3    stdin ended but some messages were not confirmed: dropped, rejected,
       unconfirmed (their socket died, without --ack), or --drain-timeout expired
  130  interrupted (SIGINT); 143 terminated (SIGTERM)

examples
  lifeline wss://echo.example.com/
  tail -f app.log | lifeline --ack --json wss://logs.example.com/ingest 2>status.jsonl
  lifeline --inspect ws://127.0.0.1:8081/`;

/** What the command line asked for. */
interface CliOptions {
  url: string;
  ack: boolean;
  json: boolean;
  heartbeat: HeartbeatOptions | false;
  backoff: BackoffOptions;
  maxAttempts: number | undefined;
  connectTimeout: number | undefined;
  drainTimeout: number | undefined;
  keepOpen: boolean;
  inspect: { url: string | undefined; port: number | undefined } | undefined;
}

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

const finalOk: ReadonlySet<ReceiptState> = new Set(['acked', 'delivered']);

/**
 * How the status reaches stderr: JSON lines (--json); the prompt of an
 * interactive session (stdin and stderr are terminals: typing is not torn
 * by redraws); a live line rewritten in place (stderr is a terminal, stdin
 * is piped); or one line per change (stderr is piped).
 */
type OutputMode = 'json' | 'prompt' | 'live' | 'lines';

function outputMode(json: boolean): OutputMode {
  if (json) return 'json';
  if (process.stderr.isTTY !== true) return 'lines';
  return process.stdin.isTTY === true ? 'prompt' : 'live';
}

/** Writes the status, errors and the outcome to stderr, in one of the modes above. */
class StatusOutput {
  #mode: OutputMode;
  #prompt: Interface | undefined;
  #shown = false;
  #stopped = false;
  #ticker: NodeJS.Timeout | undefined;
  #last: Status | undefined;

  constructor(mode: OutputMode) {
    this.#mode = mode;
  }

  get mode(): OutputMode {
    return this.#mode;
  }

  /** Prompt mode: the status becomes the prompt of this readline interface, until it closes. */
  attach(prompt: Interface): void {
    this.#prompt = prompt;
    prompt.once('close', () => {
      this.#prompt = undefined;
      this.#shown = false;
      if (this.#mode === 'prompt') this.#mode = 'live';
    });
    this.#draw();
  }

  status(status: Status): void {
    const previous = this.#last;
    this.#last = status;
    if (this.#mode === 'json') {
      const retryIn = status.retryAt === null ? null : Math.max(0, status.retryAt - Date.now());
      this.record({ type: 'status', ...status, retryIn, text: formatStatus(status) });
    } else if (this.#mode !== 'lines') {
      this.#draw();
      this.#tick(status.retryAt !== null);
    } else if (
      !previous ||
      previous.state !== status.state ||
      previous.attempt !== status.attempt ||
      previous.retryAt !== status.retryAt
    ) {
      const close = status.lastClose;
      const why =
        status.state === 'reconnecting' && close && close !== previous?.lastClose
          ? `  (last close ${close.code}${close.reason ? ` ${printable(close.reason, 80)}` : ''})`
          : '';
      this.line(`${formatStatus(status)}${why}`);
    }
  }

  /** A JSON line (in --json mode). */
  record(value: Record<string, unknown>): void {
    if (this.#mode === 'json') {
      process.stderr.write(`${JSON.stringify({ ...value, at: new Date().toISOString() })}\n`);
    }
  }

  /** A human line (not in --json mode), above the status line. */
  line(text: string): void {
    if (this.#mode === 'json') return;
    this.#clear();
    process.stderr.write(`${text}\n`);
    this.#draw();
  }

  /** Writes to stdout without tearing the status line (when both are the same terminal). */
  stdout(text: string): void {
    const shared = this.#shown && process.stdout.isTTY === true;
    if (shared) this.#clear();
    process.stdout.write(text);
    if (shared) this.#draw();
  }

  /** After a line was typed and echoed: show the prompt again. */
  typed(): void {
    this.#shown = true;
    this.#draw();
  }

  stop(): void {
    this.#tick(false);
    this.#clear();
    this.#stopped = true;
  }

  #tick(on: boolean): void {
    if (on && !this.#ticker) this.#ticker = setInterval(() => this.#draw(), 250);
    if (!on && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  #draw(): void {
    if (this.#stopped || !this.#last || this.#mode === 'json' || this.#mode === 'lines') return;
    const text = formatStatus(this.#last);
    if (this.#prompt) {
      this.#prompt.setPrompt(`${text} › `);
      this.#prompt.prompt(true);
    } else {
      // A line that wraps cannot be rewritten with \r: keep it within the terminal's width.
      const width = Math.max(20, (process.stderr.columns || 80) - 1);
      const fitted = text.length > width ? `${text.slice(0, width - 1)}…` : text;
      process.stderr.write(`\r${fitted}\x1b[K`);
    }
    this.#shown = true;
  }

  #clear(): void {
    if (!this.#shown) return;
    process.stderr.write('\r\x1b[K');
    this.#shown = false;
  }
}

function printableMessage(data: IncomingData, terminal: boolean): Promise<string> | string {
  if (typeof data === 'string') return terminal ? printable(data, Number.POSITIVE_INFINITY) : data;
  if (data instanceof Uint8Array) {
    return `base64:${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}`;
  }
  if (data instanceof ArrayBuffer) return `base64:${Buffer.from(data).toString('base64')}`;
  return data.arrayBuffer().then((buffer) => `base64:${Buffer.from(buffer).toString('base64')}`);
}

function flush(): Promise<void> {
  const drained = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => stream.write('', () => resolve()));
  return Promise.all([drained(process.stdout), drained(process.stderr)]).then(() => undefined);
}

async function run(options: CliOptions): Promise<number> {
  const output = new StatusOutput(outputMode(options.json));
  let inspector: RunningInspector | undefined;
  if (options.inspect) {
    const { startInspector } = await import('../inspect/index.js');
    inspector = await startInspector({
      ...(options.inspect.url === undefined ? {} : { url: options.inspect.url }),
      ...(options.inspect.port === undefined ? {} : { port: options.inspect.port }),
    });
    output.record({
      type: 'inspector',
      endpoint: inspector.endpoint,
      page: inspector.page ?? null,
    });
    output.line(
      inspector.page
        ? `inspector: open ${inspector.page} in a browser (it embeds https://stately.ai/inspect)`
        : `inspector: streaming to ${inspector.endpoint}`,
    );
  }

  const connectionOptions: ConnectionOptions = {
    url: options.url,
    // `ws` even where Node has a global WebSocket (22+): its ping frames keep the heartbeat
    // active against servers that stay quiet; the global one would make it passive.
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    ack: options.ack,
    heartbeat: options.heartbeat,
    backoff: options.backoff,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.connectTimeout === undefined ? {} : { connectTimeout: options.connectTimeout }),
    ...(inspector ? { inspect: inspector.inspect } : {}),
  };
  let connection: Connection;
  try {
    connection = createConnection(connectionOptions);
  } catch (error) {
    inspector?.stop();
    throw error;
  }

  const receipts: Receipt[] = [];
  const terminal = process.stdout.isTTY === true;
  let printing = Promise.resolve();
  connection.onMessage((data) => {
    printing = printing
      .then(async () => output.stdout(`${await printableMessage(data, terminal)}\n`))
      .catch((error: unknown) => output.line(`! unprintable message: ${String(error)}`));
  });
  connection.onError((error: LifelineError) => {
    output.record({ type: 'error', code: error.code, message: error.message });
    output.line(`! ${printable(error.message, 200)}`);
  });

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const interactive = output.mode === 'prompt';
  const stdin = createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
    ...(interactive ? { output: process.stderr, terminal: true } : {}),
  });
  if (interactive) {
    output.attach(stdin);
    // In raw mode Ctrl-C reaches readline, not the process.
    stdin.on('SIGINT', () => finish(130));
  }
  // Called at once with the current status, then on each change.
  connection.subscribe((status) => {
    output.status(status);
    if (status.state === 'failed') finish(1);
  });

  stdin.on('line', (line) => {
    const receipt = connection.send(line);
    receipts.push(receipt);
    if (interactive) output.typed();
    if (receipt.state === 'rejected') {
      output.record({ type: 'error', code: receipt.error?.code, message: receipt.error?.message });
      output.line(`! ${receipt.error?.message ?? 'a message was rejected'}`);
    }
  });
  stdin.on('close', () => {
    if (options.keepOpen) return;
    drain(connection, receipts, options).then(() => finish(0));
  });

  const signals = { SIGINT: 130, SIGTERM: 143 } as const;
  for (const [signal, code] of Object.entries(signals)) {
    process.once(signal, () => finish(code));
  }

  const code = await finished;
  stdin.close();
  connection.close(1000, code === 0 ? 'done' : 'bye');
  await printing;
  const outcome = await settleAfterClose(receipts, options.ack ? 0 : 1500);
  const unconfirmed = outcome.filter((state) => !finalOk.has(state)).length;
  const exitCode = code === 0 && unconfirmed > 0 ? 3 : code;
  const counts: Record<string, number> = {};
  for (const state of outcome) counts[state] = (counts[state] ?? 0) + 1;
  output.stop();
  output.record({ type: 'exit', code: exitCode, sent: receipts.length, receipts: counts });
  if (receipts.length > 0 || exitCode !== 0) {
    const summary = Object.entries(counts)
      .map(([state, count]) => `${count} ${state}`)
      .join(', ');
    output.line(
      `${receipts.length} message${receipts.length === 1 ? '' : 's'}${summary ? `: ${summary}` : ''} (exit ${exitCode})`,
    );
  }
  inspector?.stop();
  return exitCode;
}

/** Waits (at most `ms`) for the receipts to settle once the connection closed; returns their states. */
async function settleAfterClose(receipts: readonly Receipt[], ms: number): Promise<ReceiptState[]> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(receipts.map((receipt) => receipt.settled)),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
  return receipts.map((receipt) => receipt.state);
}

/**
 * After stdin ended: resolves once there is nothing left to wait for. With
 * --ack, every receipt is final (acked, or dropped/rejected). Without, every
 * message has been written to a live socket: the clean close that follows
 * confirms them. Whether they all made it is read from the receipts after.
 */
function drain(
  connection: Connection,
  receipts: readonly Receipt[],
  options: CliOptions,
): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let stop: (() => void) | undefined;
    let finished = false;
    const done = () => {
      finished = true;
      clearTimeout(timer);
      stop?.();
      resolve();
    };
    const check = () => {
      const pending = receipts.filter((receipt) => !isFinalState(receipt.state));
      if (pending.length === 0) return done();
      if (options.ack) return;
      const { state, queued } = connection.status;
      if (state === 'connected' && queued === 0) done();
    };
    if (options.drainTimeout !== undefined) timer = setTimeout(done, options.drainTimeout);
    // subscribe() calls check at once, which may already be done.
    stop = connection.subscribe(check);
    if (finished) stop();
    for (const receipt of receipts) receipt.settled.then(check);
  });
}

async function main(args: readonly string[]): Promise<number> {
  let options: CliOptions | 'help' | 'version';
  try {
    options = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`lifeline: ${error.message}\n\n${usage}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${usage}\n`);
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
