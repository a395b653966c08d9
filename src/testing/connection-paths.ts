import {
  type ActorLogic,
  type AnyEventObject,
  __unsafe_getAllOwnEventDescriptors as ownEventTypes,
  type SnapshotFrom,
} from 'xstate';
import { getStateNodes, TestModel } from 'xstate/graph';
import { type ConnectionMachine, connectionMachine } from '../core/machine.js';
import {
  type ConnectionConfig,
  type ConnectionMachineInput,
  resolveConnectionConfig,
} from '../core/machine-config.js';
import { describeEvent, describeState, statePaths } from './describe-step.js';
import { type EventVariant, eventVariants } from './event-variants.js';

type Snapshot = SnapshotFrom<ConnectionMachine>;
type ModelLogic = ActorLogic<Snapshot, AnyEventObject, ConnectionConfig>;

/** A clock that never moves: paths are generated without time. */
const clockAtZero = { now: () => 0, setTimeout: () => undefined, clearTimeout: () => undefined };

/** A configuration of the machine the paths are generated for: its name and its options. */
export interface PathConfiguration {
  /** Shown in each path's description: `stableAfter 5000`. */
  readonly name: string;
  /** The machine's options; `maxAttempts` must be finite (small keeps the paths few). */
  readonly options: Readonly<Omit<ConnectionMachineInput, 'clock'>>;
}

/** One step of a path: an event and the states before and after it, in words. */
export interface PathStep {
  /** The state the step starts in: `session.connecting`, `disconnected.waiting (attempt 1)`. */
  readonly from: string;
  /** The event as the machine receives it; a delayed transition is its `xstate.after.*` event. */
  readonly event: AnyEventObject;
  /** The event in words: `OPEN`, `DROP(code: 1006, reason: "network")`, `after(connectTimeout)`. */
  readonly label: string;
  /** The state the step ends in. */
  readonly to: string;
  /** The step in one line: `session.connecting --OPEN--> session.connected.syncing`. */
  readonly description: string;
}

/** A path through the connection machine, from `idle`. */
export interface ConnectionPath {
  /** The name of its configuration. */
  readonly configuration: string;
  /** The machine's options it was generated with: give them to `createConnection` to follow it. */
  readonly options: Readonly<Omit<ConnectionMachineInput, 'clock'>>;
  readonly steps: readonly PathStep[];
  /** The configuration and every step, for a test's title. */
  readonly description: string;
}

/** What {@link connectionPaths} takes. */
export interface ConnectionPathsOptions {
  /** @default pathConfigurations */
  configurations?: readonly PathConfiguration[];
  /** @default eventVariants */
  variants?: readonly EventVariant[];
  /**
   * Also the paths whose first event is not START. A connection from
   * `createConnection` starts at once, so only tests of the bare machine
   * can take them.
   * @default false
   */
  fromIdle?: boolean;
}

const small = {
  backoff: { jitter: 'none', initialDelay: 1000, factor: 2, maxDelay: 4000 },
  maxAttempts: 2,
  connectTimeout: 3000,
  syncTimeout: 2000,
  stableAfter: 5000,
} as const;

/**
 * The configurations {@link connectionPaths} uses by default: small timers
 * and two attempts, with `stableAfter` 5000 (the default) and 0. The second
 * takes a transition the first cannot (`probation` -> `stable` as soon as
 * the connection is live) and makes the timed one unreachable.
 *
 * @example
 * ```ts
 * import { connectionPaths, pathConfigurations } from 'lifeline-ws/testing';
 *
 * const [usual] = pathConfigurations;
 * const pathsWithTheDefaults = connectionPaths({ configurations: usual ? [usual] : [] });
 * ```
 */
export const pathConfigurations: readonly PathConfiguration[] = [
  { name: 'stableAfter 5000', options: small },
  { name: 'stableAfter 0', options: { ...small, stableAfter: 0 } },
];

/** Bounds the exploration: a model this large means a configuration that does not keep it finite. */
const traversalLimit = 100_000;

function checkConfiguration({ name, options }: PathConfiguration): void {
  const attempts = options.maxAttempts;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(
      `configuration "${name}": maxAttempts must be a small integer >= 1 (the attempt count tells states apart), got ${String(attempts)}`,
    );
  }
}

function checkVariants(variants: readonly EventVariant[]): void {
  const known = new Set(getStateNodes(connectionMachine.root).map((node) => node.path.join('.')));
  for (const { event, in: states = [] } of variants) {
    const unknown = states.filter((state) => !known.has(state));
    if (unknown.length > 0) {
      throw new RangeError(
        `the variant ${describeEvent(event)} names no state ${unknown.join(', ')}`,
      );
    }
  }
}

/** The events each state accepts, from the machine's own descriptors, with the listed payloads. */
function eventsFor(variants: readonly EventVariant[]) {
  return (snapshot: Snapshot): AnyEventObject[] => {
    if (snapshot.status !== 'active') return [];
    const active = statePaths(snapshot.value);
    const applies = (variant: EventVariant) =>
      variant.in === undefined ||
      variant.in.some((state) => active.some((path) => `${path}.`.startsWith(`${state}.`)));
    return ownEventTypes(snapshot)
      .filter((type) => type !== '')
      .flatMap((type): AnyEventObject[] => {
        const listed = variants.filter((variant) => variant.event.type === type);
        if (listed.length === 0) return [{ type }];
        return listed.filter(applies).map((variant) => variant.event);
      });
  };
}

/** A snapshot in words, remembered: the model serialises each snapshot many times over. */
function wordsCache(): (snapshot: Snapshot) => string {
  const words = new WeakMap<Snapshot, string>();
  return (snapshot) => {
    let known = words.get(snapshot);
    if (known === undefined) {
      known = describeState(snapshot);
      words.set(snapshot, known);
    }
    return known;
  };
}

/**
 * The shortest paths of the model, as steps in words. A step's snapshot may
 * come from another history than the path's, one that serialises alike; the
 * words of its state are part of the key, so they are this history's.
 */
function shortestPaths(input: ConnectionConfig, variants: readonly EventVariant[]) {
  // The model takes the machine's internal events (timers, actor done/error) beyond ConnectionEvent.
  const logic = connectionMachine as unknown as ModelLogic;
  const wordsOf = wordsCache();
  const model = new TestModel(logic, {
    input,
    events: eventsFor(variants),
    limit: traversalLimit,
    // Keyed by (previous, event, next): each shortest path ends with one transition of the graph.
    serializeState: (snapshot, event, previous) =>
      `${previous ? wordsOf(previous) : ''} | ${event ? describeEvent(event) : ''} | ${wordsOf(snapshot)}`,
  });
  let paths: ReturnType<typeof model.getShortestPaths>;
  try {
    paths = model.getShortestPaths();
  } catch (error) {
    if (!(error instanceof Error && /limit exceeded/.test(error.message))) throw error;
    throw new RangeError(
      `the model has more than ${traversalLimit} states: keep maxAttempts small (2 or 3)`,
      { cause: error },
    );
  }
  return paths.map(({ steps: [initial, ...rest] }): PathStep[] => {
    let from = initial ? wordsOf(initial.state) : '';
    return rest.map(({ event, state }) => {
      const to = wordsOf(state);
      const label = describeEvent(event);
      const step = { from, event, label, to, description: `${from} --${label}--> ${to}` };
      from = to;
      return step;
    });
  });
}

function describePath(configuration: string, steps: readonly PathStep[]): string {
  const first = steps[0]?.from ?? 'idle';
  return `[${configuration}] ${first}${steps.map((step) => ` --${step.label}--> ${step.to}`).join('')}`;
}

/**
 * The paths through the connection machine that, together, take every one
 * of its transitions: for each transition, a shortest path that ends with
 * it. Delayed transitions are steps of their own (`after(connectTimeout)`:
 * let that much time pass), so are a sync's end (`done(sync)`,
 * `error(sync)`) and a crash of the transport. The machine's states are told
 * apart by where it is, the attempt, the failure and a server's pending
 * hint, not by times, so the paths are few (a couple of hundred with the
 * default configurations) and take well under a second to make. Replay them with a
 * {@link PathDriver}, or with your own driver for the bare machine.
 *
 * @example
 * ```ts
 * import { connectionPaths } from 'lifeline-ws/testing';
 *
 * for (const path of connectionPaths()) {
 *   console.log(path.description);
 *   // [stableAfter 5000] idle --START--> session.connecting --OPEN--> session.connected.syncing ...
 * }
 * ```
 */
export function connectionPaths(options: ConnectionPathsOptions = {}): ConnectionPath[] {
  const {
    configurations = pathConfigurations,
    variants = eventVariants,
    fromIdle = false,
  } = options;
  checkVariants(variants);
  return configurations.flatMap((configuration) => {
    checkConfiguration(configuration);
    const input = resolveConnectionConfig({ ...configuration.options, clock: clockAtZero });
    return shortestPaths(input, variants)
      .filter((steps) => fromIdle || steps[0]?.event.type === 'START')
      .map((steps) => {
        return {
          configuration: configuration.name,
          options: configuration.options,
          steps,
          description: describePath(configuration.name, steps),
        };
      });
  });
}
