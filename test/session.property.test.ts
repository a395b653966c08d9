// Exactly once both ways, under random interleavings of what networks and
// servers do. Real sockets through the frame-reading fault proxy, the real
// session server (in-memory store: a restart is a new epoch) and the real
// client. LIFELINE_PROPERTY_RUNS sets the number of cases (the chaos suite
// runs more).
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ConnectionError, createConnection, type Receipt } from '../src/index.js';
import { createSessionServer, type SessionServer } from '../src/server/index.js';
import { FaultProxy } from './support/fault-proxy.js';
import { listenLocally } from './support/listen-locally.js';

const runs = Number(process.env.LIFELINE_PROPERTY_RUNS ?? 1000);
/** How long a case may take to converge once the faults are lifted: generous, for a loaded machine. */
const convergeWithin = 20_000;

type Command =
  | { kind: 'up'; count: number }
  | { kind: 'down'; count: number }
  | { kind: 'cut' }
  | { kind: 'blackhole' }
  | { kind: 'client-restarts-socket' }
  | { kind: 'server-restarts' }
  | { kind: 'duplicate' | 'swap'; direction: 'up' | 'down' }
  | { kind: 'pause' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('up' as const),
      count: fc.integer({ min: 1, max: 5 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('down' as const),
      count: fc.integer({ min: 1, max: 5 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'cut' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'blackhole' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'client-restarts-socket' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'server-restarts' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('duplicate' as const, 'swap' as const),
      direction: fc.constantFrom('up' as const, 'down' as const),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'pause' as const }) },
);

/** One life of the server: a restart makes a new one, with an empty in-memory store. */
interface ServerLife {
  readonly number: number;
  readonly http: http.Server;
  readonly sessions: SessionServer;
  readonly port: number;
  /** What the application handler took, in order. */
  readonly handled: string[];
}

let lives = 0;
async function startServerLife(): Promise<ServerLife> {
  const server = http.createServer();
  const handled: string[] = [];
  const sessions = createSessionServer({
    server,
    // Acks batched over 2 ms, not 20: the cases converge sooner; batching has its own tests.
    ackDelay: 2,
    onMessage: (_client, data) => {
      handled.push(String(data));
    },
  });
  lives += 1;
  return { number: lives, http: server, sessions, port: await listenLocally(server), handled };
}

async function stopServerLife(life: ServerLife): Promise<void> {
  await life.sessions.close();
  await new Promise<void>((resolve) => life.http.close(() => resolve()));
}

/** Only data and ack frames are duplicated or swapped: TCP never does either, a broken middlebox might. */
const dataOrAck = (payload: Buffer) =>
  !/"type":"(hello|welcome|replayed)"/.test(payload.toString());

/** Cases run in lanes side by side, each with its own server and proxy: most of a case is waiting. */
const laneCount = 4;

/** One lane: a server (restarted by some cases), the lives it had, and a proxy in front. */
interface Lane {
  life: ServerLife;
  readonly oldLives: ServerLife[];
  readonly proxy: FaultProxy;
}

const lanes: Lane[] = [];

beforeAll(async () => {
  for (let i = 0; i < laneCount; i += 1) {
    const life = await startServerLife();
    lanes.push({ life, oldLives: [], proxy: await FaultProxy.start(life.port, { frames: true }) });
  }
});

afterAll(async () => {
  for (const { proxy, life } of lanes) {
    await proxy.close();
    await stopServerLife(life);
  }
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + convergeWithin;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`did not converge: ${what()}`);
    await pause(2);
  }
}

/** What one case did and saw. */
interface CaseLog {
  /** Upstream messages in send order, with their receipts. */
  sent: Array<{ text: string; receipt: Receipt }>;
  /** Downstream messages the server took (`send` resolved), with the life that took them. */
  pushed: Array<{ text: string; life: number }>;
  /** What the client's application saw: messages and resets, in order. */
  seen: Array<{ message: string } | { reset: string }>;
  errors: ConnectionError[];
  restarted: boolean;
}

let cases = 0;

async function runCase(lane: Lane, prefix: string, commands: Command[]): Promise<CaseLog> {
  const { proxy } = lane;
  const sockets: WebSocket[] = [];
  class TrackedWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      sockets.push(this);
    }
  }
  const log: CaseLog = { sent: [], pushed: [], seen: [], errors: [], restarted: false };
  const connection = createConnection({
    url: proxy.url,
    session: { ackDelay: 5 },
    WebSocket: TrackedWebSocket as never,
    backoff: { initialDelay: 1, maxDelay: 20 },
    heartbeat: { interval: 30, timeout: 60 },
    // An upgrade request lost in a black hole is given up after 1 s, not the default 10 s.
    connectTimeout: 1000,
    watchNetwork: false,
  });
  connection.onMessage((data) => log.seen.push({ message: String(data) }));
  connection.onError((error) => {
    log.errors.push(error);
    if (error.code === 'ERR_LIFELINE_RESYNC_REQUIRED') log.seen.push({ reset: error.reason });
  });
  try {
    await until(
      () => connection.status.state === 'connected',
      () => 'the first connection',
    );
    let up = 0;
    let down = 0;
    for (const step of commands) {
      switch (step.kind) {
        case 'up':
          for (let i = 0; i < step.count; i += 1) {
            up += 1;
            const text = `${prefix}u${up}`;
            log.sent.push({ text, receipt: connection.send(text) });
          }
          break;
        case 'down':
          for (let i = 0; i < step.count; i += 1) {
            down += 1;
            const text = `${prefix}d${down}`;
            const taker = lane.life;
            // A server that does not know the client yet (restarted, not reconnected) refuses: not sent.
            const clientId = connection.session?.clientId ?? '';
            const sent = await taker.sessions.send(clientId, text).then(
              () => true,
              () => false,
            );
            if (sent) log.pushed.push({ text, life: taker.number });
          }
          break;
        case 'cut':
          proxy.cut();
          break;
        case 'blackhole':
          proxy.blackhole(true);
          await pause(5);
          proxy.blackhole(false);
          break;
        case 'client-restarts-socket':
          sockets.at(-1)?.terminate();
          break;
        case 'server-restarts': {
          const old = lane.life;
          lane.life = await startServerLife();
          proxy.retarget(lane.life.port);
          await stopServerLife(old);
          lane.oldLives.push(old);
          log.restarted = true;
          break;
        }
        case 'duplicate':
        case 'swap':
          proxy.frameFault(step.direction, step.kind, dataOrAck);
          break;
        case 'pause':
          await pause(3);
          break;
      }
    }
    const finalLife = lane.life;
    const delivered = () =>
      new Set(log.seen.flatMap((entry) => ('message' in entry ? [entry.message] : [])));
    await until(
      () => {
        const seen = delivered();
        return (
          log.sent.every(({ receipt }) => receipt.state === 'acked') &&
          log.pushed.every(({ text, life: taker }) => taker !== finalLife.number || seen.has(text))
        );
      },
      () =>
        `receipts ${log.sent.map(({ receipt }) => receipt.state).join(',')}; ` +
        `status ${connection.status.state}; seen ${log.seen.length} of ${log.pushed.length}`,
    );
    return log;
  } finally {
    connection.close();
    for (const socket of sockets) socket.terminate();
  }
}

/** Upstream: each server life took each message at most once and in order; together, every message. */
function checkUpstream(lane: Lane, log: CaseLog, prefix: string): void {
  const lives = [...lane.oldLives, lane.life];
  const sentTexts = log.sent.map(({ text }) => text);
  const order = new Map(sentTexts.map((text, index) => [text, index]));
  const taken = new Set<string>();
  for (const each of lives) {
    const mine = each.handled.filter((text) => text.startsWith(prefix));
    const positions = mine.map((text) => order.get(text) ?? -1);
    expect(positions, `server life ${each.number} took them in order, once`).toEqual(
      [...positions].sort((a, b) => a - b).filter((value, i, all) => all.indexOf(value) === i),
    );
    for (const text of mine) taken.add(text);
  }
  expect([...taken].sort(), 'every message reached the application').toEqual([...sentTexts].sort());
  if (!log.restarted) {
    const all = lives.flatMap((each) => each.handled.filter((text) => text.startsWith(prefix)));
    expect(all, 'without a server restart: exactly once, in order').toEqual(sentTexts);
  }
}

/**
 * Downstream: the client saw messages once each and in order; a message it
 * never saw is followed (before anything sent after it is seen) by a reset.
 */
function checkDownstream(log: CaseLog): void {
  const position = new Map(log.pushed.map(({ text }, index) => [text, index]));
  let last = -1;
  let resetSinceLast = false;
  const seenTexts = new Set<string>();
  for (const entry of log.seen) {
    if ('reset' in entry) {
      resetSinceLast = true;
      continue;
    }
    const at = position.get(entry.message);
    expect(at, `${entry.message} was sent`).toBeDefined();
    expect(at as number, `${entry.message} came in order, once`).toBeGreaterThan(last);
    const skipped = log.pushed.slice(last + 1, at).map(({ text }) => text);
    if (skipped.length > 0) {
      expect(
        resetSinceLast,
        `a reset was raised before ${entry.message}, past the lost ${skipped.join(',')}`,
      ).toBe(true);
    }
    last = at as number;
    resetSinceLast = false;
    seenTexts.add(entry.message);
  }
  if (!log.restarted) {
    expect([...seenTexts], 'without a server restart: every message, exactly once').toEqual(
      log.pushed.map(({ text }) => text),
    );
    expect(log.seen.filter((entry) => 'reset' in entry)).toEqual([]);
  }
}

describe('the session protocol under random faults (property)', () => {
  it(
    `delivers exactly once both ways, or raises ResyncRequiredError before a gap (${runs} cases)`,
    async () => {
      const inLane = (lane: Lane) =>
        fc.assert(
          fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 10 }), async (commands) => {
            cases += 1;
            const prefix = `c${cases}`;
            const log = await runCase(lane, prefix, commands);
            checkUpstream(lane, log, `${prefix}u`);
            checkDownstream(log);
            const unexpected = log.errors.filter(
              (error) =>
                !(
                  error.code === 'ERR_LIFELINE_RESYNC_REQUIRED' && error.reason === 'epoch-changed'
                ),
            );
            expect(unexpected.map((error) => `${error.code}: ${error.message}`)).toEqual([]);
          }),
          { numRuns: Math.ceil(runs / laneCount) },
        );
      await Promise.all(lanes.map(inLane));
    },
    30 * 60_000,
  );
});
