import type { Clock } from '../core/clock.js';
import { ClockScheduler, type Scheduled, wakeThreshold } from './clock-scheduler.js';

export { wakeCheckInterval, wakeThreshold } from './clock-scheduler.js';

/** How the transport tells a live socket from a dead one. */
export interface HeartbeatTiming {
  /** Probe when nothing has arrived for this long, in ms. */
  interval: number;
  /** Declare the socket dead when nothing arrives this long after a probe, in ms. */
  timeout: number;
}

/** After waking, a probe must be answered this fast, in ms. */
export const wakeProbeTimeout = 500;
/** Why a socket whose heartbeat probe went unanswered was dropped. */
export const heartbeatTimeoutReason = 'heartbeat timeout';
/** Why a socket that did not answer the probe sent on waking was dropped. */
export const wakeProbeReason = 'no reply after wake';
/**
 * While frames keep arriving, how often a socket's frames are counted, in ms:
 * a probe goes out at most this much later than `interval` after the last
 * frame (exactly `interval` after a lone frame, such as a probe's answer).
 */
export const frameCheckInterval = 250;
/** A check later than this may have starved I/O: it sends one more probe before judging. */
const lagTolerance = 100;

/** Nothing since `aliveAt`: the check is due when the socket has been quiet for `interval`. */
const quiet = 0;
/** Frames are arriving: the checks count them every `frameCheckInterval`. */
const busy = 1;
/** A probe is out: the check is due at its timeout. */
const probing = 2;
/** What the next check of the socket is for. */
type Phase = typeof quiet | typeof busy | typeof probing;

/** What a liveness acts on: the socket it watches (a transport). Methods, not closures: one object per socket. */
export interface LivenessHost {
  /** Sends a probe (a ping, or the heartbeat message). */
  probe(): void;
  /** The socket is dead; `woke` when it did not answer the probe sent on waking. */
  dead(reason: string, woke: boolean): void;
  /** Called on every check, after the verdict, with the clock's time (the transport confirms writes from it). */
  checked?(now: number): void;
}

/**
 * The liveness clock of one socket. An inbound frame only bumps a counter (the
 * first one after a quiet spell or a probe also reads the clock). The socket
 * is due for a check at its next deadline only: the probe of a quiet socket,
 * the timeout of a probe, or, while frames arrive, a count of them every
 * `frameCheckInterval`. An idle socket is checked once per heartbeat
 * `interval`. Its clock's scheduler (one timer per clock, see
 * ClockScheduler) runs the checks, and notices that the process slept (a
 * laptop's lid, a frozen tab): every socket on the clock then probes at once,
 * with a short timeout.
 *
 * Timers can run late (a busy event loop, a background tab clamped to one
 * wake-up per second or per minute). A check that runs late may find a reply
 * still unread behind it, so it sends one more probe instead of judging; that
 * probe is final: the next check judges it however late it runs. So lateness
 * delays a verdict by at most one probe and never cancels it, and a socket
 * whose replies arrive is never declared dead because the timers were late.
 */
export class Liveness implements Scheduled {
  readonly #clock: Clock;
  readonly #timing: HeartbeatTiming;
  readonly #host: LivenessHost;
  #scheduler: ClockScheduler | undefined;
  /** When the next check is due (the scheduler's). */
  dueAt = 0;
  /** Its place in the scheduler's heap (the scheduler's); -1 while not scheduled. */
  slot = -1;
  #phase: Phase = quiet;
  /** Frames seen. */
  #inbound = 0;
  /** The frame count that needs the clock read (the first after a quiet spell or a probe); -1 while busy. */
  #watchFor = -1;
  /** The frame count at the last check. */
  #counted = 0;
  /** When the socket was last known alive: frames arrived until then. */
  #aliveAt = 0;
  #probeSentAt = 0;
  #probeTimeout = 0;
  #probeReason = heartbeatTimeoutReason;
  /** The outstanding probe is judged on its timeout whatever the lateness of the check. */
  #probeIsFinal = false;
  /** A check asked for by `checkWithin`, on the clock's time line; Infinity when none. */
  #checkAt = Number.POSITIVE_INFINITY;
  #started = false;
  /** stop() may be called from inside a probe or the dead callback: nothing re-arms after it. */
  #stopped = false;

  constructor(clock: Clock, timing: HeartbeatTiming, host: LivenessHost) {
    this.#clock = clock;
    this.#timing = timing;
    this.#host = host;
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#scheduler = ClockScheduler.of(this.#clock);
    const now = this.#clock.now();
    this.#quiet(now);
    this.#arm(now);
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#scheduler?.remove(this);
  }

  /** The scheduler's: the check is due. */
  due(): void {
    if (!this.#stopped && this.slot < 0) this.#check();
  }

  /** The scheduler's: the process slept. Probe at once, with a short timeout. */
  woke(now: number): void {
    if (this.#stopped) return;
    this.#slept(now);
    if (!this.#stopped) this.#arm(now);
  }

  /** Something arrived: the socket is alive. Called per inbound frame: it only counts, but for the first after a quiet spell. */
  touch(): void {
    if (++this.#inbound === this.#watchFor) this.#woken();
  }

  /**
   * Probes now, unless a probe is already out (a page that became visible
   * again: its timers may have been throttled while it was hidden).
   */
  probeNow(): void {
    if (!this.#started || this.#stopped || this.#phase === probing) return;
    const now = this.#clock.now();
    this.#sendProbe(now, this.#timing.timeout, heartbeatTimeoutReason, false);
    this.#arm(now);
  }

  /** Runs a check (and the `checked` callback) within `delay` ms, sooner than the heartbeat would. */
  checkWithin(delay: number): void {
    if (!this.#started || this.#stopped) return;
    const now = this.#clock.now();
    const at = now + Math.max(0, delay);
    if (at >= this.#checkAt) return;
    this.#checkAt = at;
    if (at < this.dueAt && this.slot >= 0) this.#arm(now);
  }

  /** The first frame after a quiet spell or a probe: alive now, and frames are counted from here. */
  #woken(): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    this.#busy(now);
    this.#arm(now);
  }

  #quiet(now: number): void {
    this.#phase = quiet;
    this.#aliveAt = now;
    this.#watchFor = this.#inbound + 1;
  }

  #busy(now: number): void {
    this.#phase = busy;
    this.#aliveAt = now;
    this.#counted = this.#inbound;
    this.#watchFor = -1;
  }

  #sendProbe(now: number, timeout: number, reason: string, final: boolean): void {
    this.#phase = probing;
    this.#probeSentAt = now;
    this.#watchFor = this.#inbound + 1;
    this.#probeTimeout = timeout;
    this.#probeReason = reason;
    this.#probeIsFinal = final;
    try {
      this.#host.probe();
    } catch {
      // A probe that could not be sent goes unanswered: the timeout judges the socket.
    }
  }

  #arm(now: number): void {
    if (this.#stopped) return;
    let deadline: number;
    if (this.#phase === probing) deadline = this.#probeSentAt + this.#probeTimeout;
    else if (this.#phase === busy) {
      deadline = now + Math.min(frameCheckInterval, this.#timing.interval);
    } else deadline = this.#aliveAt + this.#timing.interval;
    const dueAt = Math.max(now, Math.min(deadline, this.#checkAt));
    (this.#scheduler as ClockScheduler).schedule(this, dueAt, now);
  }

  #check(): void {
    const now = this.#clock.now();
    const lateBy = now - this.dueAt;
    if (now >= this.#checkAt) this.#checkAt = Number.POSITIVE_INFINITY;
    if (lateBy > wakeThreshold) {
      this.#slept(now);
    } else if (this.#phase === probing) {
      if (now >= this.#probeSentAt + this.#probeTimeout) {
        if (this.#probeIsFinal || lateBy <= lagTolerance) {
          this.stop();
          this.#host.dead(this.#probeReason, this.#probeReason === wakeProbeReason);
          return;
        }
        this.#sendProbe(now, this.#probeTimeout, this.#probeReason, true);
      }
    } else if (this.#phase === busy) {
      // Frames since the last count: alive until now, keep counting. None: quiet since the last.
      if (this.#inbound !== this.#counted) this.#busy(now);
      else this.#quiet(this.#aliveAt);
    } else if (now - this.#aliveAt >= this.#timing.interval) {
      this.#sendProbe(now, this.#timing.timeout, heartbeatTimeoutReason, false);
    }
    if (this.#stopped) return;
    this.#host.checked?.(now);
    if (this.#stopped || this.slot >= 0) return;
    this.#arm(now);
  }

  /** The process slept: probe at once with a short timeout, unless a final probe is already out. */
  #slept(now: number): void {
    if (this.#phase === probing && this.#probeIsFinal) {
      // Judged by its own timeout: a sleep does not cancel it.
      if (now >= this.#probeSentAt + this.#probeTimeout) {
        this.stop();
        this.#host.dead(this.#probeReason, this.#probeReason === wakeProbeReason);
      }
      return;
    }
    const timeout = Math.min(wakeProbeTimeout, this.#timing.timeout);
    this.#sendProbe(now, timeout, wakeProbeReason, true);
  }
}
