import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  frameCheckInterval,
  type HeartbeatTiming,
  Liveness,
  type LivenessHost,
  wakeCheckInterval,
  wakeProbeTimeout,
  wakeThreshold,
} from '../src/client/liveness.js';
import type { Clock } from '../src/core/clock.js';

/**
 * XState's SimulatedClock, plus a wall clock that can jump on its own. When a
 * laptop sleeps, the clock timers run on (monotonic) stands still while the
 * wall clock (`now()`) jumps: the next timer fires on schedule by the first,
 * far too late by the second. It also counts pending timers, timers fired and
 * reads of the time.
 */
class TestClock implements Clock {
  readonly timers = new SimulatedClock();
  readonly #pending = new Set<number>();
  #jumped = 0;
  fired = 0;
  reads = 0;

  now(): number {
    this.reads += 1;
    return this.timers.now() + this.#jumped;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const handle: number = this.timers.setTimeout(() => {
      this.#pending.delete(handle);
      this.fired += 1;
      callback();
    }, ms);
    this.#pending.add(handle);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
    this.timers.clearTimeout(handle as number);
  }

  get pendingTimers(): number {
    return this.#pending.size;
  }

  /** Time passes while the process runs: every timer fires on time (1 ms steps). */
  advance(ms: number): void {
    for (let step = 0; step < ms; step += 1) this.timers.increment(1);
  }

  advanceTo(time: number): void {
    this.advance(time - this.now());
  }

  /** The machine sleeps for `ms`: the wall clock jumps, timers do not move. */
  sleep(ms: number): void {
    this.#jumped += ms;
  }

  /** The process is frozen for `ms`: time moves on and due timers fire late, all at once. */
  freeze(ms: number): void {
    this.timers.increment(ms);
  }
}

const timing: HeartbeatTiming = { interval: 10_000, timeout: 5_000 };

/** A liveness's host from functions. */
function host(
  probe: () => unknown,
  dead: (reason: string, woke: boolean) => unknown,
  checked?: (now: number) => unknown,
): LivenessHost {
  return {
    probe: () => void probe(),
    dead: (reason, woke) => void dead(reason, woke),
    ...(checked ? { checked: (now: number) => void checked(now) } : {}),
  };
}

function watch(given: HeartbeatTiming = timing) {
  const clock = new TestClock();
  const probes: number[] = [];
  const deaths: { at: number; reason: string }[] = [];
  const liveness = new Liveness(
    clock,
    given,
    host(
      () => probes.push(clock.now()),
      (reason) => deaths.push({ at: clock.now(), reason }),
    ),
  );
  liveness.start();
  return { clock, liveness, probes, deaths };
}

/** One timer per clock, whatever the number of livenesses on it: their checks and the wake check. */
const timersPerClock = 1;

describe('Liveness on a busy socket', () => {
  it('never probes a socket that keeps receiving, and keeps a single timer', () => {
    const { clock, liveness, probes, deaths } = watch();
    for (let minute = 0; minute < 10 * 6; minute += 1) {
      clock.advance(9_999);
      liveness.touch();
      expect(clock.pendingTimers).toBe(timersPerClock);
    }
    expect(clock.now()).toBe(599_940);
    expect(probes).toEqual([]);
    expect(deaths).toEqual([]);
  });

  it('does not read the clock per frame: frames are counted', () => {
    const { clock, liveness } = watch();
    clock.advanceTo(1_000);
    const before = clock.reads;
    for (let frame = 0; frame < 10_000; frame += 1) liveness.touch();
    // The first frame after a quiet spell reads the time once; the others only count.
    expect(clock.reads - before).toBe(1);
  });

  it('probes a socket that went quiet after a burst no earlier than `interval` after its last frame, and at most frameCheckInterval later', () => {
    for (const lastFrame of [1_000, 1_001, 1_100, 1_249, 1_250, 1_251, 5_555]) {
      const { clock, liveness, probes } = watch();
      clock.advanceTo(1_000);
      for (let at = 1_000; at <= lastFrame; at += 1) {
        clock.advanceTo(at);
        for (let frame = 0; frame < 3; frame += 1) liveness.touch();
      }
      clock.advanceTo(lastFrame + timing.interval - 1);
      expect(probes, `last frame at ${lastFrame}`).toEqual([]);
      clock.advance(frameCheckInterval + 1);
      expect(probes, `last frame at ${lastFrame}`).toHaveLength(1);
    }
  });

  it('counts the frames of a busy socket every frameCheckInterval, no more often', () => {
    const { clock, liveness } = watch();
    const fired = clock.fired;
    for (let ms = 0; ms < 10_000; ms += 1) {
      liveness.touch();
      clock.advance(1);
    }
    const checks = (10_000 / frameCheckInterval) * 1 + 10_000 / wakeCheckInterval;
    expect(clock.fired - fired).toBeLessThanOrEqual(checks + 2);
  });
});

describe('Liveness of many idle sockets on one clock', () => {
  it('share one timer and one wake check; an idle socket is checked only for its heartbeat', () => {
    const clock = new TestClock();
    const sockets = 100;
    const probes: number[] = [];
    const deaths: string[] = [];
    const all = Array.from({ length: sockets }, (_, i) => {
      const liveness: Liveness = new Liveness(
        clock,
        timing,
        host(
          // The peer answers every probe in the same millisecond.
          () => {
            probes.push(i);
            liveness.touch();
          },
          (reason) => deaths.push(reason),
        ),
      );
      liveness.start();
      return liveness;
    });
    expect(clock.pendingTimers).toBe(timersPerClock);
    const minute = 60_000;
    for (let ms = 0; ms < minute; ms += 1000) {
      clock.advance(1000);
    }
    expect(deaths).toEqual([]);
    expect(probes.length).toBeGreaterThanOrEqual(sockets * 5);
    // Per socket and interval: the probe, and the count after its answer; plus the wake check's four a second.
    const expected = sockets * 2 * (minute / timing.interval) + minute / wakeCheckInterval;
    expect(clock.fired).toBeLessThanOrEqual(expected);
    for (const liveness of all) liveness.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('each probe on its own time, whatever the others on the clock do', () => {
    const clock = new TestClock();
    const probes: string[] = [];
    const intervals = [3_000, 1_000, 2_500, 1_000, 7_777, 5];
    const all = intervals.map((interval, i) => {
      const liveness = new Liveness(
        clock,
        { interval, timeout: 100_000 },
        host(
          () => probes.push(`${i}@${clock.now()}`),
          () => undefined,
        ),
      );
      liveness.start();
      return liveness;
    });
    all[3]?.stop();
    clock.advance(8_000);
    expect(probes.sort()).toEqual(['0@3000', '1@1000', '2@2500', '4@7777', '5@5']);
    for (const liveness of all) liveness.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('wakes every socket of a clock that slept, and none of another clock', () => {
    const slept = watch();
    const other = watch();
    const second = new Liveness(
      slept.clock,
      timing,
      host(
        () => slept.probes.push(-1),
        () => undefined,
      ),
    );
    second.start();
    slept.clock.advanceTo(3_000);
    other.clock.advanceTo(3_000);
    slept.clock.sleep(600_000);
    slept.clock.advance(wakeCheckInterval);
    other.clock.advance(wakeCheckInterval);
    expect(slept.probes).toHaveLength(2);
    expect(other.probes).toEqual([]);
    second.stop();
  });
});

describe('Liveness on a quiet socket', () => {
  it('probes exactly `interval` after start when nothing arrives', () => {
    const { clock, probes } = watch();
    clock.advanceTo(9_999);
    expect(probes).toEqual([]);
    clock.advance(1);
    expect(probes).toEqual([10_000]);
  });

  it('probes exactly `interval` after the last inbound frame', () => {
    const { clock, liveness, probes } = watch();
    clock.advanceTo(700);
    liveness.touch();
    clock.advanceTo(10_699);
    expect(probes).toEqual([]);
    clock.advance(1);
    expect(probes).toEqual([10_700]);
  });

  it('probes on time for an interval shorter than, or not a multiple of, the check interval', () => {
    for (const interval of [1_234, 300, 1]) {
      const { clock, probes } = watch({ interval, timeout: 5_000 });
      clock.advanceTo(interval - 1);
      expect(probes).toEqual([]);
      clock.advance(1);
      expect(probes).toEqual([interval]);
    }
  });

  it("declares it dead ('heartbeat timeout') exactly `timeout` after an unanswered probe", () => {
    const { clock, probes, deaths } = watch();
    clock.advanceTo(14_999);
    expect(probes).toEqual([10_000]);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([{ at: 15_000, reason: 'heartbeat timeout' }]);
  });

  it('stops checking once the socket is declared dead', () => {
    const { clock, probes, deaths } = watch();
    clock.advanceTo(15_000);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60_000);
    expect(probes).toEqual([10_000]);
    expect(deaths).toHaveLength(1);
  });

  it('keeps a socket whose probe is answered, even in the last millisecond', () => {
    const { clock, liveness, probes, deaths } = watch();
    clock.advanceTo(14_999);
    liveness.touch();
    clock.advanceTo(24_998);
    expect(deaths).toEqual([]);
    expect(probes).toEqual([10_000]);
    clock.advance(1);
    expect(probes).toEqual([10_000, 24_999]);
  });

  it('counts a frame that arrives in the same millisecond as the probe as its answer', () => {
    const { clock, liveness, probes, deaths } = watch();
    clock.advanceTo(10_000);
    expect(probes).toEqual([10_000]);
    liveness.touch();
    clock.advanceTo(19_999);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(probes).toEqual([10_000, 20_000]);
  });

  it('probes again `interval` after the answer, and dies if that probe goes unanswered', () => {
    const { clock, liveness, probes, deaths } = watch();
    clock.advanceTo(12_000);
    liveness.touch();
    clock.advanceTo(21_999);
    expect(probes).toEqual([10_000]);
    clock.advance(1);
    expect(probes).toEqual([10_000, 22_000]);
    clock.advanceTo(26_999);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([{ at: 27_000, reason: 'heartbeat timeout' }]);
  });
});

describe('Liveness after the process slept', () => {
  /** Sleeps 10 minutes at 3 s, then runs until the first check after waking: returns its time. */
  function sleepThenWake(watched: ReturnType<typeof watch>): number {
    const { clock, probes } = watched;
    clock.advanceTo(3_000);
    const before = probes.length;
    clock.sleep(600_000);
    const wokeAt = clock.now();
    // Checks run at least every wakeCheckInterval (timer time), so the next one is that close.
    for (let waited = 0; probes.length === before; waited += 1) {
      expect(waited).toBeLessThan(wakeCheckInterval);
      clock.advance(1);
    }
    expect(wokeAt).toBe(603_000);
    return clock.now();
  }

  it("probes at the first check after waking ('no reply after wake') and dies after wakeProbeTimeout", () => {
    const watched = watch();
    const { clock, probes, deaths } = watched;
    const probedAt = sleepThenWake(watched);
    expect(probes).toEqual([probedAt]);
    expect(probedAt).toBeGreaterThan(603_000);
    clock.advance(wakeProbeTimeout - 1);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([{ at: probedAt + wakeProbeTimeout, reason: 'no reply after wake' }]);
  });

  it('keeps a socket that answers the wake probe in time, and probes it again an interval later', () => {
    const watched = watch();
    const { clock, liveness, probes, deaths } = watched;
    const probedAt = sleepThenWake(watched);
    clock.advance(wakeProbeTimeout - 1);
    liveness.touch();
    const answeredAt = clock.now();
    clock.advance(1);
    expect(deaths).toEqual([]);
    clock.advanceTo(answeredAt + timing.interval - 1);
    expect(probes).toEqual([probedAt]);
    clock.advance(1);
    expect(probes).toEqual([probedAt, answeredAt + timing.interval]);
    expect(deaths).toEqual([]);
  });

  it('replaces a pending heartbeat probe with the wake probe and its shorter timeout', () => {
    const watched = watch({ interval: 2_000, timeout: 5_000 });
    const { clock, probes, deaths } = watched;
    const probedAt = sleepThenWake(watched);
    expect(probes).toEqual([2_000, probedAt]);
    clock.advance(wakeProbeTimeout - 1);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([{ at: probedAt + wakeProbeTimeout, reason: 'no reply after wake' }]);
  });

  it('uses the heartbeat timeout after waking when it is shorter than wakeProbeTimeout', () => {
    const watched = watch({ interval: 10_000, timeout: 200 });
    const { clock, deaths } = watched;
    const probedAt = sleepThenWake(watched);
    clock.advance(199);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([{ at: probedAt + 200, reason: 'no reply after wake' }]);
  });

  it('probes at once when a check fires far later than due (a frozen process)', () => {
    const { clock, probes, deaths } = watch();
    clock.advanceTo(3_000);
    clock.freeze(600_000);
    expect(probes).toEqual([603_000]);
    clock.advance(wakeProbeTimeout - 1);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toEqual([{ at: 603_000 + wakeProbeTimeout, reason: 'no reply after wake' }]);
  });

  it('does not count a check late by exactly wakeThreshold as a wake', () => {
    const late = watch();
    late.clock.freeze(wakeCheckInterval + wakeThreshold);
    expect(late.probes).toEqual([]);
    const later = watch();
    later.clock.freeze(wakeCheckInterval + wakeThreshold + 1);
    expect(later.probes).toEqual([wakeCheckInterval + wakeThreshold + 1]);
  });
});

describe('Liveness when the event loop lags', () => {
  // A check 500 ms late (more than the lag tolerance, less than a sleep) at
  // the probe's deadline may find the reply still unread behind it: it sends
  // one more probe instead of judging, and that probe is final.
  function lateCheck() {
    const watched = watch();
    // The check before the deadline: the next one is due at the deadline, 15_000.
    watched.clock.advanceTo(15_000 - wakeCheckInterval);
    expect(watched.probes).toEqual([10_000]);
    watched.clock.freeze(wakeCheckInterval + 500);
    return watched;
  }

  it('sends one more probe instead of judging, and keeps a socket whose reply was waiting', () => {
    const { clock, liveness, probes, deaths } = lateCheck();
    expect(deaths).toEqual([]);
    expect(probes).toEqual([10_000, 15_500]);
    liveness.touch();
    clock.advance(timing.timeout + wakeCheckInterval);
    expect(deaths).toEqual([]);
    expect(clock.pendingTimers).toBe(timersPerClock);
  });

  it('judges the extra probe on its timeout, however late that check runs', () => {
    const { clock, deaths } = lateCheck();
    clock.advanceTo(15_500 + timing.timeout - wakeCheckInterval);
    expect(deaths).toEqual([]);
    clock.freeze(wakeCheckInterval + 900);
    expect(deaths).toEqual([{ at: 15_500 + timing.timeout + 900, reason: 'heartbeat timeout' }]);
  });
});

/**
 * A clock on which every timer fires `lateBy` ms after it is due: a
 * background tab (Chrome clamps its timers to one wake-up a second, or a
 * minute once it has been hidden a while), or a saturated event loop.
 */
class LateClock extends TestClock {
  constructor(readonly lateBy: number) {
    super();
  }

  override setTimeout(callback: () => void, ms: number): unknown {
    return super.setTimeout(callback, ms + this.lateBy);
  }
}

/**
 * Runs a liveness on a clock whose timers are all `lateBy` late for `duration`
 * ms; a healthy socket's peer answers every probe 20 ms after it is sent
 * (the reply is read as I/O, not by a timer, so it is on time).
 */
function throttled(lateBy: number, duration: number, answers: boolean) {
  const clock = new LateClock(lateBy);
  const defaults: HeartbeatTiming = { interval: 15_000, timeout: 10_000 };
  const probes: number[] = [];
  const deaths: { at: number; reason: string }[] = [];
  const liveness = new Liveness(
    clock,
    defaults,
    host(
      () => probes.push(clock.now()),
      (reason) => deaths.push({ at: clock.now(), reason }),
    ),
  );
  liveness.start();
  for (let step = 0; step < duration && deaths.length === 0; step += 10) {
    clock.timers.increment(10);
    const last = probes.at(-1);
    if (answers && last !== undefined && clock.now() - last === 20) liveness.touch();
  }
  liveness.stop();
  return { probes, deaths };
}

describe.each([1_000, 60_000])('Liveness when every timer fires %i ms late', (lateBy) => {
  // On time, a black hole is declared dead 25 s after the last frame (15 s + 10 s).
  it('still declares a silent socket dead, one probe later at most', () => {
    const { deaths } = throttled(lateBy, 10 * 60_000, false);
    expect(deaths).toHaveLength(1);
    const onTime = 15_000 + 10_000;
    // One more probe (with its timeout), and each of the checks on the way late by `lateBy`.
    const bound = onTime + 10_000 + 4 * (lateBy + wakeCheckInterval);
    expect(deaths[0]?.at).toBeLessThanOrEqual(bound);
  });

  it('never declares dead a socket that answers every probe', () => {
    const { probes, deaths } = throttled(lateBy, 10 * 60_000, true);
    expect(deaths).toEqual([]);
    expect(probes.length).toBeGreaterThan(3);
  });
});

describe('Liveness.probeNow (the page became visible)', () => {
  it('probes at once and judges the probe on the heartbeat timeout', () => {
    const { clock, liveness, probes, deaths } = watch();
    clock.advanceTo(3_000);
    liveness.probeNow();
    expect(probes).toEqual([3_000]);
    clock.advanceTo(3_000 + timing.timeout);
    expect(deaths).toEqual([{ at: 3_000 + timing.timeout, reason: 'heartbeat timeout' }]);
  });

  it('keeps a socket that answers, and sends no second probe while one is out', () => {
    const { clock, liveness, probes, deaths } = watch();
    clock.advanceTo(3_000);
    liveness.probeNow();
    liveness.probeNow();
    expect(probes).toEqual([3_000]);
    clock.advanceTo(3_100);
    liveness.touch();
    clock.advanceTo(3_100 + timing.interval - 1);
    expect(probes).toEqual([3_000]);
    clock.advance(1);
    expect(probes).toEqual([3_000, 3_100 + timing.interval]);
    expect(deaths).toEqual([]);
    expect(clock.pendingTimers).toBe(timersPerClock);
  });
});

describe('Liveness.checkWithin (writes to confirm)', () => {
  it('runs a check, and the checked callback, within the delay on a quiet socket', () => {
    const clock = new TestClock();
    const checks: number[] = [];
    const liveness = new Liveness(
      clock,
      timing,
      host(
        () => undefined,
        () => undefined,
        (now) => checks.push(now),
      ),
    );
    liveness.start();
    clock.advanceTo(1_000);
    liveness.checkWithin(250);
    liveness.checkWithin(400);
    clock.advanceTo(5_000);
    expect(checks).toEqual([1_250]);
    // At once: the next time the clock's timers run.
    liveness.checkWithin(0);
    clock.advance(1);
    expect(checks).toEqual([1_250, 5_001]);
    // The heartbeat keeps its own time: the probe is still due `interval` after start.
    clock.advanceTo(timing.interval);
    expect(checks).toEqual([1_250, 5_001, timing.interval]);
    liveness.stop();
  });
});

describe('Liveness.stop', () => {
  it('clears its timer, and the wake check of its clock with the last liveness: no probe and no death afterwards', () => {
    const { clock, liveness, probes, deaths } = watch();
    expect(clock.pendingTimers).toBe(timersPerClock);
    liveness.stop();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(60_000);
    expect(probes).toEqual([]);
    expect(deaths).toEqual([]);
  });

  it('clears the timer of a pending probe: the socket is never declared dead', () => {
    const { clock, liveness, probes, deaths } = watch();
    clock.advanceTo(12_000);
    expect(probes).toEqual([10_000]);
    liveness.stop();
    clock.advance(60_000);
    expect(deaths).toEqual([]);
    expect(probes).toEqual([10_000]);
  });

  it('can be called twice, or before start', () => {
    const { clock, liveness } = watch();
    liveness.stop();
    liveness.stop();
    expect(clock.pendingTimers).toBe(0);
    const unstarted = new Liveness(
      clock,
      timing,
      host(
        () => undefined,
        () => undefined,
      ),
    );
    expect(() => unstarted.stop()).not.toThrow();
  });
});
