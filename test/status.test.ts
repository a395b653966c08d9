import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Actor, pathToStateValue, SimulatedClock } from 'xstate';
import {
  formatStatus,
  type Status,
  type StatusState,
  sameStatus,
  statusOf,
} from '../src/client/status.js';
import { createConnectionActor } from '../src/core/connection-actor.js';
import { type ConnectionState, connectionStatePaths } from '../src/core/connection-state.js';
import { type ConnectionMachine, connectionMachine } from '../src/core/machine.js';
import type { ConnectionMachineInput } from '../src/core/machine-config.js';
import { printable } from '../src/core/printable.js';

/** The C0 and C1 control characters and DEL, U+0000-U+001F and U+007F-U+009F, found in `text`. */
function controlCharactersIn(text: string): string[] {
  return [...text].filter((char) => {
    const code = char.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });
}

/** Whether `text` is well-formed UTF-16 (no lone surrogate): it survives a UTF-8 round trip. */
function wellFormed(text: string): boolean {
  return new TextDecoder().decode(new TextEncoder().encode(text)) === text;
}

/** Lets the placeholder sync (an async function that resolves at once) finish. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function startActor(input: Omit<ConnectionMachineInput, 'clock'> = {}) {
  const clock = new SimulatedClock();
  const actor: Actor<ConnectionMachine> = createConnectionActor({
    backoff: { jitter: 'none' },
    ...input,
    clock,
  }).start();
  const status = (outbox?: { queued: number; inFlight: number }) =>
    statusOf(actor.getSnapshot(), outbox);
  return { actor, clock, status };
}

const network = { type: 'DROP', code: 1006, reason: 'network' } as const;

function status(overrides: Partial<Status>): Status {
  return {
    state: 'connected',
    attempt: 0,
    retryAt: null,
    lastClose: null,
    queued: 0,
    inFlight: 0,
    reset: false,
    ...overrides,
  };
}

describe('statusOf on a running connection machine', () => {
  it('shows an idle machine as connecting, attempt 0, with nothing recorded', () => {
    const { status: of } = startActor();
    expect(of()).toEqual(status({ state: 'connecting' }));
  });

  it('shows the first attempt as connecting', () => {
    const { actor, status: of } = startActor();
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toEqual({ session: 'connecting' });
    expect(of()).toEqual(status({ state: 'connecting' }));
  });

  it('shows an open socket as syncing until sync is done, then connected', async () => {
    const { actor, clock, status: of } = startActor({ stableAfter: 5000 });
    actor.send({ type: 'START' });
    actor.send({ type: 'OPEN' });
    expect(actor.getSnapshot().value).toEqual({ session: { connected: 'syncing' } });
    expect(of().state).toBe('syncing');
    await settle();
    expect(actor.getSnapshot().value).toEqual({
      session: { connected: { live: 'probation' } },
    });
    expect(of().state).toBe('connected');
    clock.increment(5000);
    expect(actor.getSnapshot().value).toEqual({ session: { connected: { live: 'stable' } } });
    expect(of()).toEqual(status({ state: 'connected' }));
  });

  it('shows a wait as reconnecting, with the attempt waited for (context.attempt + 1)', () => {
    const { actor, clock, status: of } = startActor();
    actor.send({ type: 'START' });
    clock.increment(250);
    actor.send(network);
    const snapshot = actor.getSnapshot();
    expect(snapshot.value).toEqual({ disconnected: 'waiting' });
    expect(snapshot.context.attempt).toBe(0);
    expect(of()).toEqual(
      status({
        state: 'reconnecting',
        attempt: 1,
        retryAt: 1250,
        lastClose: { code: 1006, reason: 'network' },
      }),
    );
  });

  it('shows the attempt itself as reconnecting with the same number, and no retryAt', () => {
    const { actor, clock, status: of } = startActor();
    actor.send({ type: 'START' });
    actor.send(network);
    clock.increment(1000);
    expect(actor.getSnapshot().value).toEqual({ session: 'reconnecting' });
    expect(actor.getSnapshot().context.attempt).toBe(1);
    expect(of()).toMatchObject({ state: 'reconnecting', attempt: 1, retryAt: null });
    actor.send(network);
    expect(actor.getSnapshot().context.attempt).toBe(1);
    expect(of()).toMatchObject({ state: 'reconnecting', attempt: 2, retryAt: 3000 });
    expect(formatStatus(of(), clock.now())).toBe('◌ reconnecting in 2 s (attempt 2)');
  });

  it('shows offline while the platform reports no network, and reconnecting after ONLINE', () => {
    const { actor, status: of } = startActor();
    actor.send({ type: 'START' });
    actor.send({ type: 'OFFLINE' });
    expect(actor.getSnapshot().value).toEqual({ disconnected: 'offline' });
    expect(of()).toMatchObject({ state: 'offline', retryAt: null });
    actor.send({ type: 'ONLINE' });
    expect(of()).toMatchObject({ state: 'reconnecting', attempt: 1 });
  });

  it('shows a fatal close as failed, with the close', () => {
    const { actor, status: of } = startActor();
    actor.send({ type: 'START' });
    actor.send({ type: 'DROP', code: 4401, reason: 'bad token' });
    expect(actor.getSnapshot().value).toBe('failed');
    expect(of()).toEqual(
      status({ state: 'failed', lastClose: { code: 4401, reason: 'bad token' } }),
    );
    expect(formatStatus(of(), 0)).toBe('✕ failed: 4401 bad token');
  });

  it('shows exhausted attempts as failed, not as a wait', () => {
    const { actor, clock, status: of } = startActor({ maxAttempts: 1 });
    actor.send({ type: 'START' });
    actor.send(network);
    clock.increment(1000);
    actor.send({ type: 'DROP', code: 1011, reason: 'oops' });
    expect(actor.getSnapshot().value).toBe('failed');
    expect(of()).toMatchObject({
      state: 'failed',
      attempt: 1,
      retryAt: null,
      lastClose: { code: 1011, reason: 'oops' },
    });
  });

  it('shows closed after CLOSE', () => {
    const { actor, status: of } = startActor();
    actor.send({ type: 'START' });
    actor.send({ type: 'CLOSE' });
    expect(actor.getSnapshot().value).toBe('closed');
    expect(of().state).toBe('closed');
  });

  it('passes the outbox counts through, defaulting to none', () => {
    const { status: of } = startActor();
    expect(of()).toMatchObject({ queued: 0, inFlight: 0 });
    expect(of({ queued: 4, inFlight: 2 })).toMatchObject({ queued: 4, inFlight: 2 });
  });
});

describe('statusOf on every state of the chart', () => {
  const expected: Record<ConnectionState, StatusState> = {
    idle: 'connecting',
    session: 'connecting',
    connecting: 'connecting',
    reconnecting: 'reconnecting',
    connected: 'syncing',
    syncing: 'syncing',
    live: 'connected',
    probation: 'connected',
    stable: 'connected',
    disconnected: 'reconnecting',
    waiting: 'reconnecting',
    woke: 'reconnecting',
    offline: 'offline',
    failed: 'failed',
    closed: 'closed',
  };

  it.each(Object.entries(expected) as [ConnectionState, StatusState][])(
    'maps %s to %s',
    (state, shown) => {
      const { actor } = startActor();
      const context = { ...actor.getSnapshot().context, attempt: 2, retryAt: 9000 };
      const value = pathToStateValue([...connectionStatePaths[state]]);
      // A snapshot in a compound state is in its initial child: `disconnected` is `waiting`.
      const snapshot = connectionMachine.resolveState({ value, context });
      const result = statusOf(snapshot);
      expect(result.state).toBe(shown);
      expect(result.attempt).toBe(state === 'waiting' || state === 'disconnected' ? 3 : 2);
      expect(result.retryAt).toBe(9000);
    },
  );
});

describe('sameStatus', () => {
  const base = status({
    state: 'reconnecting',
    attempt: 2,
    retryAt: 1000,
    lastClose: { code: 1006, reason: 'network' },
    queued: 1,
    inFlight: 1,
  });

  it('is true for equal statuses, even with distinct lastClose objects', () => {
    expect(sameStatus(base, { ...base, lastClose: { code: 1006, reason: 'network' } })).toBe(true);
    expect(sameStatus(status({}), status({}))).toBe(true);
  });

  it.each<[string, Partial<Status>]>([
    ['state', { state: 'offline' }],
    ['attempt', { attempt: 3 }],
    ['retryAt', { retryAt: 2000 }],
    ['retryAt null', { retryAt: null }],
    ['lastClose code', { lastClose: { code: 1011, reason: 'network' } }],
    ['lastClose reason', { lastClose: { code: 1006, reason: 'other' } }],
    ['lastClose absent', { lastClose: null }],
    ['queued', { queued: 2 }],
    ['inFlight', { inFlight: 0 }],
  ])('is false when %s differs', (_, change) => {
    expect(sameStatus(base, { ...base, ...change })).toBe(false);
    expect(sameStatus({ ...base, ...change }, base)).toBe(false);
  });
});

describe('formatStatus', () => {
  it.each<[Partial<Status>, string]>([
    [{ state: 'connected' }, '● connected'],
    [{ state: 'syncing' }, '◐ syncing'],
    [{ state: 'connecting' }, '◌ connecting'],
    [{ state: 'reconnecting', attempt: 3, retryAt: 4000 }, '◌ reconnecting in 4 s (attempt 3)'],
    [{ state: 'offline' }, '○ offline'],
    [
      { state: 'failed', lastClose: { code: 4401, reason: 'bad token' } },
      '✕ failed: 4401 bad token',
    ],
    [{ state: 'closed' }, '· closed'],
  ])('renders %j as %j', (overrides, expected) => {
    expect(formatStatus(status(overrides), 0)).toBe(expected);
  });

  it.each<[Partial<Status>, string]>([
    [{ state: 'connected', queued: 2, inFlight: 1 }, '● connected (2 queued, 1 unacked)'],
    [{ state: 'syncing', queued: 3 }, '◐ syncing (3 queued)'],
    [{ state: 'connecting', inFlight: 4 }, '◌ connecting (4 unacked)'],
    [
      { state: 'reconnecting', attempt: 3, retryAt: 4000, queued: 2 },
      '◌ reconnecting in 4 s (attempt 3, 2 queued)',
    ],
    [{ state: 'offline', queued: 5, inFlight: 2 }, '○ offline (5 queued, 2 unacked)'],
    [
      { state: 'failed', lastClose: { code: 4401, reason: 'bad token' }, inFlight: 1 },
      '✕ failed: 4401 bad token (1 unacked)',
    ],
    [{ state: 'closed', queued: 9 }, '· closed'],
  ])('adds the backlog: %j as %j', (overrides, expected) => {
    expect(formatStatus(status(overrides), 0)).toBe(expected);
  });

  it('rounds the wait up to whole seconds, and never below 0', () => {
    const waiting = status({ state: 'reconnecting', attempt: 1, retryAt: 10_000 });
    expect(formatStatus(waiting, 6_001)).toBe('◌ reconnecting in 4 s (attempt 1)');
    expect(formatStatus(waiting, 6_000)).toBe('◌ reconnecting in 4 s (attempt 1)');
    expect(formatStatus(waiting, 5_999)).toBe('◌ reconnecting in 5 s (attempt 1)');
    expect(formatStatus(waiting, 10_000)).toBe('◌ reconnecting in 0 s (attempt 1)');
    expect(formatStatus(waiting, 12_000)).toBe('◌ reconnecting in 0 s (attempt 1)');
  });

  it('shows a wait under a second in tenths, rounded up: a 100 ms wait is not "in 1 s"', () => {
    const waiting = status({ state: 'reconnecting', attempt: 1, retryAt: 10_000 });
    expect(formatStatus(waiting, 9_900)).toBe('◌ reconnecting in 0.1 s (attempt 1)');
    expect(formatStatus(waiting, 9_901)).toBe('◌ reconnecting in 0.1 s (attempt 1)');
    expect(formatStatus(waiting, 9_899)).toBe('◌ reconnecting in 0.2 s (attempt 1)');
    expect(formatStatus(waiting, 9_001)).toBe('◌ reconnecting in 1 s (attempt 1)');
    expect(formatStatus(waiting, { now: 9_700 })).toBe('◌ reconnecting in 0.3 s (attempt 1)');
  });

  it('adds how the last socket closed with showClose, cleaned of control characters', () => {
    const lastClose = { code: 1006, reason: 'heartbeat\u001b[31m timeout' };
    const waiting = status({
      state: 'reconnecting',
      attempt: 2,
      retryAt: 4_000,
      queued: 1,
      lastClose,
    });
    expect(formatStatus(waiting, { now: 0, showClose: true })).toBe(
      '◌ reconnecting in 4 s (attempt 2, 1 queued; last close 1006 heartbeat timeout)',
    );
    expect(formatStatus(waiting, { now: 0 })).toBe('◌ reconnecting in 4 s (attempt 2, 1 queued)');
    expect(formatStatus(status({ state: 'offline', lastClose }), { showClose: true })).toBe(
      '○ offline (last close 1006 heartbeat timeout)',
    );
    expect(formatStatus(status({ state: 'offline', queued: 2 }), { showClose: true })).toBe(
      '○ offline (2 queued)',
    );
  });

  it('leaves out the wait while an attempt is under way (no retryAt)', () => {
    expect(formatStatus(status({ state: 'reconnecting', attempt: 2 }), 0)).toBe(
      '◌ reconnecting (attempt 2)',
    );
  });

  it('shows a failure with only a code, or without a close', () => {
    expect(
      formatStatus(status({ state: 'failed', lastClose: { code: 1008, reason: '' } }), 0),
    ).toBe('✕ failed: 1008');
    expect(formatStatus(status({ state: 'failed' }), 0)).toBe('✕ failed');
  });

  it('cleans a hostile close reason before printing it', () => {
    const hostile = status({
      state: 'failed',
      lastClose: { code: 4403, reason: '\u001b]0;pwned\u0007\u001b[2Jno\u001b[31m entry\r\n' },
    });
    expect(formatStatus(hostile, 0)).toBe('✕ failed: 4403 no entry');
  });

  it('never prints a control character, whatever the close reason (property)', () => {
    const hostileChar = fc.oneof(
      fc.constantFrom('\u001b', '\u009b', '\u009d', '\u0007', '[', ']', '\\', ';', 'P', 'm', '2'),
      fc.integer({ min: 0, max: 0xa0 }).map((code) => String.fromCharCode(code)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: hostileChar, maxLength: 200 }),
        fc.integer({ min: 1000, max: 4999 }),
        fc.constantFrom<StatusState>(
          'connecting',
          'connected',
          'syncing',
          'reconnecting',
          'offline',
          'failed',
          'closed',
        ),
        (reason, code, state) => {
          const shown = formatStatus(
            status({ state, attempt: 1, retryAt: 5000, lastClose: { code, reason }, queued: 1 }),
            0,
          );
          expect(controlCharactersIn(shown)).toEqual([]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('printable', () => {
  it.each([
    ['a CSI sequence and BEL', 'bye\u001b[2J\u0007', 'bye'],
    ['SGR colours', '\u001b[1;31mred\u001b[0m', 'red'],
    ['a CSI with intermediates', 'a\u001b[?25lb', 'ab'],
    ['an OSC ended by BEL', '\u001b]0;title\u0007ok', 'ok'],
    ['an OSC hyperlink ended by ST', '\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\', 'link'],
    ['an unterminated OSC', 'ok\u001b]0;title', 'ok'],
    ['a two-byte escape', 'up\u001bMdown', 'updown'],
    ['an 8-bit CSI', 'x\u009b31my', 'xy'],
    ['C0 controls', 'a\u0000b\tc\nd\re\u001f', 'abcde'],
    ['DEL', 'a\u007fb', 'ab'],
    ['C1 controls', 'a\u0080b\u0085c\u009fd', 'abcd'],
    ['a lone ESC', 'a\u001b', 'a'],
  ])('strips %s', (_, text, expected) => {
    expect(printable(text)).toBe(expected);
  });

  it('keeps ordinary text, accents, symbols and emoji', () => {
    expect(printable('café ✓ 😀 [ok] ~')).toBe('café ✓ 😀 [ok] ~');
  });

  it('cuts text longer than max to max characters, ending with an ellipsis', () => {
    expect(printable('a'.repeat(200))).toBe(`${'a'.repeat(119)}…`);
    expect(printable('abcdef', 4)).toBe('abc…');
    expect(printable('abcd', 4)).toBe('abcd');
  });

  it('measures the length after stripping', () => {
    expect(printable('ab\u001b[31m\u001b[0mcd', 4)).toBe('abcd');
  });

  it('never splits a character made of a surrogate pair when cutting', () => {
    const cut = printable('😀'.repeat(100));
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(120);
    expect(wellFormed(cut)).toBe(true);
  });

  it.each([
    ['the first astral plane character, U+10000', '\u{10000}'],
    ['the last one, U+10FFFF', '\u{10ffff}'],
    ['an emoji', '😀'],
  ])('drops the whole of %s when the cut falls inside it', (_, char) => {
    expect(char).toHaveLength(2);
    // 5 characters, 10 UTF-16 units, cut to 4 units: the 3rd unit starts a pair.
    const cut = printable(char.repeat(5), 4);
    expect(cut).toBe(`${char}…`);
    expect(wellFormed(cut)).toBe(true);
  });

  it('keeps a whole pair that ends right at the cut', () => {
    expect(printable(`ab${'\u{10000}'.repeat(3)}`, 5)).toBe('ab\u{10000}…');
  });

  it.each([
    ['full-width letters (U+FF41)', 'ａ'],
    ['the last BMP character before the surrogates (U+D7FF)', '\ud7ff'],
    ['a private-use character after them (U+E000)', '\ue000'],
  ])('cuts text of %s to exactly max - 1 characters and the ellipsis', (_, char) => {
    expect(char).toHaveLength(1);
    expect(printable(char.repeat(10), 4)).toBe(`${char.repeat(3)}…`);
  });

  it('never returns a control character, and never more than max units (property)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('\u001b', '\u009b', '\u0007', '[', ']', '\\', 'm'),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          ),
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 150 }),
        (text, max) => {
          const clean = printable(text, max);
          expect(controlCharactersIn(clean)).toEqual([]);
          expect(clean.length).toBeLessThanOrEqual(max);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
