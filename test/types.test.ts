/**
 * Type tests for the public API. `expectTypeOf` does nothing at run time: the
 * assertions are checked by `npm run typecheck` (tsc over test/), so a change
 * to a public type fails `npm test` here first.
 */

import { describe, expectTypeOf, it } from 'vitest';
import type { Actor, InspectionEvent, Observer } from 'xstate';
import type { SyncReturn } from '../src/client/options.js';
import type { FormatStatusOptions } from '../src/client/status.js';
import type { SyncResult } from '../src/client/sync-context.js';
import {
  type Backoff,
  type BackoffOptions,
  exponentialDelay,
  type Jitter,
} from '../src/core/backoff.js';
import type { CloseInfo } from '../src/core/close-policy.js';
import type {
  FatalCloseError,
  OptionRangeError,
  OptionTypeError,
} from '../src/core/errors/index.js';
import type { ConnectionMachine } from '../src/core/machine.js';
import {
  backoff,
  type Connection,
  type ConnectionError,
  type ConnectionOptions,
  ConnectionState,
  createConnection,
  createConnectionActor,
  formatStatus,
  type IncomingData,
  isFinalState,
  jsonAck,
  type LifelineError,
  type LifelineErrorCode,
  type OutgoingData,
  type Receipt,
  type ReceiptState,
  type Status,
  type StatusState,
  type SyncContext,
  statusOf,
} from '../src/index.js';
import {
  type RunningInspector,
  type StartInspectorOptions,
  startInspector,
} from '../src/inspect/index.js';
import { type Admission, createUpgradePacer, type UpgradePacer } from '../src/server/index.js';
import {
  type ConnectionPath,
  connectionPaths,
  type DrivenOptions,
  type FakeTransport,
  type PathDriver,
  type PathStep,
  type TestClock,
  type TransitionCoverage,
} from '../src/testing/index.js';

describe('public types', () => {
  it('createConnection takes ConnectionOptions and returns a Connection', () => {
    expectTypeOf(createConnection).parameters.toEqualTypeOf<[ConnectionOptions]>();
    expectTypeOf(createConnection).returns.toEqualTypeOf<Connection>();
    expectTypeOf<ConnectionOptions['url']>().toEqualTypeOf<
      string | URL | (() => string | URL | Promise<string | URL>)
    >();
    expectTypeOf<ConnectionOptions>().toHaveProperty('ack');
    expectTypeOf<{ url: string }>().toExtend<ConnectionOptions>();
    expectTypeOf(createConnection).toBeCallableWith({ url: 'ws://127.0.0.1:9/', ack: true });
    const options = (value: ConnectionOptions) => value;
    // @ts-expect-error: a misspelt option is a type error (and a run-time one)
    options({ url: 'ws://127.0.0.1:9/', backof: {} });
    // @ts-expect-error: jitter is one of four names
    options({ url: 'ws://127.0.0.1:9/', backoff: { jitter: 'lots' } });
    // @ts-expect-error: url is required
    options({ ack: true });
  });

  it('a Connection sends any outgoing data, returning a Receipt, and reports a Status', () => {
    expectTypeOf<Connection['send']>().parameters.toEqualTypeOf<[OutgoingData]>();
    expectTypeOf<Connection['send']>().returns.toEqualTypeOf<Receipt>();
    expectTypeOf<string>().toExtend<OutgoingData>();
    expectTypeOf<Uint8Array>().toExtend<OutgoingData>();
    expectTypeOf<ArrayBuffer>().toExtend<OutgoingData>();
    expectTypeOf<Blob>().toExtend<OutgoingData>();
    expectTypeOf<number>().not.toExtend<OutgoingData>();
    expectTypeOf<Connection['status']>().toEqualTypeOf<Status>();
    expectTypeOf<Connection['onMessage']>()
      .parameter(0)
      .toEqualTypeOf<(data: IncomingData) => void>();
    expectTypeOf<Connection['onMessage']>().returns.toEqualTypeOf<() => void>();
    expectTypeOf<Connection['subscribe']>().parameter(0).toEqualTypeOf<(status: Status) => void>();
    expectTypeOf<Connection['onError']>()
      .parameter(0)
      .toEqualTypeOf<(error: ConnectionError) => void>();
    expectTypeOf<Connection['close']>().parameters.toEqualTypeOf<
      [code?: number, reason?: string]
    >();
    expectTypeOf<Connection['actor']>().toEqualTypeOf<Actor<ConnectionMachine>>();
  });

  it('a Status is a small plain object with a closed set of states', () => {
    expectTypeOf<StatusState>().toEqualTypeOf<
      'connecting' | 'connected' | 'syncing' | 'reconnecting' | 'offline' | 'failed' | 'closed'
    >();
    expectTypeOf<Status>().toEqualTypeOf<{
      state: StatusState;
      attempt: number;
      retryAt: number | null;
      lastClose: CloseInfo | null;
      queued: number;
      inFlight: number;
      reset: boolean;
    }>();
    expectTypeOf(formatStatus).parameters.toEqualTypeOf<
      [status: Status, options?: number | FormatStatusOptions]
    >();
    expectTypeOf(formatStatus).returns.toBeString();
    expectTypeOf(statusOf).returns.toEqualTypeOf<Status>();
  });

  it('a Receipt settles to itself, with a state and maybe an error', () => {
    expectTypeOf<Receipt['id']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Receipt['state']>().toEqualTypeOf<ReceiptState>();
    expectTypeOf<Receipt['settled']>().toEqualTypeOf<Promise<Receipt>>();
    expectTypeOf<Receipt['error']>().toEqualTypeOf<ConnectionError | undefined>();
    // Every error a connection reports is a LifelineError whose code names its class.
    expectTypeOf<ConnectionError>().toMatchTypeOf<LifelineError>();
    const narrowed = (error: ConnectionError) =>
      error.code === 'ERR_LIFELINE_FATAL_CLOSE' ? error.closeCode : undefined;
    expectTypeOf(narrowed).returns.toEqualTypeOf<number | undefined>();
    expectTypeOf<ReceiptState>().toEqualTypeOf<
      'queued' | 'sent' | 'acked' | 'delivered' | 'unconfirmed' | 'dropped' | 'rejected'
    >();
    expectTypeOf(isFinalState).toEqualTypeOf<(state: ReceiptState) => boolean>();
  });

  it('sync gets a SyncContext and may return { ackedThrough } or nothing', () => {
    type Sync = NonNullable<ConnectionOptions['sync']>;
    expectTypeOf<Sync>().parameter(0).toEqualTypeOf<SyncContext>();
    expectTypeOf<() => Promise<void>>().toExtend<Sync>();
    expectTypeOf<() => Promise<{ ackedThrough: number }>>().toExtend<Sync>();
    expectTypeOf<() => { ackedThrough: number }>().toExtend<Sync>();
    expectTypeOf<() => Promise<{ ackedThrough: string }>>().not.toExtend<Sync>();
    expectTypeOf<SyncResult>().toExtend<SyncReturn>();
    expectTypeOf<undefined>().toExtend<SyncReturn>();
    expectTypeOf<SyncContext['signal']>().toEqualTypeOf<AbortSignal>();
  });

  it('backoff is typed end to end', () => {
    expectTypeOf(exponentialDelay).returns.toBeNumber();
    expectTypeOf(backoff).returns.toEqualTypeOf<Backoff>();
    expectTypeOf<Backoff['next']>().returns.toEqualTypeOf<Backoff>();
    expectTypeOf<Jitter>().toEqualTypeOf<'none' | 'full' | 'equal' | 'decorrelated'>();
    expectTypeOf<BackoffOptions['jitter']>().toEqualTypeOf<Jitter | undefined>();
  });

  it('errors have stable codes and keep their built-in bases', () => {
    expectTypeOf<FatalCloseError>().toExtend<LifelineError>();
    expectTypeOf<LifelineError['code']>().toEqualTypeOf<LifelineErrorCode>();
    expectTypeOf<OptionTypeError>().toExtend<TypeError>();
    expectTypeOf<OptionRangeError>().toExtend<RangeError>();
    expectTypeOf<OptionTypeError['code']>().toEqualTypeOf<'ERR_LIFELINE_INVALID_OPTION'>();
    expectTypeOf<OptionRangeError['option']>().toBeString();
  });

  it('the statechart and the ack envelope are typed', () => {
    expectTypeOf(createConnectionActor).returns.toEqualTypeOf<Actor<ConnectionMachine>>();
    expectTypeOf(ConnectionState.Waiting).toBeString();
    expectTypeOf(jsonAck.stamp).returns.toEqualTypeOf<OutgoingData>();
    expectTypeOf(jsonAck.read).returns.toEqualTypeOf<number | undefined>();
  });

  it('lifeline-ws/server: the upgrade pacer', () => {
    expectTypeOf(createUpgradePacer).returns.toEqualTypeOf<UpgradePacer>();
    expectTypeOf<Parameters<typeof createUpgradePacer>[0]>().toHaveProperty('rate');
    expectTypeOf<Admission>().not.toBeAny();
  });

  it('the inspector helper feeds createConnection', () => {
    expectTypeOf(startInspector).parameters.toEqualTypeOf<[options?: StartInspectorOptions]>();
    expectTypeOf(startInspector).returns.toEqualTypeOf<Promise<RunningInspector>>();
    expectTypeOf<RunningInspector['inspect']>().toEqualTypeOf<Observer<InspectionEvent>>();
    expectTypeOf<RunningInspector['inspect']>().toExtend<
      NonNullable<ConnectionOptions['inspect']>
    >();
    expectTypeOf<RunningInspector['page']>().toEqualTypeOf<string | undefined>();
  });

  it('lifeline-ws/testing: its parts fit createConnection', () => {
    expectTypeOf<TestClock>().toExtend<NonNullable<ConnectionOptions['clock']>>();
    expectTypeOf<FakeTransport['WebSocket']>().toExtend<
      NonNullable<ConnectionOptions['WebSocket']>
    >();
    expectTypeOf<TransitionCoverage['inspect']>().toExtend<
      NonNullable<ConnectionOptions['inspect']>
    >();
    expectTypeOf<DrivenOptions>().toExtend<ConnectionOptions>();
    expectTypeOf<PathDriver['options']>().toEqualTypeOf<DrivenOptions>();
    expectTypeOf(connectionPaths).returns.toEqualTypeOf<ConnectionPath[]>();
    expectTypeOf<ConnectionPath['steps']>().toEqualTypeOf<readonly PathStep[]>();
    expectTypeOf<PathDriver['take']>().parameters.toEqualTypeOf<[PathStep, Connection]>();
  });
});
