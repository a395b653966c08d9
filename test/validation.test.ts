import { describe, expect, it } from 'vitest';
import { createConnection } from '../src/client/create-connection.js';
import { resolveBackoffOptions } from '../src/core/backoff.js';
import { createConnectionActor } from '../src/core/connection-actor.js';
import {
  InvalidDataError,
  LifelineError,
  OptionRangeError,
  OptionTypeError,
} from '../src/core/errors/index.js';
import type { ConnectionMachineInput } from '../src/core/machine-config.js';

type Case = [description: string, input: unknown, option: string, kind: typeof Error];

const invalid: Case[] = [
  ['negative initialDelay', { backoff: { initialDelay: -1 } }, 'backoff.initialDelay', RangeError],
  [
    'NaN initialDelay',
    { backoff: { initialDelay: Number.NaN } },
    'backoff.initialDelay',
    RangeError,
  ],
  [
    'infinite initialDelay',
    { backoff: { initialDelay: Infinity } },
    'backoff.initialDelay',
    RangeError,
  ],
  [
    'initialDelay as a string',
    { backoff: { initialDelay: '1000' } },
    'backoff.initialDelay',
    TypeError,
  ],
  ['factor below 1', { backoff: { factor: 0.5 } }, 'backoff.factor', RangeError],
  ['NaN factor', { backoff: { factor: Number.NaN } }, 'backoff.factor', RangeError],
  ['infinite factor', { backoff: { factor: Infinity } }, 'backoff.factor', RangeError],
  [
    'initialDelay above maxDelay',
    { backoff: { initialDelay: 5000, maxDelay: 1000 } },
    'backoff.maxDelay',
    RangeError,
  ],
  ['negative maxDelay', { backoff: { maxDelay: -5 } }, 'backoff.maxDelay', RangeError],
  ['infinite maxDelay', { backoff: { maxDelay: Infinity } }, 'backoff.maxDelay', RangeError],
  [
    'maxDelay beyond what a timer keeps',
    { backoff: { maxDelay: 2 ** 31 } },
    'backoff.maxDelay',
    RangeError,
  ],
  ['unknown jitter', { backoff: { jitter: 'random' } }, 'backoff.jitter', TypeError],
  ['random not a function', { backoff: { random: 0.5 } }, 'backoff.random', TypeError],
  [
    'decorrelated from 0',
    { backoff: { jitter: 'decorrelated', initialDelay: 0 } },
    'backoff.initialDelay',
    RangeError,
  ],
  ['misspelt backoff option', { backoff: { intialDelay: 10 } }, 'backoff.intialDelay', TypeError],
  ['backoff not an object', { backoff: 5 }, 'backoff', TypeError],
  ['maxAttempts 0', { maxAttempts: 0 }, 'maxAttempts', RangeError],
  ['fractional maxAttempts', { maxAttempts: 2.5 }, 'maxAttempts', RangeError],
  ['NaN maxAttempts', { maxAttempts: Number.NaN }, 'maxAttempts', RangeError],
  ['negative connectTimeout', { connectTimeout: -1 }, 'connectTimeout', RangeError],
  ['zero connectTimeout', { connectTimeout: 0 }, 'connectTimeout', RangeError],
  ['infinite connectTimeout', { connectTimeout: Infinity }, 'connectTimeout', RangeError],
  ['NaN syncTimeout', { syncTimeout: Number.NaN }, 'syncTimeout', RangeError],
  ['negative stableAfter', { stableAfter: -100 }, 'stableAfter', RangeError],
  ['classifyClose not a function', { classifyClose: 'strict' }, 'classifyClose', TypeError],
  ['now not a function', { now: 0 }, 'now', TypeError],
  ['misspelt top-level option', { maxAttempt: 3 }, 'maxAttempt', TypeError],
];

describe('option validation', () => {
  it.each(invalid)('rejects %s, naming %s', (_description, input, option, kind) => {
    let thrown: unknown;
    try {
      createConnectionActor(input as ConnectionMachineInput);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(kind);
    expect((thrown as Error).name).toBe(
      kind === TypeError ? 'OptionTypeError' : 'OptionRangeError',
    );
    const error = thrown as OptionRangeError | OptionTypeError;
    expect(error.message).toContain(`\`${option}\``);
    expect(error.option).toBe(option);
    expect(error.code).toBe('ERR_LIFELINE_INVALID_OPTION');
  });

  it('says what it got and what it accepts', () => {
    expect(() => resolveBackoffOptions({ initialDelay: Number.NaN })).toThrow(
      '`initialDelay` must be a finite number >= 0 and <= 2147483647, got NaN',
    );
    expect(() => resolveBackoffOptions({ jitter: 'random' as never })).toThrow(
      '`jitter` must be one of "none", "full", "equal", "decorrelated", got "random"',
    );
    expect(() => createConnectionActor({ maxAttempts: 0 })).toThrow(
      '`maxAttempts` must be an integer >= 1 or Infinity, got 0',
    );
    expect(() => resolveBackoffOptions({ jitter: 'decorrelated', initialDelay: 0 })).toThrow(
      '`initialDelay` must be a finite number > 0 when jitter is "decorrelated", got 0',
    );
  });

  it('says what createConnection needs, and that a boolean is accepted where it is', () => {
    expect(() => createConnection(undefined as never)).toThrow(
      "createConnection() needs an options object with at least `url`, such as { url: 'wss://example.com/socket' }, got undefined",
    );
    const url = 'ws://127.0.0.1:9/';
    expect(() => createConnection({ url, ack: 'yes' as never })).toThrow(
      '`ack` must be true (the default JSON envelope), false, or an object with `stamp` and `read` functions, got "yes"',
    );
    expect(() => createConnection({ url, heartbeat: true as never })).toThrow(
      '`heartbeat` must be false (no heartbeat) or an object such as { interval: 15000, timeout: 10000 }, got true',
    );
    expect(() => createConnection({ url: 'ws://' })).toThrow('`url` has no host: "ws://"');
    expect(() => createConnection({ url: 'wss:///?token=secret' })).toThrow(
      '`url` has no host: "wss:///?token=***"',
    );
    expect(() => createConnection({ url, maxMessageSize: 0 })).toThrow(
      '`maxMessageSize` must be an integer >= 1 or Infinity, got 0',
    );
  });

  it('tells send() data apart from options: an object is not a message', () => {
    const connection = createConnection({ url: 'ws://127.0.0.1:9/', heartbeat: false });
    let thrown: unknown;
    try {
      connection.send({ a: 1 } as never);
    } catch (error) {
      thrown = error;
    }
    connection.close();
    expect(thrown).toBeInstanceOf(InvalidDataError);
    expect((thrown as InvalidDataError).code).toBe('ERR_LIFELINE_INVALID_DATA');
    expect((thrown as Error).message).toBe(
      'send() takes a string, an ArrayBuffer, a typed array or a Blob, got an object (serialise it first, e.g. JSON.stringify)',
    );
  });

  it('accepts the edges of each range', () => {
    expect(() =>
      createConnectionActor({
        backoff: { initialDelay: 0, factor: 1, maxDelay: 0, jitter: 'none' },
        maxAttempts: Infinity,
        connectTimeout: 2_147_483_647,
        stableAfter: 0,
      }),
    ).not.toThrow();
    expect(createConnectionActor({ stableAfter: 0 }).getSnapshot().context.config.stableAfter).toBe(
      0,
    );
    expect(() => createConnectionActor({ maxAttempts: 1 })).not.toThrow();
  });

  it('tells lifeline errors from others by code, and subclasses by class', () => {
    const optionError = new OptionTypeError('a', 'b', 1);
    expect(optionError.code).toBe('ERR_LIFELINE_INVALID_OPTION');
    expect('code' in new TypeError('x')).toBe(false);
    expect(optionError).toBeInstanceOf(TypeError);
    expect(optionError).not.toBeInstanceOf(OptionRangeError);
    // instanceof is the ordinary prototype check: an option error is a TypeError, not a LifelineError.
    expect(optionError).not.toBeInstanceOf(LifelineError);
    expect(new InvalidDataError('x')).toBeInstanceOf(LifelineError);
    expect(new TypeError('x')).not.toBeInstanceOf(LifelineError);
  });
});
