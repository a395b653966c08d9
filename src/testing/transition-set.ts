import type { AnyStateMachine, AnyTransitionDefinition } from 'xstate';
import { getStateNodes } from 'xstate/graph';

/**
 * A transition's identity: its source state, its event and its position among
 * the candidates for that event (guarded alternatives are separate transitions).
 * The same in every machine made from this one with `provide()`.
 */
export function transitionKey(transition: AnyTransitionDefinition): string {
  const { source, eventType } = transition;
  const candidates =
    eventType === '' ? (source.always ?? []) : (source.transitions.get(eventType) ?? []);
  const index = candidates.indexOf(transition);
  if (index < 0) throw new Error(`transition not found on its source: ${source.id} ${eventType}`);
  return `${source.path.join('.') || '(root)'} | ${eventType || '(always)'} | #${index}`;
}

/** Every transition the machine defines: each `transitions` entry of every node, and every `always`. */
export function transitionSet(machine: AnyStateMachine): Map<string, AnyTransitionDefinition> {
  const nodes = [machine.root, ...getStateNodes(machine.root)];
  const all = nodes.flatMap((node) => [
    ...[...node.transitions.values()].flat(),
    ...(node.always ?? []),
  ]);
  return new Map(all.map((transition) => [transitionKey(transition), transition]));
}
