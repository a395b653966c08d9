import type { AnyTransitionDefinition } from 'xstate';
import { eventLabel } from '../../scripts/statechart-doc.js';

/** One transition as a reader of DESIGN.md would state it. */
export interface ExpectedTransition {
  /** The state path that declares it; `(root)` for the machine itself. */
  source: string;
  /** The event: a type, `after(delay)`, `done(actor)`, `error(actor)` or `(always)`. */
  event: string;
  /** The guard's name, or null for none. */
  guard: string | null;
  target: string;
}

/**
 * The transitions the connection machine must have, written by hand from
 * DESIGN.md ("The statechart") and the issues that changed it, not read from
 * the machine. The model-based test checks that the machine has exactly
 * these and that its paths take each one: deleting, adding or retargeting a
 * transition in src/core/machine.ts fails it until this table is changed too.
 */
export const expectedTransitions: readonly ExpectedTransition[] = [
  { source: '(root)', event: 'CLOSE', guard: null, target: 'closed' },
  { source: 'idle', event: 'START', guard: null, target: 'session.connecting' },
  { source: 'session', event: 'OFFLINE', guard: null, target: 'disconnected.offline' },
  { source: 'session', event: 'error(transport)', guard: null, target: 'disconnected' },

  { source: 'session.connecting', event: 'OPEN', guard: null, target: 'session.connected' },
  { source: 'session.connecting', event: 'DROP', guard: 'isFatalClose', target: 'failed' },
  { source: 'session.connecting', event: 'DROP', guard: null, target: 'disconnected' },
  {
    source: 'session.connecting',
    event: 'after(connectTimeout)',
    guard: null,
    target: 'disconnected',
  },

  { source: 'session.reconnecting', event: 'OPEN', guard: null, target: 'session.connected' },
  { source: 'session.reconnecting', event: 'DROP', guard: 'isFatalClose', target: 'failed' },
  { source: 'session.reconnecting', event: 'DROP', guard: null, target: 'disconnected' },
  {
    source: 'session.reconnecting',
    event: 'after(connectTimeout)',
    guard: null,
    target: 'disconnected',
  },

  {
    source: 'session.connected',
    event: 'DROP',
    guard: 'wokeToDeadSocket',
    target: 'disconnected.woke',
  },
  { source: 'session.connected', event: 'DROP', guard: 'isFatalClose', target: 'failed' },
  { source: 'session.connected', event: 'DROP', guard: null, target: 'disconnected' },
  {
    source: 'session.connected.syncing',
    event: 'done(sync)',
    guard: null,
    target: 'session.connected.live',
  },
  {
    source: 'session.connected.syncing',
    event: 'error(sync)',
    guard: null,
    target: 'disconnected',
  },
  {
    source: 'session.connected.syncing',
    event: 'after(syncTimeout)',
    guard: null,
    target: 'disconnected',
  },
  {
    source: 'session.connected.live',
    event: 'RESYNC',
    guard: null,
    target: 'session.connected.syncing',
  },
  {
    source: 'session.connected.live.probation',
    event: 'after(stableAfter)',
    guard: null,
    target: 'session.connected.live.stable',
  },
  {
    source: 'session.connected.live.probation',
    event: '(always)',
    guard: 'provenWhenLive',
    target: 'session.connected.live.stable',
  },

  { source: 'disconnected', event: 'RETRY', guard: null, target: 'session.reconnecting' },
  { source: 'disconnected.waiting', event: 'ONLINE', guard: null, target: 'session.reconnecting' },
  { source: 'disconnected.waiting', event: 'OFFLINE', guard: null, target: 'disconnected.offline' },
  {
    source: 'disconnected.waiting',
    event: 'after(reconnectDelay)',
    guard: null,
    target: 'session.reconnecting',
  },
  {
    source: 'disconnected.waiting',
    event: '(always)',
    guard: 'attemptsExhausted',
    target: 'failed',
  },
  { source: 'disconnected.woke', event: '(always)', guard: null, target: 'session.reconnecting' },
  { source: 'disconnected.offline', event: 'ONLINE', guard: null, target: 'session.reconnecting' },

  { source: 'failed', event: 'RETRY', guard: null, target: 'session.reconnecting' },
  { source: 'failed', event: 'ONLINE', guard: null, target: 'session.reconnecting' },
];

/** A row as one line: `session.connecting | DROP [isFatalClose] -> failed`. */
export function formatRow({ source, event, guard, target }: ExpectedTransition): string {
  return `${source} | ${event}${guard === null ? '' : ` [${guard}]`} -> ${target}`;
}

function guardName(transition: AnyTransitionDefinition): string | null {
  const guard = transition.guard as unknown;
  if (guard === undefined) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'inline';
}

/** A transition of the machine in the table's terms, one row per target (`(none)` for none). */
export function rowsOf(transition: AnyTransitionDefinition): ExpectedTransition[] {
  const targets = (transition.target ?? []).map((target) => target.path.join('.'));
  return (targets.length > 0 ? targets : ['(none)']).map((target) => ({
    source: transition.source.path.join('.') || '(root)',
    event: eventLabel(transition),
    guard: guardName(transition),
    target,
  }));
}
