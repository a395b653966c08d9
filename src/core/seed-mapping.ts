import type { StateNode } from 'xstate';
import { connectionMachine } from './machine.js';

/** The four states of the original specification. */
export type SeedState = 'CONNECTED' | 'SYNCING' | 'RECONNECTING' | 'DISCONNECTED';

const seedTag = /^seed:(CONNECTED|SYNCING|RECONNECTING|DISCONNECTED)$/;

function mappedNodes(node: StateNode, into: Partial<Record<SeedState, string>>) {
  for (const tag of node.tags) {
    const match = seedTag.exec(tag);
    if (match) into[match[1] as SeedState] = node.path.join('.');
  }
  for (const child of Object.values(node.states)) mappedNodes(child, into);
  return into;
}

/**
 * The machine state each seed state stands for, read from the `seed:` tags
 * of the chart (`seed:CONNECTED` on `session.connected` ...): a machine
 * state counts as the seed state of its closest tagged ancestor.
 */
export const seedMapping = Object.freeze(
  mappedNodes(connectionMachine.root as StateNode, {}),
) as Readonly<Record<SeedState, string>>;
