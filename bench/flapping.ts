import {
  type Jitter,
  jitterStrategies,
  nextDelay,
  resolveBackoffOptions,
} from '../src/core/backoff.js';
import type { BenchClient, Peer } from './peers/index.js';
import * as peers from './peers/index.js';
import { seededRandom } from './support/rng.js';
import { BenchServer } from './support/server.js';
import { count, median } from './support/stats.js';
import { now, sleep } from './support/time.js';
import type { BenchResult, Goal } from './support/types.js';

const window = 20_000;
const clientsPerLibrary = 10;
const goalAttempts = 6;
const trials = 100_000;

const variants: Peer[] = [
  peers.ws,
  peers.lifeline,
  peers.reconnectingWebSocket,
  peers.partysocket,
  peers.socketIo,
];

/**
 * How often lifeline's default schedule fits more than `goalAttempts`
 * attempts in the window against a server that accepts and closes at once:
 * attempt 0 at 0, attempt k after the k delays drawn by the real
 * `nextDelay` (no attempt is proven, so the count never resets).
 */
function overshootProbability(jitter?: Jitter): { p: number; meanAttempts: number; max: number } {
  const options = resolveBackoffOptions(
    jitter === undefined ? { random: seededRandom(2024) } : { jitter, random: seededRandom(2024) },
  );
  let most = 0;
  let over = 0;
  let sum = 0;
  for (let trial = 0; trial < trials; trial += 1) {
    let at = 0;
    let attempts = 1;
    let previous = 0;
    for (let attempt = 1; ; attempt += 1) {
      previous = Math.round(nextDelay(attempt, previous, options));
      at += previous;
      if (at > window) break;
      attempts += 1;
    }
    sum += attempts;
    if (attempts > most) most = attempts;
    if (attempts > goalAttempts) over += 1;
  }
  return { p: over / trials, meanAttempts: sum / trials, max: most };
}

export async function runFlapping(): Promise<BenchResult> {
  const started = now();
  const lanes: { peer: Peer; server: BenchServer; clients: BenchClient[] }[] = [];
  for (const peer of variants) {
    const server = await BenchServer.start(peer.server);
    server.flap = true;
    lanes.push({ peer, server, clients: [] });
  }
  const begin = now();
  for (const lane of lanes) {
    for (let i = 0; i < clientsPerLibrary; i += 1)
      lane.clients.push(lane.peer.connect(lane.server.url));
  }
  await sleep(window);
  const rows: (string | number)[][] = [];
  const chartValues: Record<string, unknown>[] = [];
  const perLibrary = new Map<string, number[]>();
  for (const lane of lanes) {
    const perClient = lane.clients.map((client) =>
      client.attemptTimes.map((t) => t - begin).filter((t) => t <= window),
    );
    for (const client of lane.clients) client.close();
    await lane.server.close();
    const counts = perClient.map((times) => times.length);
    perLibrary.set(lane.peer.id, counts);
    const typical =
      perClient.slice().sort((a, b) => a.length - b.length)[Math.floor(perClient.length / 2)] ?? [];
    const gaps = typical.slice(1).map((t, i) => ((t - (typical[i] as number)) / 1000).toFixed(1));
    rows.push([
      lane.peer.label,
      median(counts),
      `${Math.min(...counts)} - ${Math.max(...counts)}`,
      gaps.join(', ') || '-',
    ]);
    perClient.forEach((times, client) => {
      for (const t of times)
        chartValues.push({ library: lane.peer.label, client, seconds: t / 1000 });
    });
  }
  const lifeline = perLibrary.get('lifeline') as number[];
  const { p, meanAttempts } = overshootProbability();
  const byStrategy = jitterStrategies.map((jitter) => ({
    jitter,
    ...overshootProbability(jitter),
  }));
  const goals: Goal[] = [
    {
      benchmark: 'flapping',
      goal: `lifeline's attempts follow the growing backoff: at most ${goalAttempts} in ${window / 1000} s with defaults (every client: ${clientsPerLibrary} real ones here, ${count(trials)} simulated with the real nextDelay)`,
      measured: `real: median ${median(lifeline)}, max ${Math.max(...lifeline)}; simulated: mean ${meanAttempts.toFixed(2)}, ${(p * 100).toFixed(1)} % of clients make more than ${goalAttempts}`,
      met: Math.max(...lifeline) <= goalAttempts && p === 0,
    },
  ];
  return {
    name: 'flapping',
    title: 'Flapping server',
    method: [
      `Each library runs ${clientsPerLibrary} clients against its own server that completes every handshake and closes at once (ws: close frame 1011; socket.io: the engine closes the session), for ${window / 1000} s. All libraries at the same time.`,
      'Attempts are counted by the clients (a WebSocket constructed; a socket.io handshake started), the first connection included. Gaps are those of the client with the median count.',
      `lifeline's count is random (equal jitter); ${count(trials)} simulated runs of its default schedule with the real nextDelay give the odds of more than ${goalAttempts} attempts in ${window / 1000} s.`,
    ],
    tables: [
      {
        title: `Flapping server: attempts in ${window / 1000} s per client`,
        columns: ['library', 'attempts (median)', 'range', 'gaps of the median client (s)'],
        rows,
        notes: [
          `lifeline default (equal jitter), simulated: ${meanAttempts.toFixed(2)} attempts on average in ${window / 1000} s; ${(p * 100).toFixed(2)} % of clients make more than ${goalAttempts}.`,
          `Each jitter strategy, simulated (mean / max / share above ${goalAttempts}): ${byStrategy
            .map(
              (s) =>
                `${s.jitter} ${s.meanAttempts.toFixed(2)} / ${s.max} / ${(s.p * 100).toFixed(2)} %`,
            )
            .join('; ')}.`,
        ],
      },
    ],
    goals,
    charts: [
      {
        file: 'flapping.svg',
        title: `Attempts against a server that accepts and closes at once (${clientsPerLibrary} clients per library)`,
        spec: {
          width: 560,
          height: 260,
          data: { values: chartValues },
          mark: { type: 'tick', thickness: 2 },
          encoding: {
            x: {
              field: 'seconds',
              type: 'quantitative',
              title: 's',
              scale: { domain: [0, window / 1000] },
            },
            y: { field: 'library', type: 'nominal', title: null, sort: null },
            yOffset: { field: 'client', type: 'ordinal' },
            color: { field: 'library', type: 'nominal', legend: null },
          },
        },
      },
    ],
    durationMs: now() - started,
  };
}
