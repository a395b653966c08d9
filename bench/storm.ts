import { createUpgradePacer, type UpgradePacer } from '../src/server/upgrade-pacer.js';
import type { BenchClient, Peer } from './peers/index.js';
import * as peers from './peers/index.js';
import { firstWaveExplanation, policies, simulate } from './storm-sim-engine.js';
import { BenchServer, type Verify } from './support/server.js';
import { count, peakInWindow, quantile, quantileSorted, ratio, seconds } from './support/stats.js';
import { now, sleep, waitFor } from './support/time.js';
import type { BenchResult, Chart, Goal } from './support/types.js';

const clientsPerLibrary = 500;
const downFor = 3000;
const rate = 100;
/** Every library treats a connection as proven after 5 s (lifeline stableAfter, reconnecting-websocket minUptime): wait longer. */
const settleBeforeStorm = 5500;
/** Give up waiting this long after the server returns. */
const recoveryCap = 60_000;
const idealAfterReturn = (clientsPerLibrary / rate) * 1000;
/** One-way latency drawn per attempt in the simulated replay of this storm, in ms (loopback). */
const simulatedLatency = [0.2, 1] as const;

interface Variant {
  id: string;
  label: string;
  peer: Peer;
  /** The server answers refusals with the pacer's Retry-After (`verifyClient: pacer.verifyClient`). */
  hint: boolean;
}

const variants: Variant[] = [
  { id: 'lifeline', label: 'lifeline (blind 503)', peer: peers.lifeline, hint: false },
  {
    id: 'lifeline-pacer',
    label: 'lifeline + lifeline-ws/server pacer',
    peer: peers.lifeline,
    hint: true,
  },
  {
    id: 'reconnecting-websocket',
    label: 'reconnecting-websocket',
    peer: peers.reconnectingWebSocket,
    hint: false,
  },
  { id: 'partysocket', label: 'partysocket', peer: peers.partysocket, hint: false },
  { id: 'socket.io', label: 'socket.io-client', peer: peers.socketIo, hint: false },
];

/** The same token bucket, answering 503 without a hint. */
function blind(pacer: UpgradePacer): Verify {
  return (_info, callback) => {
    if (pacer.admit().admitted) callback(true);
    else callback(false, 503, 'Service Unavailable');
  };
}

interface StormRun {
  variant: Variant;
  reconnected: number;
  /** ms after the server returned, per client (Infinity if not within the cap). */
  afterReturn: number[];
  allAfterReturn: number;
  allAfterClose: number;
  p50AfterReturn: number;
  attempts: number;
  peak100: number;
  serverAttempts: number;
  /** Admissions in any 1 s, as the server saw them. */
  admittedPeak1s: number;
  attemptTimes: number[];
  returnedAt: number;
  /** With the pacer: how many 503s carried each Retry-After value (seconds). */
  retryAfters: [string, number][];
}

async function runOne(variant: Variant): Promise<StormRun> {
  const server = await BenchServer.start(variant.peer.server);
  const clients: BenchClient[] = [];
  for (let i = 0; i < clientsPerLibrary; i += 1) clients.push(variant.peer.connect(server.url));
  const allOpen = await waitFor(() => clients.every((c) => c.isOpen), 30_000, 20);
  if (!allOpen)
    throw new Error(
      `${variant.label}: only ${clients.filter((c) => c.isOpen).length} of ${clientsPerLibrary} connected before the storm`,
    );
  await sleep(settleBeforeStorm);
  const attemptsBefore = clients.map((c) => c.attempts);
  const reconnectedAt = new Array<number>(clientsPerLibrary).fill(Number.POSITIVE_INFINITY);
  let armed = false;
  clients.forEach((client, i) => {
    client.onOpen(() => {
      if (armed && reconnectedAt[i] === Number.POSITIVE_INFINITY) reconnectedAt[i] = now();
    });
  });
  const serverAttemptsBefore = server.attemptTimes.length;
  const closedAt = now();
  armed = true;
  await server.stopListening();
  await sleep(downFor - (now() - closedAt));
  const pacer = createUpgradePacer({ rate });
  const retryAfters = new Map<string, number>();
  server.verify = variant.hint
    ? (info, callback) =>
        pacer.verifyClient(info, (result, code, name, headers) => {
          if (!result) {
            const value = headers?.['Retry-After'] ?? 'none';
            retryAfters.set(value, (retryAfters.get(value) ?? 0) + 1);
          }
          callback(result, code, name, headers);
        })
    : blind(pacer);
  const admittedBefore = server.admittedTimes.length;
  await server.listen();
  const returnedAt = now();
  await waitFor(() => reconnectedAt.every(Number.isFinite), recoveryCap, 20);
  const attemptTimes = clients.flatMap((c, i) => c.attemptTimes.slice(attemptsBefore[i]));
  const afterReturn = reconnectedAt.map((t) => t - returnedAt);
  const reconnected = reconnectedAt.filter(Number.isFinite).length;
  const all =
    reconnected === clientsPerLibrary ? Math.max(...reconnectedAt) : Number.POSITIVE_INFINITY;
  for (const client of clients) client.close();
  await server.close();
  await sleep(200);
  return {
    variant,
    reconnected,
    afterReturn,
    allAfterReturn: all - returnedAt,
    allAfterClose: all - closedAt,
    p50AfterReturn: quantile(afterReturn, 0.5),
    attempts: attemptTimes.length,
    peak100: peakInWindow(attemptTimes, 100),
    serverAttempts: server.attemptTimes.length - serverAttemptsBefore,
    admittedPeak1s: peakInWindow(server.admittedTimes.slice(admittedBefore), 1000),
    attemptTimes: attemptTimes.map((t) => t - closedAt),
    returnedAt: returnedAt - closedAt,
    retryAfters: [...retryAfters].sort((a, b) => Number(a[0]) - Number(b[0])),
  };
}

function charts(runs: StormRun[]): Chart[] {
  const reconnectedValues: Record<string, unknown>[] = [];
  const attemptValues: Record<string, unknown>[] = [];
  for (const run of runs) {
    const sorted = run.afterReturn.filter(Number.isFinite).sort((a, b) => a - b);
    sorted.forEach((t, i) => {
      if (i % 5 === 4 || i === sorted.length - 1) {
        reconnectedValues.push({
          library: run.variant.label,
          seconds: (t + run.returnedAt) / 1000,
          reconnected: i + 1,
        });
      }
    });
    const bins = new Map<number, number>();
    for (const t of run.attemptTimes) {
      const bin = Math.floor(t / 250) * 250;
      bins.set(bin, (bins.get(bin) ?? 0) + 1);
    }
    for (const [bin, n] of [...bins].sort((a, b) => a[0] - b[0])) {
      attemptValues.push({ library: run.variant.label, seconds: bin / 1000, attempts: n });
    }
  }
  return [
    {
      file: 'storm-real-reconnected.svg',
      title: `Real sockets: clients reconnected after the server closed all ${clientsPerLibrary} (back at 3 s, ${rate} upgrades/s)`,
      spec: {
        width: 640,
        height: 300,
        data: { values: reconnectedValues },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 's after the close' },
          y: { field: 'reconnected', type: 'quantitative', title: 'clients reconnected' },
          color: { field: 'library', type: 'nominal' },
        },
      },
    },
    {
      file: 'storm-real-attempts.svg',
      title: 'Real sockets: connection attempts per 250 ms',
      spec: {
        width: 640,
        height: 300,
        data: { values: attemptValues },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 's after the close' },
          y: { field: 'attempts', type: 'quantitative', title: 'attempts per 250 ms' },
          color: { field: 'library', type: 'nominal' },
        },
      },
    },
  ];
}

const simulatedSeeds = 200;

/**
 * The same storm in the simulation (src/core/backoff.ts, the machine's arithmetic
 * and the real pacer; loopback latency), many times: one real run draws one
 * tail, this shows the distribution it was drawn from.
 */
export function simulatedTails(): { rows: (string | number)[][]; runMs: number } {
  const started = now();
  const goals: Record<string, number> = {
    lifeline: 4 * idealAfterReturn,
    'lifeline-hint': 1.2 * idealAfterReturn,
  };
  const rows = ['lifeline', 'lifeline-hint', 'socket.io', 'reconnecting-websocket'].map((id) => {
    const policy = policies.find((p) => p.id === id);
    if (!policy) throw new Error(`no policy ${id}`);
    const tails = new Float64Array(simulatedSeeds);
    for (let seed = 1; seed <= simulatedSeeds; seed += 1) {
      const outcome = simulate(policy, {
        n: clientsPerLibrary,
        backAt: downFor,
        rate,
        burst: rate / 10,
        latency: simulatedLatency,
        horizon: 3_600_000,
        seed,
      });
      tails[seed - 1] = outcome.allConnectedAt - downFor;
    }
    tails.sort();
    const goal = goals[id];
    const within =
      goal === undefined
        ? 'n/a'
        : `${((tails.filter((t) => t <= goal).length / simulatedSeeds) * 100).toFixed(0)} % (goal ${seconds(goal, 0)})`;
    return [
      policy.label,
      seconds(quantileSorted(tails, 0.5)),
      seconds(quantileSorted(tails, 0.9)),
      seconds(tails[simulatedSeeds - 1] as number),
      within,
    ];
  });
  return { rows, runMs: now() - started };
}

export async function runStormReal(): Promise<BenchResult> {
  const started = now();
  const runs: StormRun[] = [];
  for (const variant of variants) {
    const run = await runOne(variant);
    runs.push(run);
    console.error(
      `  storm ${variant.label}: ${run.reconnected}/${clientsPerLibrary} in ${seconds(run.allAfterReturn)} after return, ${run.attempts} attempts, peak ${run.peak100}/100 ms`,
    );
  }
  const byId = (id: string) => runs.find((r) => r.variant.id === id) as StormRun;
  const blindRun = byId('lifeline');
  const pacedRun = byId('lifeline-pacer');
  const peerRuns = runs.filter((r) => !r.variant.id.startsWith('lifeline'));
  const lowestPeerPeak = Math.min(...peerRuns.map((r) => r.peak100));
  const simulated = simulatedTails();
  const rows = runs.map((run) => [
    run.variant.label,
    `${run.reconnected}/${clientsPerLibrary}`,
    seconds(run.allAfterReturn),
    ratio(run.allAfterReturn / idealAfterReturn),
    seconds(run.allAfterClose),
    seconds(run.p50AfterReturn),
    count(run.attempts),
    ratio(run.attempts / blindRun.attempts),
    count(run.peak100),
    count(run.admittedPeak1s),
  ]);
  const goals: Goal[] = [
    {
      benchmark: 'storm',
      goal: `lifeline blind: all reconnected within 4x the ideal (${seconds(4 * idealAfterReturn, 0)} after the server returns)`,
      measured: `${seconds(blindRun.allAfterReturn)} (${ratio(blindRun.allAfterReturn / idealAfterReturn)} the ideal)`,
      met: blindRun.allAfterReturn <= 4 * idealAfterReturn,
    },
    {
      benchmark: 'storm',
      goal: 'lifeline blind: the lowest peak of attempts per 100 ms',
      measured: `${blindRun.peak100} vs lowest peer ${lowestPeerPeak} (${peerRuns.find((r) => r.peak100 === lowestPeerPeak)?.variant.label})`,
      met: blindRun.peak100 < lowestPeerPeak,
      whyMissed: firstWaveExplanation(),
    },
    {
      benchmark: 'storm',
      goal: `lifeline with the server pacing helper: within 1.2x the ideal (${seconds(1.2 * idealAfterReturn, 0)})`,
      measured: `${seconds(pacedRun.allAfterReturn)} (${ratio(pacedRun.allAfterReturn / idealAfterReturn)} the ideal)`,
      met: pacedRun.allAfterReturn <= 1.2 * idealAfterReturn,
    },
  ];
  return {
    name: 'storm',
    title: `Storm, real sockets: ${clientsPerLibrary} clients per library on 127.0.0.1`,
    method: [
      `${clientsPerLibrary} clients of one library connect to a server on 127.0.0.1 and stay up ${settleBeforeStorm / 1000} s (longer than lifeline's stableAfter and reconnecting-websocket's minUptime, so every library counts the connection as proven).`,
      `Then the server drops every TCP connection and stops listening for ${downFor / 1000} s (connections are refused by the kernel), listens again on the same port and admits ${rate} upgrades per second with a token bucket (lifeline-ws/server's createUpgradePacer, rate ${rate}, default burst ${rate / 10}); the rest get HTTP 503 at once. For socket.io the gate is on its handshakes.`,
      "Blind: the 503 carries no Retry-After. With the pacer: the server is `verifyClient: pacer.verifyClient`, whose 503 carries the pacer's Retry-After (whole seconds) and Retry-After-Ms (the slot), which lifeline reads.",
      `Ideal: ${clientsPerLibrary} / ${rate} per s = ${idealAfterReturn / 1000} s after the server returns. Attempts are counted by each client (a WebSocket constructed; a socket.io handshake started), over ${clientsPerLibrary} clients; peak is the most attempts in any 100 ms window (sliding by 1 ms).`,
      'Libraries run one after another, each with a fresh server, in this process.',
    ],
    tables: [
      {
        title: 'Reconnection storm, real sockets',
        columns: [
          'library',
          'reconnected',
          'all, after return',
          `vs ideal ${seconds(idealAfterReturn, 0)}`,
          'all, after close',
          'p50 after return',
          'attempts',
          'attempts vs lifeline blind',
          'peak attempts / 100 ms',
          'peak admissions / 1 s',
        ],
        rows,
      },
      {
        title: `The same storm simulated ${simulatedSeeds} times: when the last client is back, after the server returns`,
        columns: ['policy', 'median', 'p90', 'worst', 'runs within the goal'],
        rows: simulated.rows,
        notes: [
          `One real run draws one tail; these are ${simulatedSeeds} draws of the same scenario in the simulation of benchmark 1 (${clientsPerLibrary} clients, down ${downFor / 1000} s, ${rate}/s with burst ${rate / 10}, loopback latency ${simulatedLatency[0]}-${simulatedLatency[1]} ms), ${(simulated.runMs / 1000).toFixed(1)} s of computing. partysocket is left out: with no jitter at all, the simulation keeps its ${clientsPerLibrary} clients in lockstep, which timers on a real machine do not.`,
        ],
      },
    ],
    goals,
    charts: charts(runs),
    durationMs: now() - started,
    findings: [
      `Retry-After values the pacer sent (seconds: count of 503s): ${
        pacedRun.retryAfters.map(([value, n]) => `${value}: ${n}`).join(', ') || 'none'
      }; each 503 also carried Retry-After-Ms, the slot to the millisecond, which is what lifeline follows.`,
    ],
  };
}
