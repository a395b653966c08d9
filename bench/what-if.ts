/**
 * What-if experiments for the defaults behind missed goals, on the same
 * simulation as the storm benchmark (not part of `npm run bench`):
 *   npx tsx bench/what-if.ts
 * Each variant changes one thing of lifeline's client (jitter, initialDelay,
 * maxDelay, what a Retry-After does, its spread) or of the pacer (rounding),
 * everything else as the real code does it.
 */
import { writeFile } from 'node:fs/promises';
import { type Jitter, nextDelay, resolveBackoffOptions } from '../src/core/backoff.js';
import {
  type Policy,
  type PolicyRun,
  policies,
  type SimParams,
  simulate,
} from './storm-sim-engine.js';
import { median, peakInBins } from './support/stats.js';

interface Variant {
  jitter?: Jitter;
  initialDelay?: number;
  maxDelay?: number;
  /** floor: today's max(backoff, hint + spread); replace: the hint replaces the backoff. */
  hint?: 'floor' | 'replace';
  spread?: number;
}

function describe(v: Variant): string {
  const parts = [
    `jitter ${v.jitter ?? 'full'}`,
    `initial ${(v.initialDelay ?? 1000) / 1000} s`,
    `max ${(v.maxDelay ?? 60_000) / 1000} s`,
  ];
  if (v.hint) parts.push(`hint ${v.hint}`, `spread ${(v.spread ?? 1000) / 1000} s`);
  return parts.join(', ');
}

function variantPolicy(v: Variant, fresh = false): Policy {
  return {
    id: describe(v),
    label: describe(v),
    schedule: '',
    hint: v.hint !== undefined,
    lifeline: true,
    create(n, random): PolicyRun {
      const options = resolveBackoffOptions({
        random,
        ...(v.jitter ? { jitter: v.jitter } : {}),
        ...(v.initialDelay !== undefined ? { initialDelay: v.initialDelay } : {}),
        ...(v.maxDelay !== undefined ? { maxDelay: v.maxDelay } : {}),
      });
      const spread = v.spread ?? 1000;
      const attempt = new Int32Array(n);
      const previous = new Float64Array(n);
      const schedule = (c: number, retryAfter: number | null) => {
        let delay: number;
        if (retryAfter !== null && v.hint === 'replace') {
          delay = retryAfter + (options.jitter === 'none' ? 0 : random() * spread);
        } else {
          const backoffDelay = nextDelay(
            (attempt[c] as number) + 1,
            previous[c] as number,
            options,
          );
          const floor =
            retryAfter === null
              ? 0
              : retryAfter + (options.jitter === 'none' ? 0 : random() * spread);
          delay = Math.max(backoffDelay, floor);
        }
        delay = Math.round(delay);
        previous[c] = delay;
        attempt[c] = (attempt[c] as number) + 1;
        return delay;
      };
      return {
        first: (c) => (fresh ? 0 : schedule(c, null)),
        next: (c, _started, failedAt, retryAfter) =>
          failedAt + schedule(c, retryAfter !== undefined && retryAfter > 0 ? retryAfter : null),
      };
    },
  };
}

/** The pacer with Retry-After rounded up instead of down (whole seconds still). */
function ceilingPacer(rate: number, burst: number) {
  return (now: () => number) => {
    const interval = 1000 / rate;
    let tokens = burst;
    let refilledAt = now();
    let horizon = refilledAt;
    return {
      admit() {
        const at = now();
        tokens = Math.min(burst, tokens + (at - refilledAt) / interval);
        refilledAt = at;
        if (tokens >= 1) {
          tokens -= 1;
          return { admitted: true };
        }
        horizon = Math.max(horizon, at) + interval;
        return { admitted: false, retryAfter: Math.ceil((horizon - at) / 1000) };
      },
    };
  };
}

const storm10k: Omit<SimParams, 'seed'> = {
  n: 10_000,
  backAt: 5000,
  rate: 500,
  burst: 50,
  latency: [5, 100],
  horizon: 3_600_000,
};
const real500: Omit<SimParams, 'seed'> = {
  n: 500,
  backAt: 3000,
  rate: 100,
  burst: 10,
  latency: [0.2, 1],
  horizon: 3_600_000,
};
const fresh500: Omit<SimParams, 'seed'> = { ...real500, backAt: 0 };

function recovery(policy: Policy, params: Omit<SimParams, 'seed'>, seeds: number[]) {
  const runs = seeds.map((seed) => simulate(policy, { ...params, seed }));
  return {
    all: median(runs.map((r) => r.allConnectedAt - params.backAt)),
    worst: Math.max(...runs.map((r) => r.allConnectedAt - params.backAt)),
    peak: median(runs.map((r) => peakInBins(r.arrivals, 100))),
  };
}

function deadRate(policy: Policy): number {
  const r = simulate(policy, {
    ...storm10k,
    backAt: Number.POSITIVE_INFINITY,
    horizon: 600_000,
    seed: 1,
  });
  let sum = 0;
  for (let ms = 300_000; ms < r.arrivals.length; ms += 1) sum += r.arrivals[ms] as number;
  return sum / 300;
}

const lines: string[] = ['# What if: lifeline defaults against the storm goals', ''];
const out = (line = '') => {
  lines.push(line);
  console.log(line);
};
const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'never');

const socketIo = policies.find((p) => p.id === 'socket.io') as Policy;
const socketIoDead = deadRate(socketIo);
const peerPeak = Math.min(
  ...policies.filter((p) => !p.lifeline).map((p) => recovery(p, storm10k, [1]).peak),
);
out(
  `Blind storm, 10,000 clients, server back at 5 s, 500/s. Goals: all connected <= 50 s (from the drop), dead-server rate <= 1/5 of socket.io (${Math.round(socketIoDead)}/s), peak/100 ms < lowest peer (${peerPeak}). Medians of 3 seeds.`,
);
out();
out('| variant | all connected | peak / 100 ms | dead rate vs socket.io | all three blind goals |');
out('| --- | --- | --- | --- | --- |');
for (const jitter of ['full', 'equal', 'decorrelated'] as const) {
  for (const initialDelay of [1000, 2000, 3000]) {
    for (const maxDelay of [30_000, 60_000, 120_000]) {
      const v: Variant = { jitter, initialDelay, maxDelay };
      const policy = variantPolicy(v);
      const r = recovery(policy, storm10k, [1, 2, 3]);
      const all = r.all + storm10k.backAt;
      const dead = deadRate(policy) / socketIoDead;
      const ok = all <= 50_000 && dead <= 0.2 && r.peak < peerPeak;
      out(
        `| ${describe(v)} | ${s(all)} | ${r.peak} | ${dead.toFixed(2)}x | ${ok ? 'yes' : 'no'} |`,
      );
    }
  }
}
out();
out(
  'Pacing hint. 10k: the simulated storm (limit 25 s, goal 27.5 s from the drop). real-500: the real-socket storm replayed (500 clients, down 3 s, 100/s; ideal 5 s after return, goal 6 s). fresh-500: 500 clients start at once against the pacer (the pacer test). Times after the server returns; median / worst of 5 seeds.',
);
out();
out('| variant | pacer | 10k all (from drop) | real-500 after return | fresh-500 |');
out('| --- | --- | --- | --- | --- |');
const hintVariants: Variant[] = [
  { hint: 'floor' },
  { hint: 'floor', spread: 250 },
  { hint: 'replace' },
  { hint: 'replace', spread: 250 },
  { jitter: 'equal', hint: 'floor' },
  { jitter: 'equal', hint: 'replace' },
  { jitter: 'decorrelated', hint: 'replace' },
  { jitter: 'decorrelated', initialDelay: 3000, hint: 'replace' },
  { jitter: 'decorrelated', initialDelay: 3000, maxDelay: 30_000, hint: 'replace' },
  { maxDelay: 30_000, hint: 'replace' },
];
for (const v of hintVariants) {
  for (const rounding of ['floor', 'ceil'] as const) {
    const seeds = [1, 2, 3, 4, 5];
    const pace = (params: Omit<SimParams, 'seed'>) =>
      rounding === 'ceil' ? { ...params, pacer: ceilingPacer(params.rate, params.burst) } : params;
    const big = recovery(variantPolicy(v), pace(storm10k), seeds);
    const real = recovery(variantPolicy(v), pace(real500), seeds);
    const fresh = recovery(variantPolicy(v, true), pace(fresh500), seeds);
    out(
      `| ${describe(v)} | Retry-After ${rounding === 'floor' ? 'rounded down (today)' : 'rounded up'} | ${s(big.all + storm10k.backAt)} / ${s(big.worst + storm10k.backAt)} | ${s(real.all)} / ${s(real.worst)} | ${s(fresh.all)} / ${s(fresh.worst)} |`,
    );
  }
}
await writeFile(new URL('./.scratch/what-if.md', import.meta.url), `${lines.join('\n')}\n`);
