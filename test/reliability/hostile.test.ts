import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';
import { type Connection, createConnection } from '../../src/client/create-connection.js';
import type { Receipt } from '../../src/client/delivery/receipt.js';
import type { ConnectionOptions } from '../../src/client/options.js';
import { formatStatus, type Status } from '../../src/client/status.js';
import { FatalCloseError, type LifelineError } from '../../src/core/errors/index.js';
import { network, statusWhere, until } from '../support/integration.js';
import { captureCrashes, controlCharacter, describeCrash, safeStringify } from './support.js';

const esc = '\u001b';

/** Close reasons a hostile server might send: each under 123 bytes of UTF-8, each with a payload. */
const hostileReasons: [string, string][] = [
  ['a CSI sequence that clears the screen', `bad token${esc}[2J${esc}[H`],
  ['an OSC sequence that sets the window title, ended by BEL', `bad${esc}]0;owned\u0007 token`],
  [
    'an OSC 8 hyperlink, ended by ST',
    `${esc}]8;;https://evil.example/${esc}\\click${esc}]8;;${esc}\\`,
  ],
  ['a C1 CSI (U+009B) that colours the text', `\u009b31mred\u009b0m alert`],
  ['a carriage return that overwrites the line', 'bad token\r● connected'],
  ['backspaces, BEL, NUL and DEL', 'ba\bd\u0007 to\u0000ken\u007f'],
  ['a cursor move and an erase-line', `x${esc}[1A${esc}[2Kfake line`],
  ['a device status query (the terminal answers into stdin)', `${esc}[6n${esc}[c query`],
];

function expectPrintable(line: string): void {
  expect(line).not.toMatch(controlCharacter);
  expect(line).not.toContain(esc);
}

describe('hostile close reasons: formatStatus shows them without escape sequences or control characters', () => {
  it.each(hostileReasons)('%s', async (what, reason) => {
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
    const { server, connect } = await network();
    const connection = connect({ backoff: { initialDelay: 10 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    server.closeClients(4401, reason);
    const failed = await statusWhere(connection, (s) => s.state === 'failed');
    // The status keeps the server's words as they were: it is data, not display.
    expect(failed.lastClose).toEqual({ code: 4401, reason });
    const line = formatStatus(failed);
    expectPrintable(line);
    expect(line).toMatch(/^✕ failed: 4401 /);
    console.log(`hostile close reason (${what}): shown as ${JSON.stringify(line)}`);
  });

  it('removes the bidirectional controls that reorder what a terminal shows (U+202A-U+202E, U+2066-U+2069, U+200E/F)', async () => {
    const { server, connect } = await network();
    const connection = connect({ backoff: { initialDelay: 10 } });
    await statusWhere(connection, (s) => s.state === 'connected');
    // Shown naively, this reads "failed: 4401 token ok" reversed into something else.
    const reason = 'token \u202eko nekot\u202c \u2066x\u2069 \u200e\u200f';
    server.closeClients(4401, reason);
    const failed = await statusWhere(connection, (s) => s.state === 'failed');
    expect(formatStatus(failed)).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  });

  it('cleans server text that reaches the status through sync: a server error message in a failed status', async () => {
    const { connect } = await network();
    const serverText = `session gone${esc}]0;pwned\u0007${esc}[31m\r\n● connected`;
    const connection = connect({
      maxAttempts: 1,
      backoff: { initialDelay: 5 },
      sync: async () => {
        throw new Error(serverText);
      },
    });
    const failed = await statusWhere(connection, (s) => s.state === 'failed');
    expect(failed.lastClose?.reason).toBe(`sync failed: ${serverText}`);
    const line = formatStatus(failed);
    expectPrintable(line);
    expect(line).toContain('session gone');
  });

  it('any reason, any state: formatStatus never emits a control character (property)', () => {
    const states: Status['state'][] = [
      'connecting',
      'connected',
      'syncing',
      'reconnecting',
      'offline',
      'failed',
      'closed',
    ];
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom(
        `${esc}[`,
        `${esc}]`,
        `${esc}\\`,
        '\u0007',
        '\u009b',
        '\u009d',
        '\r',
        '\u007f',
        esc,
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...states),
        fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join('')),
        fc.integer({ min: 0, max: 4999 }),
        fc.nat(1000),
        (state, reason, code, queued) => {
          const status: Status = {
            state,
            attempt: 3,
            retryAt: 5000,
            lastClose: { code, reason },
            queued,
            inFlight: 0,
            reset: false,
          };
          expectPrintable(formatStatus(status, 0));
        },
      ),
      { numRuns: 1000 },
    );
    console.log('hostile formatStatus property: 1000 statuses, no control character printed');
  });
});

const password = 'hunter2-pw';
const token = 's3cr3t-t0ken';
const secrets = [password, token];

/** Everything a connection shows: statuses, errors, receipts and inspector events, as text. */
function watch(connection: Connection, events: string[]) {
  const seen = { statuses: [] as string[], errors: [] as string[], receipts: [] as Receipt[] };
  connection.subscribe((status) => {
    seen.statuses.push(safeStringify(status), formatStatus(status));
  });
  connection.onError((error) => {
    seen.errors.push(safeStringify(error), String(error), error.stack ?? '');
  });
  const text = () => [
    ...seen.statuses,
    safeStringify(connection.status),
    formatStatus(connection.status),
    ...seen.errors,
    ...seen.receipts.map((receipt) =>
      safeStringify({ state: receipt.state, error: receipt.error }),
    ),
    ...events,
  ];
  return { seen, text };
}

function inspector(events: string[]): ConnectionOptions['inspect'] {
  return (event) => {
    events.push(safeStringify(event));
  };
}

function expectNoSecret(texts: string[]): void {
  const leaks = texts.filter((text) => secrets.some((secret) => text.includes(secret)));
  expect(leaks).toEqual([]);
}

function secretUrl(port: number, path = '/chat'): string {
  return `ws://reader:${password}@127.0.0.1:${port}${path}?token=${token}&room=7`;
}

describe('a URL with credentials never shows unredacted', () => {
  it('through a connect, an ack, a cut, a refused attempt, an HTTP 401, a retry and a close', async () => {
    const { server, proxy } = await network();
    const events: string[] = [];
    const connection = createConnection({
      url: secretUrl(proxy.port),
      ack: true,
      backoff: { initialDelay: 5, maxDelay: 20 },
      inspect: inspector(events),
    });
    onTestFinished(() => connection.close());
    const { seen, text } = watch(connection, events);
    await statusWhere(connection, (s) => s.state === 'connected');
    const receipt = connection.send('hello');
    seen.receipts.push(receipt);
    expect((await receipt.settled).state).toBe('acked');

    proxy.refuse(true);
    proxy.cut();
    await until(() => proxy.accepted >= 3, 5000, 'refused attempts');
    proxy.refuse(false);
    server.admission = { kind: 'refuse', status: 401 };
    const failed = await statusWhere(connection, (s) => s.state === 'failed');
    expect(failed.lastClose?.status).toBe(401);

    server.admission = { kind: 'accept' };
    connection.retryNow();
    await statusWhere(connection, (s) => s.state === 'connected');
    seen.receipts.push(connection.send('queued at close'));
    connection.close(4000, 'bye');
    expect(seen.errors.length).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(10);
    const texts = text();
    expectNoSecret(texts);
    console.log(
      `redaction: ${texts.length} texts (${seen.statuses.length / 2} statuses, ${seen.errors.length / 3} errors, ` +
        `${seen.receipts.length} receipts, ${events.length} inspector events) searched, 0 with the password or token`,
    );
  });

  it.each([
    ['an unparsable URL', `ws://reader:${password}@exa mple.com/?token=${token}`],
    ['a URL of the wrong protocol', `ftp://reader:${password}@127.0.0.1/?token=${token}`],
  ])('in the option error for %s', (_what, url) => {
    let thrown: unknown;
    try {
      createConnection({ url }).close();
    } catch (error) {
      thrown = error;
    }
    expect((thrown as LifelineError).code).toBe('ERR_LIFELINE_INVALID_OPTION');
    expectNoSecret([safeStringify(thrown), String(thrown), (thrown as Error).stack ?? '']);
    expect(String(thrown)).toMatch(/`url`/);
  });

  it.each([
    [
      'returns an unparsable URL',
      (port: number) => secretUrl(port).replace('127.0.0.1', '[bad'),
      /^url\(\) gave no usable WebSocket URL: /,
    ],
    [
      'returns a URL of the wrong protocol',
      (port: number) => secretUrl(port).replace('ws:', 'ftp:'),
      /^url\(\) gave no usable WebSocket URL: /,
    ],
    [
      'throws an error quoting the URL',
      (port: number) => {
        throw new Error(`cannot refresh ${secretUrl(port)}`);
      },
      /^`url` failed: cannot refresh /,
    ],
  ])(
    'in status, errors and inspector events when the url function %s',
    async (_what, url, reason) => {
      const { proxy } = await network();
      const events: string[] = [];
      const connection = createConnection({
        url: () => url(proxy.port),
        maxAttempts: 2,
        backoff: { initialDelay: 5 },
        inspect: inspector(events),
      });
      onTestFinished(() => connection.close());
      const { text } = watch(connection, events);
      const failed = await statusWhere(connection, (s) => s.state === 'failed');
      expect(failed.lastClose?.reason).toMatch(reason);
      expectNoSecret(text());
    },
  );
});

/** A throwaway CA and certificates made with the openssl CLI, in a temporary directory. */
interface Pki {
  dir: string;
  ca: Buffer;
  key: Buffer;
  /** Signed by the CA, for localhost and 127.0.0.1. */
  cert: Buffer;
  /** Signed by the CA, for localhost only. */
  localhostOnly: Buffer;
  /** Signed by the CA, already expired. */
  expired: Buffer;
  /** Signed by its own key. */
  selfSigned: Buffer;
}

function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=lifeline test CA',
  );
  openssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(file('both.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  writeFileSync(file('localhost.cnf'), 'subjectAltName=DNS:localhost\n');
  const sign = (out: string, ext: string, days: string) =>
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      out,
      '-days',
      days,
      '-extfile',
      ext,
    );
  sign('server.crt', 'both.cnf', '2');
  sign('localhost.crt', 'localhost.cnf', '2');
  sign('expired.crt', 'both.cnf', '-1');
  openssl(
    'req',
    '-x509',
    '-key',
    'server.key',
    '-out',
    'self.crt',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  );
  const read = (name: string) => readFileSync(file(name));
  return {
    dir,
    ca: read('ca.crt'),
    key: read('server.key'),
    cert: read('server.crt'),
    localhostOnly: read('localhost.crt'),
    expired: read('expired.crt'),
    selfSigned: read('self.crt'),
  };
}

/** An https server with a `ws` server on it that acks `{"id":n}` envelopes; counts TCP connections. */
async function tlsServer(cert: Buffer, key: Buffer) {
  const server = https.createServer({ cert, key });
  const wss = new WebSocketServer({ server });
  const sockets = new Set<net.Socket>();
  const counts = { connections: 0, handshakes: 0, tlsErrors: [] as string[] };
  server.on('connection', (socket: net.Socket) => {
    counts.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', () => {
    counts.handshakes += 1;
  });
  server.on('tlsClientError', (error) =>
    counts.tlsErrors.push(String((error as { code?: string }).code ?? error.message)),
  );
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    ws.on('message', (raw) => {
      const { id } = JSON.parse(String(raw)) as { id: number };
      ws.send(`{"ack":${id}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port, counts };
}

describe('wss with a certificate the test made', () => {
  let pki: Pki;
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(() => {
    rmSync(pki.dir, { recursive: true, force: true });
  });

  it('connects, sends and gets acks when the CA is passed as socketOptions.ca', async () => {
    const { port, counts } = await tlsServer(pki.cert, pki.key);
    const connection = createConnection({
      url: `wss://127.0.0.1:${port}/`,
      socketOptions: { ca: pki.ca },
      ack: true,
    });
    onTestFinished(() => connection.close());
    await statusWhere(connection, (s) => s.state === 'connected');
    const receipt = await connection.send('over TLS').settled;
    expect(receipt.state).toBe('acked');
    expect(counts.handshakes).toBe(1);
    console.log(`TLS with socketOptions.ca: connected, message ${receipt.state}, 1 handshake`);
  });

  const untrusted: [string, keyof Pki, string, RegExp][] = [
    [
      'signed by a CA the client does not know',
      'cert',
      '127.0.0.1',
      /UNABLE_TO_(GET_ISSUER_CERT_LOCALLY|VERIFY_LEAF_SIGNATURE)/,
    ],
    ['self-signed', 'selfSigned', '127.0.0.1', /SELF_SIGNED/],
    ['expired', 'expired', '127.0.0.1', /CERT_HAS_EXPIRED/],
    ['for another name', 'localhostOnly', '127.0.0.1', /ERR_TLS_CERT_ALTNAME_INVALID/],
  ];

  it.each(untrusted)(
    'fails at once, fatally, naming the TLS error, for a certificate %s',
    async (what, which, host, named) => {
      const crashes = captureCrashes();
      const { port, counts } = await tlsServer(pki[which] as Buffer, pki.key);
      const events: string[] = [];
      const errors: LifelineError[] = [];
      // The CA is trusted, except where the point is that it is not.
      const socketOptions = which === 'cert' ? {} : { ca: pki.ca };
      const connection = createConnection({
        url: `wss://reader:${password}@${host}:${port}/?token=${token}`,
        socketOptions,
        backoff: { initialDelay: 5, maxDelay: 10 },
        inspect: inspector(events),
      });
      onTestFinished(() => connection.close());
      connection.onError((error) => errors.push(error));
      const { text } = watch(connection, events);
      const failed = await statusWhere(
        connection,
        (s) => s.state !== 'connecting' && s.state !== 'syncing',
      );
      expect(failed.state).toBe('failed');
      expect(failed.lastClose?.code).toBe(1015);
      expect(failed.lastClose?.reason).toMatch(/^TLS: /);
      expect(failed.lastClose?.reason).toMatch(named);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(FatalCloseError);
      expect((errors[0] as FatalCloseError).closeCode).toBe(1015);
      expect(errors[0]?.message).toMatch(named);
      expect(formatStatus(failed)).toMatch(/^✕ failed: 1015 TLS: /);
      // No retry loop: twenty backoff periods later, the server has still seen one attempt.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(counts.connections).toBe(1);
      expect(counts.handshakes).toBe(0);
      expect(connection.status.state).toBe('failed');
      expectNoSecret(text());
      expect(crashes.map(describeCrash)).toEqual([]);
      console.log(
        `TLS, certificate ${what}: ${formatStatus(failed)}; ${errors.length} FatalCloseError; ` +
          `${counts.connections} TCP connection, ${counts.handshakes} handshakes seen by the server`,
      );
    },
  );
});
