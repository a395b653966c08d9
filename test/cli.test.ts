import http from 'node:http';
import type net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseArguments } from '../src/cli/parse-arguments.js';
import { UsageError } from '../src/cli/usage-error.js';
import { createSessionServer } from '../src/server/index.js';
import { runCli } from './support/cli.js';
import { FaultProxy } from './support/fault-proxy.js';
import { until } from './support/integration.js';
import { listenLocally } from './support/listen-locally.js';
import { TestServer } from './support/test-server.js';

/** A server and a fault proxy in front of it, closed when the test ends. */
async function serverBehindProxy() {
  const server = await TestServer.start();
  const proxy = await FaultProxy.start(server.port);
  onTestFinished(async () => {
    await proxy.close();
    await server.close();
  });
  return { server, proxy };
}

/**
 * A session server (`createSessionServer`) and a fault proxy in front of it,
 * recording the upstream messages its handler took; closed when the test ends.
 */
async function sessionServerBehindProxy() {
  const server = http.createServer((_request, response) => response.writeHead(426).end());
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const received: string[] = [];
  const sessions = createSessionServer({
    server,
    onMessage: (_client, data) => {
      received.push(String(data));
    },
  });
  const proxy = await FaultProxy.start(await listenLocally(server));
  onTestFinished(async () => {
    await proxy.close();
    await sessions.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { sessions, proxy, received };
}

/** Fast reconnects, so a test waits milliseconds, not seconds. */
const quick = ['--initial-delay', '50', '--max-delay', '200', '--jitter', 'none'];

interface JsonLine {
  type: string;
  state?: string;
  retryAt?: number | null;
  retryIn?: number | null;
  queued?: number;
  code?: number;
  receipts?: Record<string, number>;
}

describe('lifeline CLI: usage', () => {
  it('prints its usage with the exit codes for --help, and exits 0', async () => {
    const cli = runCli(['--help']);
    expect(await cli.exited).toBe(0);
    const help = cli.stdout();
    expect(help).toMatch(/^usage: lifeline \[options\] <ws-url>/);
    for (const flag of [
      '--ack',
      '--session',
      '--json',
      '--heartbeat',
      '--initial-delay',
      '--inspect',
    ]) {
      expect(help).toContain(flag);
    }
    for (const code of ['0', '1', '2', '3', '130'])
      expect(help).toMatch(new RegExp(`^ {2}${code} `, 'm'));
  });

  it.each([
    [[], /missing <ws-url>/],
    [['--bogus', 'ws://127.0.0.1:9/'], /unknown option --bogus/],
    [
      ['--initial-delay', 'soon', 'ws://127.0.0.1:9/'],
      /--initial-delay needs a number, got "soon"/,
    ],
    [
      ['--initial-delay', '-5', 'ws://127.0.0.1:9/'],
      /--initial-delay must be a finite number >= 0/,
    ],
    [['--jitter=sometimes', 'ws://127.0.0.1:9/'], /--jitter must be one of "none", "full"/],
    [['ftp://127.0.0.1:9/'], /<ws-url> must be a ws:, wss:, http: or https: URL/],
    [
      ['ws://127.0.0.1:9/', 'ws://127.0.0.1:10/'],
      /expected one <ws-url>, got 2 arguments: "ws:\/\/127.0.0.1:9\/", "ws:\/\/127.0.0.1:10\/"/,
    ],
    [['not', 'a', 'url'], /expected one <ws-url>, got 3 arguments: "not", "a", "url"/],
    [['not a url'], /<ws-url> must be a ws:, wss:, http: or https: URL, got "not a url"/],
    [['ws://'], /<ws-url> has no host: "ws:\/\/"/],
    [
      ['--inspect=http://127.0.0.1:9/', 'ws://127.0.0.1:9/'],
      /--inspect=<ws-url> needs a ws: or wss: URL/,
    ],
    [
      ['--inspect', '--inspect-port', '0', 'ws://127.0.0.1:9/'],
      /--inspect-port must be an integer/,
    ],
  ])('exits 2 on bad usage %j, saying what is wrong', async (args, message) => {
    const cli = runCli(args);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(message);
    expect(cli.stdout()).toBe('');
  });
});

describe('lifeline CLI: reading the command line', () => {
  const url = 'ws://127.0.0.1:9/';

  /** The UsageError `args` throw. */
  function usageErrorOf(args: string[]): UsageError {
    try {
      parseArguments(args);
    } catch (error) {
      if (error instanceof UsageError) return error;
      throw error;
    }
    throw new Error(`${JSON.stringify(args)} was accepted`);
  }

  it('reads every flag into the options it runs with', () => {
    const args = [
      '--json',
      '--session',
      '--heartbeat=100',
      '--heartbeat-timeout',
      '200',
      '--initial-delay',
      '50',
      '--max-delay',
      '2000',
      '--factor',
      '1.5',
      '--jitter',
      'full',
      '--max-attempts',
      '3',
      '--connect-timeout',
      '500',
      '--drain-timeout',
      '0',
      '--keep-open',
      '--inspect',
      '--inspect-port',
      '9000',
      url,
    ];
    expect(parseArguments(args)).toEqual({
      url,
      ack: false,
      session: true,
      json: true,
      heartbeat: { interval: 100, timeout: 200 },
      backoff: { initialDelay: 50, maxDelay: 2000, factor: 1.5, jitter: 'full' },
      maxAttempts: 3,
      connectTimeout: 500,
      drainTimeout: 0,
      keepOpen: true,
      inspect: { url: undefined, port: 9000 },
    });
  });

  it('leaves out what was not given, so that the library applies its defaults', () => {
    expect(parseArguments([url])).toStrictEqual({
      url,
      ack: false,
      session: false,
      json: false,
      heartbeat: {},
      backoff: {},
      maxAttempts: undefined,
      connectTimeout: undefined,
      drainTimeout: undefined,
      keepOpen: false,
      inspect: undefined,
    });
    expect(parseArguments(['--no-heartbeat', url])).toMatchObject({ heartbeat: false });
    expect(parseArguments(['--ack', url])).toMatchObject({ ack: true, session: false });
  });

  it('takes the argument after a bare --inspect as the <ws-url>, and --inspect=<ws-url> as the inspector', () => {
    expect(parseArguments(['--inspect', url])).toMatchObject({
      url,
      inspect: { url: undefined, port: undefined },
    });
    expect(parseArguments(['--inspect=ws://127.0.0.1:8081/', url])).toMatchObject({
      url,
      inspect: { url: 'ws://127.0.0.1:8081/', port: undefined },
    });
    expect(parseArguments(['--inspect=ws://127.0.0.1:8081/', '--inspect', url])).toMatchObject({
      inspect: { url: undefined },
    });
  });

  it('reads everything after -- as positional', () => {
    expect(parseArguments(['--', url])).toMatchObject({ url, ack: false });
    expect(usageErrorOf(['--', '--ack', url]).message).toMatch(
      /^expected one <ws-url>, got 2 arguments: "--ack", /,
    );
  });

  it('answers --help and --version before anything after them, and after nothing wrong before', () => {
    expect(parseArguments(['--help', '--bogus'])).toBe('help');
    expect(parseArguments(['-V', '-h'])).toBe('version');
    expect(parseArguments(['-h', '-V'])).toBe('help');
    expect(parseArguments(['--initial-delay', 'soon', '--version'])).toBe('version');
    expect(usageErrorOf(['--bogus', '--help']).message).toBe('unknown option --bogus');
    expect(usageErrorOf(['-hx']).message).toBe('unknown option -x');
  });

  it.each([
    [['--bogus=1', url], 'unknown option --bogus'],
    [['--ack=yes', url], '--ack takes no value'],
    [['--no-heartbeat=1', url], '--no-heartbeat takes no value'],
    [['--heartbeat'], '--heartbeat needs a value'],
    [
      ['--heartbeat', '--ack', url],
      '--heartbeat needs a value, got the option --ack (write --heartbeat=--ack if it is the value)',
    ],
  ])('explains a flag spelt wrong, %j, and shows the usage after', (args, message) => {
    const error = usageErrorOf(args);
    expect(error.message).toBe(message);
    expect(error.showUsage).toBe(true);
  });

  it.each([
    [['--heartbeat', url], `--heartbeat needs a number, got "${url}"`],
    [['--heartbeat', ' ', url], '--heartbeat needs a number, got " "'],
    [['--drain-timeout', '-1', url], '--drain-timeout must be from 0 to 2147483647 ms, got -1'],
    [['--factor', '0.5', url], '--factor must be a finite number >= 1, got 0.5'],
    [['--max-attempts', '0', url], '--max-attempts must be an integer >= 1 or Infinity, got 0'],
    [
      ['--connect-timeout', '-5', url],
      '--connect-timeout must be a finite number > 0 and <= 2147483647, got -5',
    ],
    [
      ['--no-heartbeat', '--heartbeat-timeout', '5', url],
      '--no-heartbeat contradicts --heartbeat and --heartbeat-timeout',
    ],
    [['--inspect-port', '9000', url], '--inspect-port goes with --inspect (without a URL)'],
    [
      ['--inspect=ws://127.0.0.1:8081/', '--inspect-port', '9000', url],
      '--inspect-port goes with --inspect (without a URL)',
    ],
    [['--inspect=', url], '--inspect=<ws-url> needs a ws: or wss: URL, got ""'],
    [
      ['--session', '--ack', url],
      '--session and --ack cannot be used together: the session protocol has its own acks',
    ],
  ])('names the flag and what it accepts for a bad value, %j', (args, message) => {
    const error = usageErrorOf(args);
    expect(error.message).toBe(message);
    expect(error.showUsage).toBe(false);
  });

  it('prints the usage after a flag spelt wrong, and a pointer to it after a bad value', async () => {
    const unknown = runCli(['--bogus', url]);
    const bad = runCli(['--factor', '0.5', url]);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toMatch(/^lifeline: unknown option --bogus\n\nusage: lifeline /);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toBe(
      'lifeline: --factor must be a finite number >= 1, got 0.5\n\nrun lifeline --help for usage\n',
    );
  });
});

describe('lifeline CLI over a real server and a fault proxy', () => {
  it('sends stdin lines, prints inbound messages, queues across a cut, delivers in order, exits 0', async () => {
    const { server, proxy } = await serverBehindProxy();
    const cli = runCli(['--ack', ...quick, proxy.url]);
    await cli.waitFor('stderr', /● connected/);

    cli.type('one', 'two');
    await until(() => server.received.length === 2, 5000, 'the first two messages');
    for (const client of server.clients) client.send('hello from the server');
    await cli.waitFor('stdout', /^hello from the server\n/m);

    proxy.refuse(true);
    proxy.cut();
    let mark = cli.stderr().length;
    await cli.waitFor('stderr', /◌ reconnecting in \d+(\.\d)? s \(attempt \d+/, 5000, mark);
    cli.type('three', 'four');
    await cli.waitFor(
      'stderr',
      /reconnecting in \d+(\.\d)? s \(attempt \d+, 2 queued\)/,
      5000,
      mark,
    );
    expect(server.received).toEqual(['one', 'two']);

    mark = cli.stderr().length;
    proxy.refuse(false);
    await cli.waitFor('stderr', /● connected/, 5000, mark);
    await until(() => server.received.length === 4, 5000, 'the queued messages');
    expect(server.received).toEqual(['one', 'two', 'three', 'four']);
    expect(server.outOfOrder).toBe(0);
    expect(server.gaps).toBe(0);

    cli.end();
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toMatch(/4 messages: 4 acked \(exit 0\)/);
    expect(cli.stdout()).toBe('hello from the server\n');
  });

  it('with --session, replays what the server sent while it was away, once, and exits 0 when all is acked', async () => {
    const { sessions, proxy, received } = await sessionServerBehindProxy();
    const cli = runCli(['--session', ...quick, proxy.url]);
    await cli.waitFor('stderr', /● connected/);
    cli.type('one', 'two');
    await until(() => received.length === 2, 5000, 'the first two messages');
    const [client] = sessions.clients();
    if (!client) throw new Error('no session client');
    await sessions.send(client.clientId, 'before the cut');
    await cli.waitFor('stdout', /^before the cut\n/m);

    proxy.refuse(true);
    proxy.cut();
    const mark = cli.stderr().length;
    await cli.waitFor('stderr', /◌ reconnecting/, 5000, mark);
    // The client is away: the server appends to its stream all the same.
    await sessions.send(client.clientId, 'while away 1');
    await sessions.send(client.clientId, 'while away 2');
    cli.type('three');
    proxy.refuse(false);
    await cli.waitFor('stdout', /^while away 2\n/m, 5000);
    await until(() => received.length === 3, 5000, 'the queued message');

    cli.end();
    expect(await cli.exited).toBe(0);
    expect(received).toEqual(['one', 'two', 'three']);
    expect(cli.stdout()).toBe('before the cut\nwhile away 1\nwhile away 2\n');
    expect(cli.stderr()).toMatch(/3 messages: 3 acked \(exit 0\)/);
  });

  it('prints status changes as JSON lines with --json', async () => {
    const { server, proxy } = await serverBehindProxy();
    const cli = runCli(['--json', '--ack', ...quick, proxy.url]);
    await cli.waitFor('stderr', /"state":"connected"/);
    proxy.refuse(true);
    proxy.cut();
    await cli.waitFor('stderr', /"state":"reconnecting"/);
    cli.type('while down');
    await cli.waitFor('stderr', /"state":"reconnecting"[^\n]*"retryAt":\d+[^\n]*"queued":1/);
    proxy.refuse(false);
    await until(() => server.received.length === 1, 5000, 'the queued message');
    cli.end();
    expect(await cli.exited).toBe(0);

    const lines = cli
      .stderr()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as JsonLine);
    const states = lines.filter((line) => line.type === 'status').map((line) => line.state);
    const transitions = states.filter((state, index) => state !== states[index - 1]);
    expect(transitions.slice(0, 2)).toEqual(['connecting', 'syncing']);
    expect(transitions).toContain('reconnecting');
    expect(transitions.at(-1)).toBe('closed');
    const waiting = lines.find((line) => line.state === 'reconnecting' && line.retryAt);
    expect(waiting?.retryIn).toBeGreaterThanOrEqual(0);
    expect(lines.at(-1)).toMatchObject({ type: 'exit', code: 0, receipts: { acked: 1 } });
    expect(server.received).toEqual(['while down']);
  });

  it('keeps a quiet connection with --heartbeat, and replaces a black-holed one', async () => {
    const { server, proxy } = await serverBehindProxy();
    // Probes every 100 ms of quiet; a timeout generous enough for a loaded machine's round trip.
    const interval = 100;
    const timeout = 1500;
    const heartbeat = ['--heartbeat', String(interval), '--heartbeat-timeout', String(timeout)];
    const cli = runCli(['--ack', ...heartbeat, ...quick, proxy.url]);
    await cli.waitFor('stderr', /● connected/);
    // Counted by events, not by time: enough answered probes to span more than one timeout.
    // Unanswered (or uncounted) pongs would end the socket after one probe and one timeout.
    const wanted = Math.ceil(timeout / interval) + 5;
    const [serverSide] = server.clients;
    await new Promise<void>((resolve) => {
      let pings = 0;
      serverSide?.on('ping', () => {
        pings += 1;
        if (pings === wanted) resolve();
      });
    });
    expect(cli.stderr()).not.toContain('reconnecting');
    expect(proxy.accepted).toBe(1);

    proxy.blackhole(true);
    await cli.waitFor('stderr', /◌ reconnecting.*\(last close 1006 heartbeat timeout\)/, 20_000);
    proxy.blackhole(false);
    const mark = cli.stderr().length;
    await cli.waitFor('stderr', /● connected/, 20_000, mark);
    expect(proxy.accepted).toBe(2);
    cli.end();
    expect(await cli.exited).toBe(0);
  }, 60_000);

  it('without --ack, confirms delivery by the clean close after stdin ends', async () => {
    const { server, proxy } = await serverBehindProxy();
    const cli = runCli([...quick, proxy.url]);
    cli.type('plain one', 'plain two');
    cli.end();
    expect(await cli.exited).toBe(0);
    expect(server.received).toEqual(['plain one', 'plain two']);
    expect(cli.stderr()).toMatch(/2 messages: 2 delivered \(exit 0\)/);
  });

  it('exits 1 on a fatal close (HTTP 401 at upgrade), saying why', async () => {
    const { server } = await serverBehindProxy();
    server.admission = { kind: 'refuse', status: 401 };
    const cli = runCli([...quick, server.url]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/✕ failed: 1006 HTTP 401/);
    expect(server.upgrades).toBe(1);
  });

  it('exits 1 once --max-attempts attempts have failed', async () => {
    const { proxy } = await serverBehindProxy();
    proxy.refuse(true);
    const cli = runCli(['--max-attempts', '2', ...quick, proxy.url]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/✕ failed/);
    expect(proxy.accepted).toBe(3);
  });

  it('exits 3 when --drain-timeout expires with messages undelivered', async () => {
    const { proxy } = await serverBehindProxy();
    proxy.refuse(true);
    const cli = runCli(['--ack', '--drain-timeout', '300', ...quick, proxy.url]);
    cli.type('nobody hears this');
    cli.end();
    expect(await cli.exited).toBe(3);
    expect(cli.stderr()).toMatch(/1 message: 1 dropped \(exit 3\)/);
  });

  it('with --keep-open, stays connected after stdin ends, until SIGTERM (exit 143)', async () => {
    const { server } = await serverBehindProxy();
    const cli = runCli(['--keep-open', '--ack', server.url]);
    cli.type('last words');
    cli.end();
    await until(() => server.received.length === 1, 5000, 'the message');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(cli.child.exitCode).toBeNull();
    for (const client of server.clients) client.send('still listening');
    await cli.waitFor('stdout', /^still listening\n/m);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(143);
    expect(cli.stderr()).toMatch(/1 message: 1 acked \(exit 143\)/);
  });

  it('closes politely and exits 130 on SIGINT', async () => {
    const { server } = await serverBehindProxy();
    const cli = runCli([server.url]);
    await cli.waitFor('stderr', /● connected/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(130);
    await until(() => server.clients.size === 0, 2000, 'the server to see the close');
  });
});
