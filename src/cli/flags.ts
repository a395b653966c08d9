import type { ParseArgsConfig } from 'node:util';

/**
 * Every flag `lifeline` accepts, in `parseArgs` form. `--inspect` is a
 * boolean here: parseArgs has no optional values, so `prepareArguments`
 * takes its `=<ws-url>` out beforehand.
 */
export const flags = {
  ack: { type: 'boolean' },
  session: { type: 'boolean' },
  json: { type: 'boolean' },
  heartbeat: { type: 'string' },
  'heartbeat-timeout': { type: 'string' },
  'no-heartbeat': { type: 'boolean' },
  'initial-delay': { type: 'string' },
  'max-delay': { type: 'string' },
  factor: { type: 'string' },
  jitter: { type: 'string' },
  'max-attempts': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'drain-timeout': { type: 'string' },
  'keep-open': { type: 'boolean' },
  inspect: { type: 'boolean' },
  'inspect-port': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies ParseArgsConfig['options'];

/** The name of a flag, without its dashes. */
export type FlagName = keyof typeof flags;

/** The name of a flag that takes a value. */
export type ValueFlagName = {
  [K in FlagName]: (typeof flags)[K]['type'] extends 'string' ? K : never;
}[FlagName];

/** Whether `name` (without dashes) is one of `flags`. */
export function isFlagName(name: string): name is FlagName {
  return Object.hasOwn(flags, name);
}
