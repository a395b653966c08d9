import type { AnyStateNode } from 'xstate';
import type { StatusState } from '../../src/client/status.js';
import { connectionMachine } from '../../src/core/machine.js';
import { statusTags } from '../../src/core/status-tags.js';
import { transitionSet } from '../support/transition-set.js';

/** The status a person sees while the machine is in the atomic state `node`: its `status:` tag. */
function statusOfNode(node: AnyStateNode): StatusState {
  const states = Object.keys(statusTags) as StatusState[];
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    const shown = states.find((state) => current?.tags.includes(statusTags[state]));
    if (shown) return shown;
  }
  throw new Error(`${node.id} has no status tag`);
}

function isAtomic(node: AnyStateNode): boolean {
  return node.type === 'atomic' || node.type === 'final';
}

/** The atomic state entered when `node` is entered: its initial child, all the way down. */
function enteredLeaf(node: AnyStateNode): AnyStateNode {
  let current = node;
  while (!isAtomic(current)) {
    const next = current.initial.target[0];
    if (!next) throw new Error(`${current.id} has no initial state`);
    current = next;
  }
  return current;
}

function ancestorsAndSelf(node: AnyStateNode): AnyStateNode[] {
  const chain: AnyStateNode[] = [];
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) {
    chain.push(current);
  }
  return chain;
}

/**
 * Where a macrostep that enters `leaf` can end: the leaf itself, or wherever
 * its eventless (`always`) transitions lead, as far as they go. A status
 * listener sees only the end of a macrostep.
 */
function settledLeaves(leaf: AnyStateNode, seen = new Set<AnyStateNode>()): Set<AnyStateNode> {
  if (seen.has(leaf)) return seen;
  seen.add(leaf);
  for (const node of ancestorsAndSelf(leaf)) {
    for (const always of node.always ?? []) {
      for (const target of always.target ?? []) settledLeaves(enteredLeaf(target), seen);
    }
  }
  return seen;
}

/**
 * Every change of `status.state` one step of the connection machine can make,
 * derived from the machine's transition set (test/support/transition-set.ts)
 * and src/client/status.ts's mapping: for each atomic state, each transition of it or
 * an ancestor, the atomic state it enters and any eventless transition after
 * that. Pairs are `from -> to`; a status staying the same is not a move.
 */
export function allowedStatusMoves(): Set<string> {
  const transitions = [...transitionSet(connectionMachine).values()];
  const leaves = [
    connectionMachine.root,
    ...Object.values(connectionMachine.root.states).flatMap(function all(
      node: AnyStateNode,
    ): AnyStateNode[] {
      return [node, ...Object.values(node.states).flatMap(all)];
    }),
  ].filter(isAtomic);
  const moves = new Set<string>();
  for (const leaf of leaves) {
    const from = statusOfNode(leaf);
    const sources = new Set(ancestorsAndSelf(leaf));
    for (const transition of transitions) {
      if (!sources.has(transition.source)) continue;
      for (const target of transition.target ?? []) {
        for (const end of settledLeaves(enteredLeaf(target))) {
          const to = statusOfNode(end);
          if (to !== from) moves.add(`${from} -> ${to}`);
        }
      }
    }
  }
  return moves;
}

/** A status timeline: each entry is a change of `state`, with the time it was seen. */
export type Timeline = { state: StatusState; at: number }[];

/** The steps of `timeline` that the machine cannot make, as `from -> to` strings. */
export function forbiddenSteps(timeline: Timeline, allowed: Set<string>): string[] {
  const bad: string[] = [];
  for (let i = 1; i < timeline.length; i += 1) {
    const step = `${timeline[i - 1]?.state} -> ${timeline[i]?.state}`;
    if (!allowed.has(step)) bad.push(step);
  }
  return bad;
}
