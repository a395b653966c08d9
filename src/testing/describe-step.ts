import type { AnyEventObject, StateValue } from 'xstate';
import type { ConnectionContext } from '../core/machine.js';

const afterPrefix = 'xstate.after.';
const donePrefix = 'xstate.done.actor.';
const errorPrefix = 'xstate.error.actor.';

/** The dotted paths of the deepest active states: `{ session: 'connecting' }` is `['session.connecting']`. */
export function statePaths(value: StateValue): string[] {
  if (typeof value === 'string') return [value];
  return Object.entries(value).flatMap(([name, child]) =>
    child === undefined || (typeof child === 'object' && Object.keys(child).length === 0)
      ? [name]
      : statePaths(child).map((path) => `${name}.${path}`),
  );
}

/**
 * A snapshot in words, with what the paths tell states apart by: where it is,
 * the attempt, why it failed and whether a server's hint waits to be used.
 * `disconnected.waiting (attempt 1)`, `failed (attempt 2, attempts-exhausted)`.
 */
export function describeState(snapshot: { value: StateValue; context: ConnectionContext }): string {
  const { context } = snapshot;
  const facts = [
    context.attempt > 0 ? `attempt ${context.attempt}` : '',
    context.failure ?? '',
    context.retryAfter === null ? '' : 'Retry-After pending',
    context.retryFloor === null ? '' : 'retry floor pending',
  ].filter((fact) => fact !== '');
  const where = statePaths(snapshot.value).join(', ');
  return facts.length === 0 ? where : `${where} (${facts.join(', ')})`;
}

function payloadValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  return JSON.stringify(value) ?? String(value);
}

/**
 * An event in words, every field of its payload included: `START`,
 * `DROP(code: 1006, reason: "network")`, `after(connectTimeout)`,
 * `done(sync)`, `error(sync, error: "boom")`.
 */
export function describeEvent(event: AnyEventObject): string {
  const { type, ...payload } = event;
  let name = type;
  const fields = Object.entries(payload)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}: ${payloadValue(value)}`);
  if (type.startsWith(afterPrefix)) name = `after(${type.slice(afterPrefix.length).split('.')[0]})`;
  else if (type.startsWith(donePrefix)) name = `done(${type.slice(donePrefix.length)})`;
  else if (type.startsWith(errorPrefix)) name = `error(${type.slice(errorPrefix.length)})`;
  else return fields.length === 0 ? type : `${type}(${fields.join(', ')})`;
  return fields.length === 0 ? name : `${name.slice(0, -1)}, ${fields.join(', ')})`;
}
