import http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { createConnection } from '../src/index.js';
import { createMemorySessionStore, createSessionServer } from '../src/server/index.js';
import { FaultProxy } from '../test/support/fault-proxy.js';
import { listenLocally } from '../test/support/listen-locally.js';
import { median, ratio } from './support/stats.js';
import { now, sleep, waitFor } from './support/time.js';
import type { BenchResult, Goal } from './support/types.js';

/** Messages the client misses during the outage. */
const missed = 10_000;
/** The outage, ms of real time. */
const outageMs = 30_000;
/** The server's sends are spread over this much of the outage, ms. */
const sendSpreadMs = 20_000;
/** Baseline runs (each well under a second). */
const baselineRuns = 5;
const messageBytes = 64;

/** Message n, `messageBytes` long: its number first, so that order can be checked. */
const message = (n: number) => String(n).padStart(8, '0').padEnd(messageBytes, 'x');

/** Counts messages 1..expected as they arrive: in order, once each. */
class Arrivals {
  count = 0;
  lastAt = 0;
  outOfOrder = 0;
  duplicated = 0;
  #next: number;
  readonly #seen = new Set<number>();

  constructor(first = 1) {
    this.#next = first;
  }

  take(text: string): void {
    const n = Number(text.slice(0, 8));
    if (this.#seen.has(n)) this.duplicated += 1;
    else this.#seen.add(n);
    if (n !== this.#next) this.outOfOrder += 1;
    this.#next = n + 1;
    this.count += 1;
    this.lastAt = now();
  }
}

/**
 * The baseline: a fresh raw ws connection through the same kind of proxy; its
 * server sends the 10,000 messages as soon as the socket opens. Timed from
 * `new WebSocket()` to the last message: a connect plus 10,000 live messages.
 */
async function rawBaseline(): Promise<number> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    for (let n = 1; n <= missed; n += 1) ws.send(message(n));
  });
  const proxy = await FaultProxy.start(await listenLocally(server));
  const arrivals = new Arrivals();
  const start = now();
  const socket = new WebSocket(proxy.url);
  socket.on('message', (data) => arrivals.take(String(data)));
  await waitFor(() => arrivals.count >= missed, 30_000, 1);
  const elapsed = arrivals.lastAt - start;
  socket.terminate();
  await proxy.close();
  wss.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (arrivals.count !== missed || arrivals.outOfOrder > 0) throw new Error('raw baseline');
  return elapsed;
}

interface Replay {
  /** Network back to the welcome's replay finishing (`connected`), ms. */
  toConnected: number;
  /** Network back to the last missed message at onMessage, ms. */
  toCaughtUp: number;
  /** Session client, live: 10,000 sends on an open socket to the last at onMessage, ms. */
  live: number;
  delivered: number;
  duplicated: number;
  outOfOrder: number;
  resets: number;
  attemptsDuringOutage: number;
}

async function sessionReplay(): Promise<Replay> {
  const server = http.createServer();
  const store = createMemorySessionStore();
  const sessions = createSessionServer({ server, store, onMessage: () => undefined });
  const proxy = await FaultProxy.start(await listenLocally(server));
  const clientId = 'replay-bench';
  const connection = createConnection({ url: proxy.url, session: { clientId } });
  let arrivals = new Arrivals();
  let resets = 0;
  connection.onMessage((data) => arrivals.take(String(data)));
  connection.onError((error) => {
    if (error.code === 'ERR_LIFELINE_RESYNC_REQUIRED') resets += 1;
  });
  const connected = () => connection.status.state === 'connected';
  try {
    if (!(await waitFor(connected, 10_000))) throw new Error('no session');
    // Live first: 10,000 sends on the open socket (also warms the code up).
    let start = now();
    for (let n = 1; n <= missed; n += 1) void sessions.send(clientId, message(n));
    await waitFor(() => arrivals.count >= missed, 30_000, 1);
    const live = arrivals.lastAt - start;
    // Every live message acknowledged (ackDelay is 50 ms), so history holds only what is missed.
    await sleep(500);
    arrivals = new Arrivals(missed + 1);
    proxy.refuse(true);
    proxy.cut();
    const cutAt = now();
    const attemptsBefore = proxy.accepted;
    let sent = 0;
    while (sent < missed) {
      const due = Math.min(missed, Math.ceil(((now() - cutAt) / sendSpreadMs) * missed));
      for (; sent < due; sent += 1) await sessions.send(clientId, message(sent + 1 + missed));
      await sleep(5);
    }
    await sleep(Math.max(0, cutAt + outageMs - now()));
    const attemptsDuringOutage = proxy.accepted - attemptsBefore;
    if (arrivals.count > 0) throw new Error('messages arrived during the outage');
    // The network is back: the proxy admits connections, and the platform says online.
    proxy.refuse(false);
    start = now();
    connection.setOnline(true);
    let connectedAt = Number.NaN;
    await waitFor(
      () => {
        if (Number.isNaN(connectedAt) && connected()) connectedAt = now();
        return arrivals.count >= missed && connected();
      },
      60_000,
      1,
    );
    return {
      toConnected: connectedAt - start,
      toCaughtUp: arrivals.lastAt - start,
      live,
      delivered: arrivals.count,
      duplicated: arrivals.duplicated,
      outOfOrder: arrivals.outOfOrder,
      resets,
      attemptsDuringOutage,
    };
  } finally {
    connection.close();
    await sessions.close();
    await proxy.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function runReplay(): Promise<BenchResult> {
  const started = now();
  const baselines: number[] = [];
  for (let i = 0; i < baselineRuns; i += 1) baselines.push(await rawBaseline());
  const replay = await sessionReplay();
  // Again after, so that the baseline brackets the replay on a machine whose load changes.
  for (let i = 0; i < baselineRuns; i += 1) baselines.push(await rawBaseline());
  const baseline = median(baselines);
  const exact =
    replay.delivered === missed &&
    replay.duplicated === 0 &&
    replay.outOfOrder === 0 &&
    replay.resets === 0;
  const ms = (value: number) => `${value.toFixed(0)} ms`;
  const goals: Goal[] = [
    {
      benchmark: 'replay',
      goal: `after a ${outageMs / 1000} s outage the session replays all ${missed.toLocaleString('en-US')} missed messages exactly once, in order, with no reset`,
      measured: `${replay.delivered.toLocaleString('en-US')} delivered, ${replay.duplicated} duplicated, ${replay.outOfOrder} out of order, ${replay.resets} resets; caught up ${ms(replay.toCaughtUp)} after the network came back (${ratio(replay.toCaughtUp / baseline)} a fresh raw ws connection receiving as many live)`,
      met: exact,
    },
  ];
  return {
    name: 'replay',
    title: 'Replay after an outage',
    method: [
      `A lifeline client (\`createConnection({ url, session: { clientId } })\`, defaults otherwise) talks to \`createSessionServer\` (its default in-memory store, which keeps up to 10,000 unacknowledged messages per client) through a TCP fault proxy, all on 127.0.0.1 in one process. Messages are ${messageBytes} bytes of text.`,
      `First, ${missed.toLocaleString('en-US')} \`sessions.send\` calls on the open socket, timed to the last message at \`onMessage\` (the "live" row); then, once acknowledged, the network goes: the proxy cuts the socket and refuses every connection for ${outageMs / 1000} s of real time (the client keeps retrying with its default backoff), while the server \`send\`s ${missed.toLocaleString('en-US')} messages to the client, spread over the first ${sendSpreadMs / 1000} s.`,
      "Then the network returns: the proxy admits connections again and the platform reports it online (`connection.setOnline(true)`, what the browser's `online` event does), so the client connects at once instead of finishing its backoff wait. Timed from there to the session being live (`hello`, `welcome`, the replay, `replayed`) and to the last missed message at `onMessage`; each message is checked to arrive once, in order.",
      `The baseline, in the same run: a fresh raw ws connection through the same proxy, whose server sends ${missed.toLocaleString('en-US')} messages of the same size as soon as it opens, timed from \`new WebSocket()\` to the last message (a connect and as many live messages); ${baselineRuns} runs before the replay and ${baselineRuns} after, median. The outage is run once: it takes ${outageMs / 1000} s.`,
    ],
    tables: [
      {
        title: `Replay of ${missed.toLocaleString('en-US')} missed messages after a ${outageMs / 1000} s outage`,
        columns: ['measure', 'time', 'vs raw ws baseline', 'note'],
        rows: [
          [
            'network back to session live (replay done)',
            ms(replay.toConnected),
            ratio(replay.toConnected / baseline),
            `${replay.attemptsDuringOutage} attempts refused during the outage`,
          ],
          [
            'network back to the last missed message at onMessage',
            ms(replay.toCaughtUp),
            ratio(replay.toCaughtUp / baseline),
            `${replay.delivered.toLocaleString('en-US')} delivered, ${replay.duplicated} duplicated, ${replay.outOfOrder} out of order, ${replay.resets} resets`,
          ],
          [
            `session, live: ${missed.toLocaleString('en-US')} sends on an open socket to the last at onMessage`,
            ms(replay.live),
            ratio(replay.live / baseline),
            'the same client before the outage',
          ],
          [
            `baseline: raw ws, connect + ${missed.toLocaleString('en-US')} live messages`,
            ms(baseline),
            '1.00x',
            `median of ${baselines.length}: ${baselines.map((b) => b.toFixed(0)).join(', ')} ms`,
          ],
        ],
      },
    ],
    goals,
    charts: [],
    durationMs: now() - started,
  };
}
