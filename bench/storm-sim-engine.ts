import { fromCallback, SimulatedClock } from 'xstate';
import {
  defaultBackoffOptions,
  type Jitter,
  nextDelay,
  resolveBackoffOptions,
} from '../src/core/backoff.js';
import { createConnectionActor } from '../src/core/connection-actor.js';
import {
  type ConnectionEvent,
  connectionMachine,
  retryAfterSpread,
  type TransportInput,
} from '../src/core/machine.js';
import {
  parseRetryAfter,
  parseRetryAfterMs,
  retryAfterPrecision,
} from '../src/core/retry-after.js';
import { maxTimerDelay } from '../src/core/validate.js';
import { createUpgradePacer } from '../src/server/upgrade-pacer.js';
import { seededRandom } from './support/rng.js';

/**
 * A reconnection policy in virtual time. `first` gives the time of a
 * client's first attempt after the drop at t = 0; `next` the time of its
 * next attempt after a failed one (the failure seen at `failedAt`, with the
 * server's Retry-After in ms when the policy listens to it).
 */
export interface PolicyRun {
  first(client: number): number;
  next(
    client: number,
    startedAt: number,
    failedAt: number,
    retryAfter: number | undefined,
    /** The spread for `retryAfter` (a precise Retry-After-Ms), when not the whole-second default. */
    precision?: number,
  ): number;
}

export interface Policy {
  id: string;
  label: string;
  /** How the schedule is defined, for the page. */
  schedule: string;
  /** Whether the server tells refused clients when to return (the pacer's Retry-After). */
  hint: boolean;
  /** Whether this is a lifeline policy (for goals and colours). */
  lifeline: boolean;
  create(n: number, random: () => number): PolicyRun;
}

/**
 * lifeline's client, step for step as src/core/machine.ts does it: on entering
 * `disconnected.waiting`, `scheduleRetry` takes `nextDelay(attempt + 1,
 * retryDelay)`, or, when the server sent a schedule (HTTP 503 `Retry-After`),
 * `retryAfter + random() * retryAfterSpread` instead (the schedule alone when
 * jitter is 'none'; with `Retry-After-Ms`, `random() * retryAfterPrecision`);
 * rounded to whole ms. The attempt count goes up by one on
 * entering `reconnecting`.
 */
export function lifelineRun(
  n: number,
  random: () => number,
  jitter: Jitter | undefined,
  spread = retryAfterSpread,
): PolicyRun {
  const options = resolveBackoffOptions(jitter === undefined ? { random } : { jitter, random });
  const attempt = new Int32Array(n);
  const retryDelay = new Float64Array(n);
  const schedule = (client: number, retryAfter: number | null, precision = spread): number => {
    // The machine draws the spread when it records the close, before the backoff's draw.
    const spreadDrawn =
      retryAfter === null || options.jitter === 'none' ? 0 : options.random() * precision;
    const backoffDelay = nextDelay(
      (attempt[client] as number) + 1,
      retryDelay[client] as number,
      options,
    );
    const scheduled = retryAfter === null ? backoffDelay : retryAfter + spreadDrawn;
    const delay = Math.round(Math.min(maxTimerDelay, scheduled));
    retryDelay[client] = delay;
    attempt[client] = (attempt[client] as number) + 1;
    return delay;
  };
  return {
    first: (client) => schedule(client, null),
    next: (client, _startedAt, failedAt, retryAfter, precision) =>
      failedAt + schedule(client, retryAfter ?? null, precision),
  };
}

function lifeline(id: string, label: string, jitter: Jitter | undefined, hint = false): Policy {
  const shown = jitter ?? 'equal';
  return {
    id,
    label,
    schedule: `src/core/backoff.ts nextDelay, jitter '${shown}' (1 s x2, cap 60 s)${
      hint ? "; returns at the slot of the pacer's Retry-After-Ms + up to 100 ms spread" : ''
    }`,
    hint,
    lifeline: true,
    create: (n, random) => lifelineRun(n, random, jitter),
  };
}

/** socket.io-client 4.8 Manager: backo2 with min 1000, max 5000, jitter 0.5, factor 2; reset on close. */
const socketIo: Policy = {
  id: 'socket.io',
  label: 'socket.io-client default',
  schedule: '1 s x2, cap 5 s, randomisation 0.5 (backo2, as in socket.io-client 4.8)',
  hint: false,
  lifeline: false,
  create(n, random) {
    const attempts = new Int32Array(n);
    const duration = (client: number): number => {
      let ms = 1000 * 2 ** (attempts[client] as number);
      attempts[client] = (attempts[client] as number) + 1;
      const rand = random();
      const deviation = Math.floor(rand * 0.5 * ms);
      ms = (Math.floor(rand * 10) & 1) === 0 ? ms - deviation : ms + deviation;
      return Math.min(ms, 5000) | 0;
    };
    return {
      first: (client) => duration(client),
      next: (client, _startedAt, failedAt) => failedAt + duration(client),
    };
  },
};

/** reconnecting-websocket 4.4's first delay: 1000 + random x 4000 ms, drawn once per client. */
export const rwsFirstDelay = { min: 1000, spread: 4000 } as const;

/** reconnecting-websocket 4.4: min delay 1000 + random * 4000 (drawn per client), x1.3, cap 10 s. */
function rwsLike(
  id: string,
  label: string,
  schedule: string,
  min: (random: () => number) => number,
): Policy {
  return {
    id,
    label,
    schedule,
    hint: false,
    lifeline: false,
    create(n, random) {
      const minDelay = new Float64Array(n);
      const retryCount = new Int32Array(n);
      for (let i = 0; i < n; i += 1) minDelay[i] = min(random);
      const delay = (client: number): number => {
        retryCount[client] = (retryCount[client] as number) + 1;
        const raw = (minDelay[client] as number) * 1.3 ** ((retryCount[client] as number) - 1);
        return Math.min(raw, 10_000);
      };
      return {
        first: (client) => delay(client),
        next: (client, _startedAt, failedAt) => failedAt + delay(client),
      };
    },
  };
}

const rws = rwsLike(
  'reconnecting-websocket',
  'reconnecting-websocket default',
  `${rwsFirstDelay.min / 1000}-${(rwsFirstDelay.min + rwsFirstDelay.spread) / 1000} s start (${rwsFirstDelay.min} + random x ${rwsFirstDelay.spread}, per client), x1.3, cap 10 s, no jitter after that`,
  (random) => rwsFirstDelay.min + random() * rwsFirstDelay.spread,
);

const partysocket = rwsLike(
  'partysocket',
  'partysocket default',
  '3 s start, x1.3, cap 10 s, no jitter',
  () => 3000,
);

const phoenixSteps = [10, 50, 100, 150, 200, 250, 500, 1000, 2000];

/** phoenix.js Socket: reconnectAfterMs = [10, 50, 100, 150, 200, 250, 500, 1000, 2000][tries - 1] || 5000. */
const phoenix: Policy = {
  id: 'phoenix',
  label: 'Phoenix default',
  schedule: '10, 50, 100, 150, 200, 250, 500, 1000, 2000 ms, then 5 s; no jitter',
  hint: false,
  lifeline: false,
  create(n) {
    const tries = new Int32Array(n);
    const delay = (client: number): number => {
      tries[client] = (tries[client] as number) + 1;
      return phoenixSteps[(tries[client] as number) - 1] ?? 5000;
    };
    return {
      first: (client) => delay(client),
      next: (client, _startedAt, failedAt) => failedAt + delay(client),
    };
  },
};

/**
 * gRPC connection backoff (doc/connection-backoff.md): the first attempt at
 * once, then each attempt starts at max(deadline, failure) where the deadline
 * is the previous start + backoff; backoff 1 s, x1.6, +-20 % jitter, cap 120 s.
 */
const grpc: Policy = {
  id: 'grpc',
  label: 'gRPC default',
  schedule:
    'at once, then 1 s x1.6 +-20 %, cap 120 s, timed from the start of the previous attempt',
  hint: false,
  lifeline: false,
  create(n, random) {
    const backoff = new Float64Array(n).fill(1000);
    const deadline = new Float64Array(n).fill(1000);
    return {
      first: () => 0,
      next: (client, _startedAt, failedAt) => {
        const start = Math.max(deadline[client] as number, failedAt);
        const grown = Math.min((backoff[client] as number) * 1.6, 120_000);
        backoff[client] = grown;
        deadline[client] = start + grown + (random() * 2 - 1) * 0.2 * grown;
        return start;
      },
    };
  },
};

/** Every policy of the simulated storm, lifeline's first. */
export const policies: Policy[] = [
  lifeline('lifeline', 'lifeline default (equal jitter)', undefined),
  lifeline('lifeline-equal', "lifeline jitter 'equal'", 'equal'),
  lifeline('lifeline-full', "lifeline jitter 'full'", 'full'),
  lifeline('lifeline-decorrelated', "lifeline jitter 'decorrelated'", 'decorrelated'),
  lifeline('lifeline-none', "lifeline jitter 'none' (plain exponential backoff)", 'none'),
  lifeline('lifeline-hint', 'lifeline default + server pacing hint', undefined, true),
  socketIo,
  rws,
  partysocket,
  phoenix,
  grpc,
];

export interface SimParams {
  n: number;
  /** When the server starts admitting (ms); Infinity: it stays down. */
  backAt: number;
  /** Admissions per second and burst of the token bucket. */
  rate: number;
  burst: number;
  /** One-way latency, uniform in [min, max] ms. */
  latency: readonly [number, number];
  /** Stop at this time (ms) even if not everyone is connected. */
  horizon: number;
  seed: number;
  /** Overrides the pacer (what-if experiments); default: src/server/upgrade-pacer.ts. */
  pacer?: (now: () => number) => {
    admit(): { admitted: boolean; retryAfter?: number; retryAfterMs?: number };
  };
}

export interface SimOutcome {
  policy: string;
  n: number;
  connected: number;
  /** Connection times (ms after the drop), sorted. */
  connectedAt: Float64Array;
  allConnectedAt: number;
  p50: number;
  p99: number;
  attempts: number;
  /** Attempts reaching the server per ms, by arrival time. */
  arrivals: Int32Array;
  /** Time simulated until the last event, ms. */
  simulatedMs: number;
  runMs: number;
}

/** A binary min-heap of (time, client) in typed arrays. */
class EventHeap {
  readonly #times: Float64Array;
  readonly #clients: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.#times = new Float64Array(capacity);
    this.#clients = new Int32Array(capacity);
  }

  push(time: number, client: number): void {
    const times = this.#times;
    const clients = this.#clients;
    let i = this.size;
    this.size += 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime <= time) break;
      times[i] = parentTime;
      clients[i] = clients[parent] as number;
      i = parent;
    }
    times[i] = time;
    clients[i] = client;
  }

  get topTime(): number {
    return this.#times[0] as number;
  }

  get topClient(): number {
    return this.#clients[0] as number;
  }

  pop(): void {
    const times = this.#times;
    const clients = this.#clients;
    this.size -= 1;
    const size = this.size;
    if (size === 0) return;
    const time = times[size] as number;
    const client = clients[size] as number;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child =
        right < size && (times[right] as number) < (times[left] as number) ? right : left;
      if ((times[child] as number) >= time) break;
      times[i] = times[child] as number;
      clients[i] = clients[child] as number;
      i = child;
    }
    times[i] = time;
    clients[i] = client;
  }
}

/**
 * Runs one storm: N clients drop at t = 0; each attempt reaches the server
 * after one latency draw, is admitted or refused there (refused at once while
 * the server is down, then by the token bucket), and the answer comes back
 * after another. Connected when an admission's answer arrives.
 */
export function simulate(policy: Policy, params: SimParams): SimOutcome {
  const started = performance.now();
  const { n, backAt, latency, horizon } = params;
  const random = seededRandom(params.seed);
  const network = seededRandom(params.seed ^ 0x6e6574);
  const [latencyMin, latencyMax] = latency;
  const latencySpan = latencyMax - latencyMin;
  const run = policy.create(n, random);
  let simNow = backAt;
  const clock = () => simNow;
  const pacer =
    params.pacer?.(clock) ??
    createUpgradePacer({ rate: params.rate, burst: params.burst, now: clock });
  const startedAt = new Float64Array(n);
  const connectedAt = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let arrivals = new Int32Array(Math.min(Math.max(1, horizon), 600_000) + 1);
  const heap = new EventHeap(n);
  for (let client = 0; client < n; client += 1) {
    const start = run.first(client);
    startedAt[client] = start;
    heap.push(start + latencyMin + network() * latencySpan, client);
  }
  let attempts = 0;
  let connected = 0;
  let last = 0;
  while (heap.size > 0) {
    const at = heap.topTime;
    if (at > horizon) break;
    const client = heap.topClient;
    heap.pop();
    last = at;
    attempts += 1;
    const bin = Math.floor(at);
    if (bin >= arrivals.length) {
      const grown = new Int32Array(Math.max(arrivals.length * 2, bin + 1));
      grown.set(arrivals);
      arrivals = grown;
    }
    arrivals[bin] = (arrivals[bin] as number) + 1;
    const answeredAt = at + latencyMin + network() * latencySpan;
    let retryAfter: number | undefined;
    let precision: number | undefined;
    if (at >= backAt) {
      simNow = at;
      const admission = pacer.admit();
      if (admission.admitted) {
        connectedAt[client] = answeredAt;
        connected += 1;
        continue;
      }
      // What the client reads: the headers the pacer's verifyClient writes, parsed as src/client/socket-faults.ts does.
      if (policy.hint && admission.retryAfterMs !== undefined) {
        retryAfter = parseRetryAfterMs(String(admission.retryAfterMs));
        precision = retryAfterPrecision;
      } else if (policy.hint && admission.retryAfter !== undefined) {
        retryAfter = parseRetryAfter(String(admission.retryAfter));
      }
    }
    const next = run.next(client, startedAt[client] as number, answeredAt, retryAfter, precision);
    startedAt[client] = next;
    heap.push(next + latencyMin + network() * latencySpan, client);
  }
  connectedAt.sort();
  const finite = connected === n;
  return {
    policy: policy.id,
    n,
    connected,
    connectedAt,
    allConnectedAt: finite ? (connectedAt[n - 1] as number) : Number.POSITIVE_INFINITY,
    p50: connectedAt[Math.ceil(0.5 * n) - 1] as number,
    p99: connectedAt[Math.ceil(0.99 * n) - 1] as number,
    attempts,
    arrivals: arrivals.subarray(0, Math.floor(last) + 1),
    simulatedMs: last,
    runMs: performance.now() - started,
  };
}

/**
 * Checks the mirror in `lifelineRun` against the real machine: the same
 * seeded random, the same drops (with and without a Retry-After), and the
 * delays the machine schedules must be equal, step for step.
 */
export function checkMirror(steps = 300, jitter?: Jitter): { steps: number; mismatches: number } {
  const hints = seededRandom(99);
  const hintFor = () => {
    const r = hints();
    return r < 0.3 ? undefined : Math.floor(r * 10) * 1000;
  };
  // Every third schedule is precise (Retry-After-Ms), spread by retryAfterPrecision.
  const precisionAt = (i: number) => (i % 3 === 0 ? retryAfterPrecision : undefined);
  const clock = new SimulatedClock();
  const backoff =
    jitter === undefined ? { random: seededRandom(7) } : { jitter, random: seededRandom(7) };
  const logic = connectionMachine.provide({
    actors: { transport: fromCallback<ConnectionEvent, TransportInput>(() => undefined) },
  });
  const actor = createConnectionActor(
    { backoff, clock, connectTimeout: maxTimerDelay },
    { logic },
  ).start();
  actor.send({ type: 'START' });
  const mirror = lifelineRun(1, seededRandom(7), jitter);
  let mismatches = 0;
  const drops: (number | undefined)[] = [];
  for (let i = 0; i < steps; i += 1) drops.push(hintFor());
  for (const [i, retryAfter] of drops.entries()) {
    const precision = retryAfter === undefined ? undefined : precisionAt(i);
    actor.send({
      type: 'DROP',
      code: 1006,
      reason: 'HTTP 503',
      status: 503,
      ...(retryAfter === undefined ? {} : { retryAfter }),
      ...(precision === undefined ? {} : { retryAfterPrecision: precision }),
    });
    const real = actor.getSnapshot().context.retryDelay;
    const expected = mirror.next(0, 0, 0, retryAfter, precision);
    if (real !== expected) mismatches += 1;
    clock.increment(real);
  }
  actor.stop();
  return { steps, mismatches };
}

/** The range of lifeline's default delay before `attempt`, from src/core/backoff.ts itself. */
export function defaultDelayRange(attempt: number): [number, number] {
  const at = (r: number) =>
    nextDelay(attempt, defaultBackoffOptions.initialDelay, {
      ...defaultBackoffOptions,
      random: () => r,
    });
  return [at(0), at(1 - Number.EPSILON)];
}

const n1 = (ms: number) => Number((ms / 1000).toFixed(2));
const s1 = (ms: number) => `${n1(ms)} s`;
const range = ([low, high]: [number, number]) => `${n1(low)}-${n1(high)} s`;

/**
 * Why lifeline's first retry wave is the highest peak, in figures taken from
 * the default backoff and the peer's schedule (not written into the prose).
 */
export function firstWaveExplanation(): string {
  const [low, high] = defaultDelayRange(1);
  const { jitter, initialDelay } = defaultBackoffOptions;
  const rwsHigh = rwsFirstDelay.min + rwsFirstDelay.spread;
  return `The peak is the first retry wave: every client that dropped at once retries within its first delay, which is lifeline's default ${s1(initialDelay)} with ${jitter} jitter (${range([low, high])}), so the whole fleet lands within ${s1(high - low)}. reconnecting-websocket's first delay is ${rwsFirstDelay.min} + random x ${rwsFirstDelay.spread} ms, which spreads the same wave over ${s1(rwsFirstDelay.spread)} at the cost of a single client waiting up to ${s1(rwsHigh)} after a blip; lifeline keeps a ${s1(initialDelay)} first retry and leaves fleet-wide pacing to the server (\`lifeline-ws/server\`).`;
}

/** Why the blind storm's tail is long: the default cap and its jitter, from src/core/backoff.ts. */
export function capTailExplanation(): string {
  const { maxDelay, jitter } = defaultBackoffOptions;
  const [low, high] = defaultDelayRange(64);
  return `Every client backs off on its own: once its delay reaches the default ${s1(maxDelay)} cap, ${jitter} jitter waits ${range([low, high])}, so a client refused while the server is busy admitting others may wait that long for its next try. The tail is set by the cap, not by the server. Decorrelated jitter or a lower cap comes closer but sends more attempts to a server that stays down; \`npx tsx bench/what-if.ts\` tries jitter, initial delay and cap together. With the server's pacing hint the tail is gone (next goal).`;
}
