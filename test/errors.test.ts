import { describe, expect, expectTypeOf, it } from 'vitest';
import * as errors from '../src/core/errors/index.js';
import {
  ConnectionClosedError,
  FatalCloseError,
  InboundFrameError,
  InvalidDataError,
  LifelineError,
  type LifelineErrorCode,
  MessageTooLargeError,
  OptionRangeError,
  OptionTypeError,
  OutboxOverflowError,
  ResyncRequiredError,
  RetriesExhaustedError,
  SyncFailedError,
  UserCallbackError,
} from '../src/core/errors/index.js';
import { errorCodeOf, lifelineErrorCodes } from './support/error-codes.js';

/** One instance of each error class lifeline throws or reports. */
const samples: Record<string, () => Error & { code: LifelineErrorCode }> = {
  OptionTypeError: () => new OptionTypeError('backoff.jitter', 'a string', 1),
  OptionRangeError: () => new OptionRangeError('maxAttempts', 'an integer >= 1', 0),
  OutboxOverflowError: () => new OutboxOverflowError(undefined, 'reject', 'did not fit', 'hi'),
  MessageTooLargeError: () => new MessageTooLargeError(3, 10, 'is over maxMessageSize'),
  InvalidDataError: () => new InvalidDataError('send() takes a string'),
  ConnectionClosedError: () => new ConnectionClosedError(),
  FatalCloseError: () => new FatalCloseError(1008, 'policy', { status: 403 }),
  RetriesExhaustedError: () => new RetriesExhaustedError(3, { code: 1006, reason: '' }),
  SyncFailedError: () => new SyncFailedError('sync failed', true),
  InboundFrameError: () => new InboundFrameError('unreadable ack'),
  UserCallbackError: () => new UserCallbackError('random', 'returned 2'),
  ResyncRequiredError: () => new ResyncRequiredError('history-trimmed', 'e1', 12),
};

/** The classes the samples are of, by name. */
const classes: Record<string, abstract new (...args: never[]) => Error> = {
  OptionTypeError,
  OptionRangeError,
  OutboxOverflowError,
  MessageTooLargeError,
  InvalidDataError,
  ConnectionClosedError,
  FatalCloseError,
  RetriesExhaustedError,
  SyncFailedError,
  InboundFrameError,
  UserCallbackError,
  ResyncRequiredError,
};

const exportedClasses = Object.entries(errors)
  .filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error)
  .map(([name]) => name)
  .sort();

describe('errors', () => {
  it('has a sample of every error class exported, besides the base', () => {
    const others = exportedClasses.filter((name) => name !== 'LifelineError');
    expect(Object.keys(samples).sort()).toEqual(others);
    expect(Object.keys(classes).sort()).toEqual(others);
  });

  it.each(Object.keys(samples))('names a %s after its class', (name) => {
    const error = samples[name]?.() as Error;
    expect(error.name).toBe(name);
    expect(error.constructor.name).toBe(name);
    expect(String(error).startsWith(`${name}: `)).toBe(true);
  });

  it('gives every class its stable code, a member of LifelineErrorCode', () => {
    const union = lifelineErrorCodes();
    const codes = Object.fromEntries(
      Object.entries(samples).map(([name, sample]) => [name, sample().code]),
    );
    expect(codes).toEqual(errorCodeOf);
    for (const code of Object.values(codes)) expect(union).toContain(code);
  });

  it('gives each kind of failure its own code, and every code of the union a class', () => {
    const classesByCode = new Map<string, string[]>();
    for (const [name, code] of Object.entries(errorCodeOf)) {
      classesByCode.set(code, [...(classesByCode.get(code) ?? []), name].sort());
    }
    expect([...classesByCode.keys()].sort()).toEqual([...lifelineErrorCodes()].sort());
    for (const [code, classes] of classesByCode) {
      // The option errors share one code: a bad option, of the wrong type or out of range.
      const expected =
        code === 'ERR_LIFELINE_INVALID_OPTION' ? ['OptionRangeError', 'OptionTypeError'] : classes;
      expect(classes, code).toEqual(expected);
      if (code !== 'ERR_LIFELINE_INVALID_OPTION') expect(classes, code).toHaveLength(1);
    }
  });

  it('has no duplicate in the code union', () => {
    const union = lifelineErrorCodes();
    expect(new Set(union).size).toBe(union.length);
    expect(union.every((code) => /^ERR_LIFELINE_[A-Z_]+$/.test(code))).toBe(true);
  });

  it('keeps the code an own, enumerable property, so it survives logging and copying', () => {
    for (const sample of Object.values(samples)) {
      const error = sample();
      expect(Object.keys(error)).toContain('code');
      expect({ ...error }.code).toBe(error.code);
    }
  });

  it('tells the classes apart with ordinary instanceof', () => {
    for (const [name, sample] of Object.entries(samples)) {
      const error = sample();
      expect(error).toBeInstanceOf(classes[name]);
      expect(error).toBeInstanceOf(Error);
      for (const other of Object.keys(samples).filter((n) => n !== name)) {
        expect(error).not.toBeInstanceOf(classes[other]);
      }
    }
    expect(samples.OptionTypeError?.()).toBeInstanceOf(TypeError);
    expect(samples.OptionRangeError?.()).toBeInstanceOf(RangeError);
    expect(samples.FatalCloseError?.()).toBeInstanceOf(LifelineError);
    expect(samples.OptionTypeError?.()).not.toBeInstanceOf(LifelineError);
  });

  it('keeps instanceof free of tricks: no Symbol.hasInstance and no brand', () => {
    expect(Object.hasOwn(LifelineError, Symbol.hasInstance)).toBe(false);
    for (const sample of Object.values(samples)) {
      expect(Object.getOwnPropertySymbols(sample())).toEqual([]);
    }
    // An object that only looks like a lifeline error is not one.
    expect({ code: 'ERR_LIFELINE_CLOSED', name: 'ConnectionClosedError' }).not.toBeInstanceOf(
      LifelineError,
    );
  });

  it('names the base class LifelineError and keeps its code and cause', () => {
    const cause = new Error('underneath');
    const error = new LifelineError('ERR_LIFELINE_CALLBACK', 'the statechart stopped', { cause });
    expect(error.name).toBe('LifelineError');
    expect(error.code).toBe('ERR_LIFELINE_CALLBACK');
    expect(error.cause).toBe(cause);
    expectTypeOf(error.code).toEqualTypeOf<LifelineErrorCode>();
  });
});
