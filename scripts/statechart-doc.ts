import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { resolveConnectionConfig } from '../src/core/machine-config.js';
import { seedMapping } from '../src/core/seed-mapping.js';

/** One row of the transition table: a transition as the machine defines it. */
export interface TransitionRow {
  source: string;
  event: string;
  guard: string;
  targets: string[];
  actions: string[];
}

const afterPrefix = 'xstate.after.';
const donePrefix = 'xstate.done.actor.';
const errorPrefix = 'xstate.error.actor.';

/** Every state node below the root, depth first, in definition order. */
export function stateNodes(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...stateNodes(child)]);
}

/** A state's path without the machine id: `session.connected.syncing`. */
export function statePath(node: AnyStateNode): string {
  return node.path.join('.') || '(root)';
}

/** The event as a reader sees it: `after(reconnectDelay)`, `done(sync)`, `error(transport)`. */
export function eventLabel(transition: AnyTransitionDefinition): string {
  const type = transition.eventType;
  if (type === '') return '(always)';
  if (type.startsWith(afterPrefix)) return `after(${type.slice(afterPrefix.length).split('.')[0]})`;
  if (type.startsWith(donePrefix)) return `done(${type.slice(donePrefix.length)})`;
  if (type.startsWith(errorPrefix)) return `error(${type.slice(errorPrefix.length)})`;
  return type;
}

function guardLabel(transition: AnyTransitionDefinition): string {
  const guard = transition.guard as unknown;
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'inline';
}

function actionLabel(action: unknown): string | undefined {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    // Built-in raise/cancel actions schedule the `after` timers; the timers are shown on their own.
    const type = (action as { type?: string }).type ?? '';
    return type.startsWith('xstate.') ? undefined : 'inline';
  }
  if (typeof action === 'object' && action !== null && 'type' in action) {
    const { type, params } = action as { type: string; params?: unknown };
    return params === undefined ? type : `${type}(${JSON.stringify(params)})`;
  }
  return undefined;
}

function actionLabels(actions: readonly unknown[]): string[] {
  return actions.map(actionLabel).filter((label): label is string => label !== undefined);
}

/** Every transition of the machine, from every state node and the root, `always` included. */
export function transitionRows(machine: AnyStateMachine): TransitionRow[] {
  return [machine.root, ...stateNodes(machine.root)].flatMap((node) =>
    [...[...node.transitions.values()].flat(), ...(node.always ?? [])].map((transition) => ({
      source: statePath(node),
      event: eventLabel(transition),
      guard: guardLabel(transition),
      targets: (transition.target ?? []).map(statePath),
      actions: actionLabels(transition.actions),
    })),
  );
}

function mermaidId(node: AnyStateNode): string {
  return node.key;
}

function edgeLabel(row: TransitionRow): string {
  const guard = row.guard ? ` [${row.guard}]` : '';
  return row.event === '(always)' ? guard.trim() : `${row.event}${guard}`;
}

function renderNode(node: AnyStateNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  if (node.type === 'compound') {
    lines.push(`${indent}state ${mermaidId(node)} {`);
    const initial = node.initial?.target[0];
    if (initial) lines.push(`${indent}  [*] --> ${mermaidId(initial)}`);
    for (const child of Object.values(node.states)) renderNode(child, depth + 1, lines);
    lines.push(`${indent}}`);
  }
  if (node.type === 'final') lines.push(`${indent}${mermaidId(node)} --> [*]`);
}

function byPath(machine: AnyStateMachine): Map<string, AnyStateNode> {
  return new Map(stateNodes(machine.root).map((node) => [statePath(node), node]));
}

/** The machine as a Mermaid `stateDiagram-v2`, every transition an edge. */
export function renderMermaid(machine: AnyStateMachine): string {
  const nodes = byPath(machine);
  const ids = [...nodes.values()].map(mermaidId);
  if (new Set(ids).size !== ids.length)
    throw new Error('state keys must be unique for Mermaid ids');
  const lines = ['stateDiagram-v2', '  direction LR'];
  const initial = machine.root.initial?.target[0];
  if (initial) lines.push(`  [*] --> ${mermaidId(initial)}`);
  for (const child of Object.values(machine.root.states)) renderNode(child, 1, lines);
  const topLevel = Object.values(machine.root.states).filter((node) => node.type !== 'final');
  for (const row of transitionRows(machine)) {
    const sources =
      row.source === '(root)' ? topLevel : [nodes.get(row.source)].filter((node) => node);
    for (const source of sources as AnyStateNode[]) {
      for (const target of row.targets) {
        const targetNode = nodes.get(target);
        if (!targetNode) throw new Error(`unknown target ${target}`);
        lines.push(`  ${mermaidId(source)} --> ${mermaidId(targetNode)}: ${edgeLabel(row)}`);
      }
    }
  }
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function timersOf(node: AnyStateNode): string {
  return node.after.map((after) => String(after.delay)).join(', ');
}

function invokesOf(node: AnyStateNode): string {
  return node.invoke.map((invoke) => String(invoke.src)).join(', ');
}

/**
 * What each named delay of the machine computes. The generator fails when the
 * machine has a delay this table does not explain, so the page cannot drift.
 */
const delayExplanations: Record<string, string> = {
  connectTimeout:
    'The `connectTimeout` option (default 10 s): an attempt that has not opened by then is abandoned.',
  syncTimeout:
    'The `syncTimeout` option (default 10 s): a `sync` that has not settled by then fails the attempt.',
  stableAfter:
    'The `stableAfter` option (default 5 s): a synced connection that lasts this long resets the attempt count. With `stableAfter: 0` the guard `provenWhenLive` leaves `probation` for `stable` in the step that enters `live`, before this timer can run.',
  reconnectDelay:
    "`retryDelay` in context, set by `scheduleRetry` on entering `waiting`: the backoff's `nextDelay(attempt + 1, previous delay)` (the default schedule `min(1000 * 2 ** (attempt - 1), 60000)` ms, with equal jitter). When the server refused the upgrade with a schedule (HTTP 503 `Retry-After`), that schedule replaces the backoff delay, plus a spread of up to 1 s (up to 100 ms for `Retry-After-Ms`). A 1013 close sets a floor instead: the longer of the backoff delay and the floor plus spread.",
};

/** The named delays, each with what it computes. */
function renderDelays(machine: AnyStateMachine): string[] {
  const names = Object.keys(machine.implementations.delays).sort();
  const unexplained = names.filter((name) => !(name in delayExplanations));
  if (unexplained.length > 0) {
    throw new Error(`no explanation for the machine's delays: ${unexplained.join(', ')}`);
  }
  return ['| delay | what it is |', '| --- | --- |'].concat(
    names.map((name) => `| \`${name}\` | ${delayExplanations[name]} |`),
  );
}

/** The whole of docs/statechart.md, generated from the machine. */
export function renderStatechartDoc(machine: AnyStateMachine): string {
  const rows = transitionRows(machine);
  const states = stateNodes(machine.root);
  const out: string[] = [];
  out.push('# The connection statechart');
  out.push('');
  out.push(
    '<!-- Generated by `npm run docs` from src/core/machine.ts. Do not edit: a test fails when this file differs from the generator. -->',
  );
  out.push('');
  out.push(
    `The machine \`${machine.id}\` has ${states.length} states and ${rows.length} transitions. ` +
      'It owns no socket and no timer of its own: the `transport` actor owns the socket and its heartbeat, ' +
      "the `sync` actor runs the application's re-synchronisation, and `createConnection()` supplies both " +
      'with `machine.provide()`. No state has more than one timer pending.',
  );
  out.push('');
  out.push('```mermaid');
  out.push(renderMermaid(machine));
  out.push('```');
  out.push('');
  out.push('`CLOSE` is defined on the root: it leads to `closed` from every state.');
  out.push('');
  out.push('## States');
  out.push('');
  out.push(
    "Each state's tags say what it means outside the chart: `status:` the `state` of the connection's status (`statusOf` reads it with `snapshot.hasTag`), `seed:` the state of the original specification it stands for. A state without a `status:` tag shows its child's.",
  );
  out.push('');
  out.push('| state | description | tags | entry | exit | invokes | timer |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const node of states) {
    const tags = [...node.tags].map((tag) => `\`${tag}\``).join(', ');
    out.push(
      `| \`${statePath(node)}\` | ${cell(node.description ?? '')} | ${tags} | ${actionLabels(node.entry).join(', ')} | ${actionLabels(node.exit).join(', ')} | ${invokesOf(node)} | ${timersOf(node)} |`,
    );
  }
  out.push('');
  out.push('## Transitions');
  out.push('');
  out.push('| source | event | guard | target | actions |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    out.push(
      `| \`${row.source}\` | \`${row.event}\` | ${row.guard} | ${row.targets.map((target) => `\`${target}\``).join(', ')} | ${cell(row.actions.join(', '))} |`,
    );
  }
  out.push('');
  out.push('## Delays');
  out.push('');
  out.push(
    'Each `after(...)` above is a named delay, computed when its state is entered. No state has more than one timer pending.',
  );
  out.push('');
  out.push(...renderDelays(machine));
  out.push('');
  out.push('## Mapping to the original specification');
  out.push('');
  out.push(
    "The original specification of lifeline names four connection states and a table of the transitions allowed between them. Each of its states maps to a state of this machine, the one with its `seed:` tag (a state counts as its closest mapped ancestor); `test/seed.test.ts` checks the specification's transition table on the machine's transition set with this mapping.",
  );
  out.push('');
  out.push('| specification state | machine state |');
  out.push('| --- | --- |');
  for (const [seed, path] of Object.entries(seedMapping)) out.push(`| ${seed} | \`${path}\` |`);
  out.push('');
  out.push(
    "Entering `session.connected` starts in `syncing` in the same step: that is the specification's RECONNECTING -> CONNECTED followed by CONNECTED -> SYNCING. No transition from DISCONNECTED or RECONNECTING targets SYNCING. `test/machine.property.test.ts` checks the same rules at run time: in random walks of events and waits, the specification's state the actor is in only ever changes along one of the six valid pairs.",
  );
  out.push('');
  const { stableAfter } = resolveConnectionConfig();
  out.push(
    `The specification resets the attempt count when it connects. This machine, by default, resets it once the connection has proven itself: live (sync done) for \`stableAfter\` (${stableAfter} ms by default), in \`probation\` -> \`stable\`. A server that accepts and then drops at once therefore sees the backoff grow instead of a reconnect at the first delay every time. \`stableAfter: 0\` is the specification's behaviour: the count resets as soon as the connection is live, in the same step (the \`always\` transition guarded by \`provenWhenLive\`).`,
  );
  out.push('');
  out.push('## Watching a live actor in the Stately inspector');
  out.push('');
  out.push(
    '[`@statelyai/inspect`](https://github.com/statelyai/inspect) shows the running actor on this diagram, with every event and snapshot. Pass its `inspect` function when the actor is created:',
  );
  out.push('');
  out.push('```ts');
  out.push("import { createBrowserInspector } from '@statelyai/inspect';");
  out.push("import { createConnectionActor } from 'lifeline-ws';");
  out.push('');
  out.push('// In a browser: opens the inspector in a new tab.');
  out.push('const { inspect } = createBrowserInspector();');
  out.push('const actor = createConnectionActor({}, { inspect }).start();');
  out.push('```');
  out.push('');
  out.push(
    "In Node, `createWebSocketInspector({ url })` from the same package streams to an inspector listening on a WebSocket; `createConnection()` passes its `inspect` option through to the actor. `startInspector()` from `lifeline-ws/inspect` starts the inspector's local server and returns that `inspect`; `npm run demo -- --inspect` and `lifeline --inspect <url>` use it and print the page to open.",
  );
  out.push('');
  return out.join('\n');
}
