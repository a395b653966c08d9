/**
 * The seed plan's four states and the machine states they stand for
 * (DESIGN.md, "Seed mapping"). A machine state counts as the seed state of
 * its closest mapped ancestor; `connecting`, `idle`, `failed` and `closed`
 * have no seed counterpart.
 */
export { seedMapping } from '../../src/core/seed-mapping.js';

import { type SeedState, seedMapping } from '../../src/core/seed-mapping.js';

export type { SeedState };

/** The seed state a machine state path belongs to, most specific first. */
export function seedStateOf(path: string): SeedState | undefined {
  const entries = Object.entries(seedMapping) as [SeedState, string][];
  const matching = entries.filter(([, mapped]) => path === mapped || path.startsWith(`${mapped}.`));
  matching.sort(([, a], [, b]) => b.length - a.length);
  return matching[0]?.[0];
}

/** The seed's six valid transitions. */
export const validSeedPairs: readonly string[] = [
  'CONNECTED->DISCONNECTED',
  'DISCONNECTED->RECONNECTING',
  'RECONNECTING->CONNECTED',
  'RECONNECTING->DISCONNECTED',
  'CONNECTED->SYNCING',
  'SYNCING->CONNECTED',
];

/** Transitions the seed forbids: sync only ever starts on an open socket. */
export const forbiddenSeedPairs: readonly string[] = [
  'DISCONNECTED->SYNCING',
  'RECONNECTING->SYNCING',
];

/** A node of the machine, as much of it as the projection reads. */
interface StateNodeLike {
  path: readonly string[];
}

/** The seed states active in a configuration, outermost first: `[CONNECTED, SYNCING]`. */
export function seedChainOf(nodes: readonly StateNodeLike[]): SeedState[] {
  const byPath = new Map<string, SeedState>(
    Object.entries(seedMapping).map(([seed, path]) => [path, seed as SeedState]),
  );
  return nodes
    .filter((node) => byPath.has(node.path.join('.')))
    .sort((a, b) => a.path.length - b.path.length)
    .map((node) => byPath.get(node.path.join('.')) as SeedState);
}

/**
 * The seed states one step of the machine passes through, from the
 * configuration before it to the one after: the innermost seed state before,
 * each seed state left innermost first (down to what stays), then each seed
 * state entered outermost first. SYNCING lies inside CONNECTED, so entering
 * `connected` from `reconnecting` passes RECONNECTING, CONNECTED, SYNCING (the
 * seed's RECONNECTING -> CONNECTED, then CONNECTED -> SYNCING), and a failed
 * sync passes SYNCING, CONNECTED, DISCONNECTED. `undefined` stands for "in no
 * seed state" (idle, connecting, failed, closed) before or after the step.
 */
export function seedStatesPassed(
  before: readonly StateNodeLike[],
  after: readonly StateNodeLike[],
): (SeedState | undefined)[] {
  const from = seedChainOf(before);
  const to = seedChainOf(after);
  let kept = 0;
  while (kept < from.length && kept < to.length && from[kept] === to[kept]) kept += 1;
  const passed: (SeedState | undefined)[] = [from.at(-1)];
  // Leaving from[depth] puts the actor in from[depth - 1], if there is one.
  for (let depth = from.length - 1; depth >= Math.max(kept, 1); depth -= 1) {
    passed.push(from[depth - 1]);
  }
  passed.push(...to.slice(kept));
  if (to.length === 0) passed.push(undefined);
  return passed;
}

/** The changes of seed state in a sequence, `A->B`, leaving out steps into or out of no seed state. */
export function seedPairsOf(states: readonly (SeedState | undefined)[]): string[] {
  const pairs: string[] = [];
  for (let i = 1; i < states.length; i += 1) {
    const [from, to] = [states[i - 1], states[i]];
    if (from && to && from !== to) pairs.push(`${from}->${to}`);
  }
  return pairs;
}
