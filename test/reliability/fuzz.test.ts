import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SimulatedClock } from 'xstate';
import { type Connection, createConnection } from '../../src/client/create-connection.js';
import type { IncomingData } from '../../src/client/incoming-data.js';
import type { ConnectionOptions } from '../../src/client/options.js';
import { formatStatus, type Status } from '../../src/client/status.js';
import { systemClock } from '../../src/core/clock.js';
import { defaultClassifyClose } from '../../src/core/close-policy.js';
import {
  FatalCloseError,
  InboundFrameError,
  LifelineError,
  type OptionTypeError,
} from '../../src/core/errors/index.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import { network, statusWhere, until } from '../support/integration.js';
import type { TestServer } from '../support/test-server.js';
import { captureCrashes, describeCrash, serverFrame, statusWithin } from './support.js';

/** Any value at all, null-prototype objects, boxed values, typed arrays and sparse arrays included. */
const anyValue = fc.anything({
  withNullPrototype: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withBigInt: true,
  withTypedArray: true,
  withSparseArray: true,
  maxDepth: 2,
});

const edgeNumber = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    1,
    -1,
    0.5,
    2 ** 31 - 1,
    2 ** 31,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.integer({ min: -10, max: 200 }),
  fc.double(),
);

/** Mostly plausible numbers, sometimes anything. */
const numberOption = fc.oneof(
  { weight: 4, arbitrary: edgeNumber },
  { weight: 1, arbitrary: anyValue },
);

function optionsArbitrary(serverUrl: string) {
  const maybe = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: anyValue });
  const model = {
    protocols: maybe(fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 8 })))),
    WebSocket: maybe(fc.constantFrom<unknown>(WebSocket, () => undefined)),
    socketOptions: maybe(fc.constantFrom<unknown>({}, { perMessageDeflate: false })),
    binaryType: maybe(
      fc.constantFrom('arraybuffer', 'nodebuffer', 'blob', 'fragments', 'nonsense'),
    ),
    heartbeat: maybe(
      fc.oneof(
        fc.constant(false),
        fc.record(
          {
            interval: numberOption,
            timeout: numberOption,
            message: maybe(fc.constant(() => 'ping')),
            preferMessage: maybe(fc.boolean()),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
    sync: maybe(
      fc.constantFrom(
        async () => undefined,
        () => ({ ackedThrough: 0 }),
      ),
    ),
    outbox: maybe(
      fc.record(
        {
          maxMessages: numberOption,
          maxBytes: numberOption,
          overflow: maybe(fc.constantFrom('reject', 'drop-oldest')),
        },
        { requiredKeys: [] },
      ),
    ),
    ack: maybe(
      fc.oneof(
        fc.boolean(),
        fc.record(
          {
            stamp: maybe(fc.constant((data: unknown, id: number) => `${id}:${String(data)}`)),
            read: maybe(fc.constant(() => undefined)),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
    messageId: maybe(fc.constant(() => undefined)),
    clock: maybe(
      fc.constantFrom<unknown>(systemClock, new SimulatedClock(), {
        now: () => 0,
        setTimeout: 5,
        clearTimeout: () => undefined,
      }),
    ),
    random: maybe(
      fc.constantFrom(
        Math.random,
        () => 0,
        () => 0.999_999,
      ),
    ),
    inspect: maybe(fc.constantFrom<unknown>(() => undefined, { next: () => undefined })),
    watchNetwork: maybe(fc.boolean()),
    backoff: maybe(
      fc.record(
        {
          initialDelay: numberOption,
          factor: numberOption,
          maxDelay: numberOption,
          jitter: maybe(fc.constantFrom('none', 'full', 'equal', 'decorrelated')),
          random: maybe(fc.constantFrom(Math.random, () => 0.5)),
        },
        { requiredKeys: [] },
      ),
    ),
    maxAttempts: numberOption,
    connectTimeout: numberOption,
    syncTimeout: numberOption,
    stableAfter: numberOption,
    classifyClose: maybe(fc.constantFrom(defaultClassifyClose, () => ({ action: 'retry' }))),
    // Misspelt or unknown options.
    initalDelay: numberOption,
    reconnect: anyValue,
  };
  const url = fc.oneof(
    { weight: 12, arbitrary: fc.constant<unknown>(serverUrl) },
    {
      weight: 2,
      arbitrary: fc.constantFrom<unknown>(
        new URL(serverUrl),
        () => serverUrl,
        async () => serverUrl,
        'ftp://127.0.0.1/',
        'ws://',
        '',
        'ws://[::1',
        'http://127.0.0.1:1/',
      ),
    },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: anyValue },
  );
  // A few options at a time (any of them, up to 6), so that valid objects are common.
  const names = Object.keys(model) as (keyof typeof model)[];
  return fc
    .tuple(
      fc.option(url, { freq: 20, nil: undefined }),
      fc.record(model),
      fc.subarray(names, { maxLength: 6 }),
    )
    .map(([urlValue, values, chosen]) => {
      const options: Record<string, unknown> = urlValue === undefined ? {} : { url: urlValue };
      for (const name of chosen) options[name] = values[name];
      return options;
    });
}

/** A statechart that threw is stuck for good: the connection must never get there. */
function expectAlive(connection: Connection, crashes: unknown[]): void {
  expect(crashes.map(describeCrash)).toEqual([]);
  expect(connection.actor.getSnapshot().status).not.toBe('error');
  const status = connection.status;
  expect(Number.isInteger(status.attempt) && status.attempt >= 0).toBe(true);
  expect(typeof formatStatus(status)).toBe('string');
}

/** Connect, send, cut, send again, close: enough to reach every callback an option feeds. */
async function exercise(connection: Connection, proxy: FaultProxy): Promise<void> {
  await statusWithin(connection, (s) => s.state !== 'connecting', 100);
  connection.send('fuzz 1');
  proxy.cut();
  await statusWithin(connection, (s) => s.state === 'reconnecting' || s.state === 'failed', 60);
  connection.send(new Uint8Array([1, 2, 3]));
  await new Promise((resolve) => setImmediate(resolve));
}

describe('fuzz: option objects', () => {
  it('accepts an option object or rejects it with an error naming the option; an accepted one never crashes later', async () => {
    const { proxy } = await network();
    const crashes = captureCrashes();
    const tally = { accepted: 0, rejected: 0 };
    const named = new Set<string>();
    await fc.assert(
      fc.asyncProperty(optionsArbitrary(proxy.url), async (options) => {
        let connection: Connection;
        try {
          connection = createConnection(options as unknown as ConnectionOptions);
        } catch (error) {
          tally.rejected += 1;
          expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
          const { code, option, message } = error as OptionTypeError;
          expect(code).toBe('ERR_LIFELINE_INVALID_OPTION');
          expect(typeof option === 'string' && option.length > 0).toBe(true);
          expect(message).toContain(`\`${option}\``);
          const root = option.split('.')[0] ?? '';
          expect(root === 'url' || Object.hasOwn(options, root)).toBe(true);
          named.add(root);
          return;
        }
        tally.accepted += 1;
        try {
          await exercise(connection, proxy);
          expectAlive(connection, crashes);
        } finally {
          connection.close();
        }
        expect(connection.status.state).toBe('closed');
        await new Promise((resolve) => setImmediate(resolve));
        expect(crashes.map(describeCrash)).toEqual([]);
      }),
      { numRuns: 300 },
    );
    expect(tally.accepted).toBeGreaterThan(20);
    console.log(
      `fuzz options: ${tally.accepted + tally.rejected} option objects, ${tally.accepted} accepted and run ` +
        `(connect, send, cut, send, close) without a crash, ${tally.rejected} rejected with an error naming ` +
        `the option (${named.size} distinct options named)`,
    );
  }, 60_000);
});

describe('fuzz: option values every WebSocket refuses', () => {
  // Each would make every attempt fail with the same SyntaxError, forever: so they are refused up front.
  it.each([
    ['url', { url: 'ws://127.0.0.1:1/chat#room' }],
    ['protocols', { url: 'ws://127.0.0.1:1/', protocols: 'chat v2' }],
    ['protocols', { url: 'ws://127.0.0.1:1/', protocols: ['chat', 'chat'] }],
    ['protocols', { url: 'ws://127.0.0.1:1/', protocols: '' }],
  ])('rejects a bad %s up front, naming it: %o', (option, options) => {
    let thrown: unknown;
    try {
      createConnection(options as ConnectionOptions).close();
    } catch (error) {
      thrown = error;
    }
    expect((thrown as OptionTypeError).code).toBe('ERR_LIFELINE_INVALID_OPTION');
    expect((thrown as OptionTypeError).option).toBe(option);
  });
});

type Misbehaviour = { kind: 'throws'; value: unknown } | { kind: 'returns'; value: unknown };

/** What each callback option needs around it to be called at all. */
const callbackSetups: Record<string, (bad: () => unknown) => Partial<ConnectionOptions>> = {
  random: (bad) => ({ random: bad as () => number }),
  'backoff.random': (bad) => ({ backoff: { initialDelay: 5, random: bad as () => number } }),
  classifyClose: (bad) => ({ classifyClose: bad as never }),
  url: (bad) => ({ url: bad as () => string }),
  messageId: (bad) => ({ messageId: bad as never }),
  'ack.read': (bad) => ({ ack: { read: bad as never } }),
  'ack.stamp': (bad) => ({ ack: { stamp: bad as never } }),
  'heartbeat.message': (bad) => ({
    heartbeat: { interval: 10, timeout: 50, preferMessage: true, message: bad as never },
  }),
  sync: (bad) => ({ sync: bad as never }),
  WebSocket: (bad) => ({
    WebSocket: function BrokenWebSocket() {
      return bad();
    } as never,
  }),
};

function misbehave(misbehaviour: Misbehaviour): () => unknown {
  return () => {
    if (misbehaviour.kind === 'throws') throw misbehaviour.value;
    return misbehaviour.value;
  };
}

/** Runs a connection whose one callback misbehaves through a connect, an inbound frame, a send and a cut. */
async function withBrokenCallback(
  proxy: FaultProxy,
  server: TestServer,
  option: string,
  misbehaviour: Misbehaviour,
  crashes: unknown[],
): Promise<void> {
  const setup = callbackSetups[option];
  if (!setup) throw new Error(`no setup for ${option}`);
  const options = {
    url: proxy.url,
    backoff: { initialDelay: 5, maxDelay: 20 },
    syncTimeout: 100,
    ...setup(misbehave(misbehaviour)),
  } as ConnectionOptions;
  const connection = createConnection(options);
  const errors: LifelineError[] = [];
  connection.onError((error) => errors.push(error));
  try {
    await statusWithin(connection, (s) => s.state !== 'connecting', 150);
    for (const client of server.clients) {
      client.send('{"ack":1}');
      client.send('{"seq":1}');
    }
    connection.send('hello');
    await new Promise((resolve) => setTimeout(resolve, 30));
    proxy.cut();
    await statusWithin(connection, (s) => s.state === 'reconnecting' || s.state === 'failed', 100);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expectAlive(connection, crashes);
    expect(errors.every((error) => error instanceof LifelineError)).toBe(true);
  } finally {
    connection.close();
  }
}

describe('fuzz: callbacks that break their contract', () => {
  const cases: [string, Misbehaviour][] = [
    ['random', { kind: 'returns', value: 2 }],
    ['backoff.random', { kind: 'returns', value: Number.NaN }],
    ['classifyClose', { kind: 'throws', value: new Error('policy bug') }],
    ['classifyClose', { kind: 'returns', value: undefined }],
    ['url', { kind: 'throws', value: new Error('no token') }],
    ['url', { kind: 'throws', value: Object.create(null) }],
    ['messageId', { kind: 'throws', value: new Error('not JSON') }],
    ['messageId', { kind: 'throws', value: Object.create(null) }],
    ['ack.read', { kind: 'throws', value: new Error('not JSON') }],
    ['ack.read', { kind: 'throws', value: Object.create(null) }],
    ['ack.read', { kind: 'returns', value: 'seven' }],
    ['ack.stamp', { kind: 'throws', value: new Error('cannot stamp') }],
    ['ack.stamp', { kind: 'returns', value: null }],
    ['heartbeat.message', { kind: 'throws', value: new Error('no probe') }],
    ['heartbeat.message', { kind: 'returns', value: { not: 'sendable' } }],
    ['sync', { kind: 'throws', value: Object.create(null) }],
    ['WebSocket', { kind: 'throws', value: new Error('no sockets here') }],
  ];

  it.each(cases)(
    '%s that %o does not crash the client or freeze its statechart',
    async (option, misbehaviour) => {
      const { proxy, server } = await network();
      const crashes = captureCrashes();
      await withBrokenCallback(proxy, server, option, misbehaviour, crashes);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(crashes.map(describeCrash)).toEqual([]);
    },
  );

  it('any callback throwing or returning anything never crashes the client (property)', async () => {
    const { proxy, server } = await network();
    const crashes = captureCrashes();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(callbackSetups)),
        fc.oneof(
          anyValue.map((value): Misbehaviour => ({ kind: 'throws', value })),
          anyValue.map((value): Misbehaviour => ({ kind: 'returns', value })),
        ),
        async (option, misbehaviour) => {
          await withBrokenCallback(proxy, server, option, misbehaviour, crashes);
        },
      ),
      { numRuns: 40 },
    );
  }, 30_000);
});

/** What lifeline does with one inbound frame, as the application sees it (acks are silent). */
type Seen = { kind: 'delivered'; data: string } | { kind: 'error'; message: string };
type Expected =
  | { kind: 'delivered'; data: string }
  | { kind: 'error'; about: RegExp }
  | { kind: 'ack' };

/** What lifeline must do with a text frame in ack mode with the default envelope and a JSON messageId. */
function expectedForText(text: string): Expected[] {
  if (text.startsWith('{"ack":')) {
    let ack: unknown;
    try {
      ack = (JSON.parse(text) as { ack?: unknown }).ack;
    } catch {
      return [{ kind: 'error', about: /^unreadable ack frame: \S/ }];
    }
    return typeof ack === 'number' && Number.isSafeInteger(ack) && ack >= 0
      ? [{ kind: 'ack' }]
      : [{ kind: 'error', about: /^unreadable ack frame: ack must be a whole number/ }];
  }
  if (text.startsWith('{"seq":')) {
    try {
      JSON.parse(text);
    } catch {
      return [
        { kind: 'error', about: /^messageId\(\) failed/ },
        { kind: 'delivered', data: text },
      ];
    }
  }
  return [{ kind: 'delivered', data: text }];
}

const textFrame = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u001b', '[', '\u009b', '\u00ff', '\ud800', 'a'),
    maxLength: 16,
  }),
  fc.constant(''),
  fc.string({ maxLength: 24 }).map((tail) => `{"ack":${tail}`),
  fc.oneof(anyValue, edgeNumber).map((value) => {
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      json = undefined;
    }
    return `{"ack":${json ?? 'undefined'}}`;
  }),
  fc.string({ maxLength: 24 }).map((tail) => `{"seq":${tail}`),
  fc.integer().map((seq) => `{"seq":${seq}}`),
);
const binaryFrame = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constant(new Uint8Array(0)));
const frameBatches = fc.array(
  fc.oneof(
    textFrame.map((text) => ({ text })),
    binaryFrame.map((bytes) => ({ bytes })),
  ),
  { minLength: 1, maxLength: 8 },
);

/** What a WebSocket text frame can carry: a lone surrogate becomes U+FFFD on the way. */
function normalise(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

const hex = (data: Uint8Array | ArrayBuffer) => Buffer.from(data as Uint8Array).toString('hex');

describe('fuzz: inbound frames', () => {
  it('any text or binary frame, any ack payload: delivered intact, taken as an ack, or a typed error; never a crash or a drop', async () => {
    const { server, proxy, connect } = await network();
    const crashes = captureCrashes();
    const connection = connect({
      ack: true,
      messageId: (data) =>
        typeof data === 'string' && data.startsWith('{"seq":')
          ? (JSON.parse(data) as { seq?: number }).seq
          : undefined,
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    const seen: Seen[] = [];
    const otherErrors: unknown[] = [];
    let sentinel = '';
    connection.onMessage((data: IncomingData) => {
      if (typeof data === 'string' && data.startsWith('\u0001end ')) sentinel = data;
      else if (typeof data === 'string') seen.push({ kind: 'delivered', data });
      else seen.push({ kind: 'delivered', data: `bytes:${hex(data as Uint8Array)}` });
    });
    connection.onError((error) => {
      if (error instanceof InboundFrameError) seen.push({ kind: 'error', message: error.message });
      else otherErrors.push(error);
    });
    let runs = 0;
    const tally = { delivered: 0, ack: 0, error: 0 };
    await fc.assert(
      fc.asyncProperty(frameBatches, async (batch) => {
        runs += 1;
        seen.length = 0;
        const [client] = server.clients;
        if (!client) throw new Error('the server lost its client');
        const expected: Expected[] = [];
        for (const frame of batch) {
          if ('text' in frame) {
            client.send(frame.text);
            expected.push(...expectedForText(normalise(frame.text)));
          } else {
            client.send(Buffer.from(frame.bytes), { binary: true });
            expected.push({ kind: 'delivered', data: `bytes:${hex(frame.bytes)}` });
          }
        }
        const end = `\u0001end ${runs}`;
        client.send(end);
        await until(() => sentinel === end, 5000, 'the end of the batch');
        for (const outcome of expected) tally[outcome.kind] += 1;
        const visible = expected.filter((outcome) => outcome.kind !== 'ack');
        expect(seen.length).toBe(visible.length);
        for (const [i, outcome] of visible.entries()) {
          const actual = seen[i];
          if (outcome.kind === 'error') {
            expect(actual?.kind).toBe('error');
            expect(actual?.kind === 'error' ? actual.message : '').toMatch(outcome.about);
          } else {
            expect(actual).toEqual(outcome);
          }
        }
        expect(otherErrors).toEqual([]);
        expect(connection.status.state).toBe('connected');
        expect(crashes.map(describeCrash)).toEqual([]);
      }),
      { numRuns: 150 },
    );
    expect(proxy.accepted).toBe(1);
    console.log(
      `fuzz inbound frames: ${runs} batches, ${tally.delivered} frames delivered intact, ${tally.ack} taken as acks, ` +
        `${tally.error} reported as InboundFrameError; 0 crashes, 0 drops`,
    );
  }, 30_000);

  it('delivers 10 MB text and binary frames intact, and reports a 10 MB unreadable ack without echoing it', async () => {
    const { server, connect } = await network();
    const crashes = captureCrashes();
    const connection = connect({ ack: true });
    await statusWhere(connection, (s) => s.state === 'connected');
    const received: IncomingData[] = [];
    const errors: LifelineError[] = [];
    connection.onMessage((data) => received.push(data));
    connection.onError((error) => errors.push(error));
    const size = 10 * 1024 * 1024;
    const text = 'x'.repeat(size);
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i += 1) bytes[i] = (i * 31) & 0xff;
    const badAck = `{"ack":${'9'.repeat(size)}`;
    const started = Date.now();
    for (const client of server.clients) {
      client.send(text);
      client.send(bytes, { binary: true });
      client.send(badAck);
      client.send('after');
    }
    await until(() => received.length === 3, 15_000, 'the big frames');
    const ms = Date.now() - started;
    expect(received[0]).toBe(text);
    const digest = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
    expect(digest(received[1] as Uint8Array)).toBe(digest(bytes));
    expect(received[2]).toBe('after');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InboundFrameError);
    // The error says what went wrong; it does not carry the 10 MB frame.
    expect(errors[0]?.message.length).toBeLessThan(1000);
    expect(connection.status.state).toBe('connected');
    expect(crashes.map(describeCrash)).toEqual([]);
    console.log(`fuzz 10 MB frames: text, binary and an unreadable 10 MB ack handled in ${ms} ms`);
  }, 30_000);
});

/**
 * Raw frames no server may send. The client's WebSocket closes the connection
 * with a protocol (1002), payload (1007) or size (1009) code; the default close
 * policy calls all three fatal: reconnecting to the same server cannot help.
 */
const violations: { what: string; bytes: Uint8Array; code: number }[] = [
  {
    what: 'a text frame of invalid UTF-8',
    bytes: serverFrame(0x1, Uint8Array.from([0xc3, 0x28, 0xff])),
    code: 1007,
  },
  {
    what: 'a close frame whose reason is invalid UTF-8',
    bytes: serverFrame(0x8, Uint8Array.from([0x0f, 0xa0, 0xff, 0xfe])),
    code: 1007,
  },
  {
    what: 'a close frame with code 1005',
    bytes: serverFrame(0x8, Uint8Array.from([0x03, 0xed])),
    code: 1002,
  },
  {
    what: 'a masked frame',
    bytes: Uint8Array.from([0x81, 0x82, 1, 2, 3, 4, 0x41 ^ 1, 0x42 ^ 2]),
    code: 1002,
  },
  { what: 'a reserved opcode', bytes: serverFrame(0x3, Uint8Array.from([1])), code: 1002 },
  { what: 'RSV1 set without an extension', bytes: Uint8Array.from([0xc1, 0x01, 0x41]), code: 1002 },
  { what: 'a fragmented ping', bytes: serverFrame(0x9, Uint8Array.from([1]), false), code: 1002 },
  { what: 'a ping of 126 bytes', bytes: serverFrame(0x9, new Uint8Array(126)), code: 1002 },
  {
    what: 'a continuation with nothing to continue',
    bytes: serverFrame(0x0, Uint8Array.from([1])),
    code: 1002,
  },
  {
    what: 'a frame announcing 2^53 bytes',
    bytes: Uint8Array.from([0x82, 127, 0x00, 0x20, 0, 0, 0, 0, 0, 0]),
    code: 1009,
  },
  {
    what: 'a frame announcing 200 MiB (over the 100 MiB maxPayload)',
    bytes: Uint8Array.from([0x82, 127, 0, 0, 0, 0, 0x0c, 0x80, 0, 0]),
    code: 1009,
  },
];

describe('fuzz: frames that break the protocol', () => {
  it.each(violations)(
    '$what: closes with $code, fails as a FatalCloseError, no crash, no retry loop',
    async ({ bytes, code }) => {
      const { proxy, connect } = await network();
      const crashes = captureCrashes();
      const connection = connect({ backoff: { initialDelay: 5, maxDelay: 10 } });
      const errors: LifelineError[] = [];
      connection.onError((error) => errors.push(error));
      await statusWhere(connection, (s) => s.state === 'connected');
      proxy.inject(bytes);
      const after = await statusWhere(connection, (s) => s.state !== 'connected');
      expect(crashes.map(describeCrash)).toEqual([]);
      // The reason names what was wrong, whatever the code.
      expect(after.lastClose?.reason).toMatch(/invalid|unsupported|must|expected|exceeded/i);
      expect(after.lastClose?.code).toBe(code);
      expect(after.state).toBe('failed');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(FatalCloseError);
      expect((errors[0] as FatalCloseError).closeCode).toBe(code);
      // Ten backoff periods later: still one attempt.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(proxy.accepted).toBe(1);
    },
  );

  it('arbitrary bytes injected into the stream never crash the client; it ends connected, reconnecting or failed with a reason', async () => {
    const { proxy, server } = await network();
    const crashes = captureCrashes();
    const ends: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 48 }), async (bytes) => {
        const connection = createConnection({ url: proxy.url, backoff: { initialDelay: 1000 } });
        const errors: LifelineError[] = [];
        connection.onError((error) => errors.push(error));
        try {
          await statusWhere(connection, (s) => s.state === 'connected');
          proxy.inject(bytes);
          let sentinel = false;
          connection.onMessage((data) => {
            if (data === 'sentinel') sentinel = true;
          });
          for (const client of server.clients) client.send('sentinel');
          const deadline = Date.now() + 100;
          await statusWithin(
            connection,
            (s) => s.state !== 'connected' || sentinel || Date.now() > deadline,
            100,
          );
          const status: Status = connection.status;
          ends[status.state] = (ends[status.state] ?? 0) + 1;
          expect(['connected', 'reconnecting', 'failed']).toContain(status.state);
          if (status.state !== 'connected') expect(status.lastClose?.reason).not.toBe('');
          if (status.state === 'failed') {
            expect(errors.at(-1)).toBeInstanceOf(FatalCloseError);
            expect((errors.at(-1) as FatalCloseError).closeCode).toBe(status.lastClose?.code);
          }
          expectAlive(connection, crashes);
        } finally {
          connection.close();
        }
      }),
      { numRuns: 40 },
    );
    console.log(
      `fuzz raw bytes: 40 injections, connection ended ${JSON.stringify(ends)}; 0 crashes`,
    );
  }, 30_000);
});

type SyncBehaviour =
  | { kind: 'throws'; value: unknown }
  | { kind: 'returns'; value: unknown }
  | { kind: 'rejects'; value: unknown }
  | { kind: 'resolves'; value: unknown }
  | { kind: 'never' };

function syncFor(behaviour: SyncBehaviour): () => unknown {
  return () => {
    switch (behaviour.kind) {
      case 'throws':
        throw behaviour.value;
      case 'returns':
        return behaviour.value;
      case 'rejects':
        return Promise.reject(behaviour.value);
      case 'resolves':
        return Promise.resolve(behaviour.value);
      case 'never':
        return new Promise(() => undefined);
    }
  };
}

/** Whether a value sync settles with is one lifeline accepts (anything but a non-number `ackedThrough`). */
function acceptableResult(value: unknown): boolean {
  if (value === null || value === undefined || typeof value !== 'object') return true;
  const through = (value as { ackedThrough?: unknown }).ackedThrough;
  return through === undefined || (typeof through === 'number' && !Number.isNaN(through));
}

const syncBehaviours = fc.oneof(
  anyValue.map((value): SyncBehaviour => ({ kind: 'throws', value })),
  anyValue.map((value): SyncBehaviour => ({ kind: 'rejects', value })),
  fc
    .oneof(anyValue, fc.record({ ackedThrough: fc.oneof(anyValue, edgeNumber) }))
    .filter((value) => !(typeof value === 'object' && value !== null && 'then' in value))
    .chain((value) =>
      fc.constantFrom<SyncBehaviour>({ kind: 'returns', value }, { kind: 'resolves', value }),
    ),
  fc.constant<SyncBehaviour>({ kind: 'never' }),
);

async function runSync(url: string, behaviour: SyncBehaviour, crashes: unknown[]): Promise<Status> {
  const connection = createConnection({
    url,
    sync: syncFor(behaviour) as never,
    syncTimeout: 300, // long enough for a loaded machine to run a sync that settles at once
    backoff: { initialDelay: 10_000 },
  });
  try {
    const settled = await statusWithin(
      connection,
      (s) => s.state === 'connected' || (s.state === 'reconnecting' && s.lastClose !== null),
      3000,
    );
    expectAlive(connection, crashes);
    expect(settled).not.toBeNull();
    return settled as Status;
  } finally {
    connection.close();
  }
}

describe('fuzz: a user sync that misbehaves', () => {
  const url = (proxy: FaultProxy) => proxy.url;

  it.each<[string, SyncBehaviour, string]>([
    ['throws synchronously', { kind: 'throws', value: new Error('boom') }, 'sync failed: boom'],
    ['throws a string', { kind: 'throws', value: 'just text' }, 'sync failed: just text'],
    ['throws undefined', { kind: 'throws', value: undefined }, 'sync failed: undefined'],
    ['returns a number, not a promise', { kind: 'returns', value: 42 }, 'connected'],
    ['returns a string', { kind: 'returns', value: 'done' }, 'connected'],
    [
      'returns a non-number ackedThrough',
      { kind: 'returns', value: { ackedThrough: '7' } },
      'sync failed: sync() returned ackedThrough "7": expected a number',
    ],
    ['rejects with null', { kind: 'rejects', value: null }, 'sync failed: null'],
    ['never settles', { kind: 'never' }, 'sync timeout'],
    [
      'throws an object with no prototype',
      { kind: 'throws', value: Object.create(null) },
      'sync failed: [object Object]',
    ],
  ])('a sync that %s is handled: %s', async (_what, behaviour, expected) => {
    const { proxy } = await network();
    const crashes = captureCrashes();
    const status = await runSync(url(proxy), behaviour, crashes);
    if (expected === 'connected') expect(status.state).toBe('connected');
    else expect(status.lastClose).toEqual({ code: 1006, reason: expected });
    expect(crashes.map(describeCrash)).toEqual([]);
  });

  it('a sync that throws, returns anything, rejects with anything or never settles never crashes the client (property)', async () => {
    const { proxy } = await network();
    const crashes = captureCrashes();
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(syncBehaviours, async (behaviour) => {
        const status = await runSync(proxy.url, behaviour, crashes);
        const outcome =
          status.state === 'connected' ? 'connected' : (status.lastClose?.reason ?? '');
        const kind = outcome.startsWith('sync failed: ') ? 'sync failed' : outcome;
        tally[kind] = (tally[kind] ?? 0) + 1;
        switch (behaviour.kind) {
          case 'never':
            expect(outcome).toBe('sync timeout');
            break;
          case 'throws':
          case 'rejects':
            expect(outcome).toMatch(/^sync failed: /);
            break;
          default:
            if (acceptableResult(behaviour.value)) expect(outcome).toBe('connected');
            else expect(outcome).toMatch(/^sync failed: sync\(\) returned ackedThrough/);
        }
      }),
      { numRuns: 60 },
    );
    console.log(`fuzz sync: 60 misbehaving syncs, outcomes ${JSON.stringify(tally)}; 0 crashes`);
  }, 30_000);
});
