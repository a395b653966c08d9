import type { Clock } from '../core/clock.js';

/** How the transport tells a live socket from a dead one. */
export interface HeartbeatTiming {
  /** Probe when nothing has arrived for this long, in ms. */
  interval: number;
  /** Declare the socket dead when nothing arrives this long after a probe, in ms. */
  timeout: number;
}

/** Between two checks, so that a process that slept is noticed soon after it wakes. */
export const wakeCheckInterval = 250;
/** A check this late (wall clock) means the process was asleep, not busy. */
export const wakeThreshold = 2000;
/** After waking, a probe must be answered this fast, in ms. */
export const wakeProbeTimeout = 500;
/** Why a socket whose heartbeat probe went unanswered was dropped. */
export const heartbeatTimeoutReason = 'heartbeat timeout';
/** Why a socket that did not answer the probe sent on waking was dropped. */
export const wakeProbeReason = 'no reply after wake';
/** A check later than this may have starved I/O: it sends one more probe before judging. */
const lagTolerance = 100;

/**
 * The liveness clock of one socket. Inbound frames only record a time (no
 * timer is touched per frame); one timer, re-armed when it fires, probes a
 * quiet socket, declares it dead when a probe goes unanswered, and probes at
 * once when the wall clock shows the process slept.
 *
 * Timers can run late (a busy event loop, a background tab clamped to one
 * wake-up per second or per minute). A check that runs late may find a reply
 * still unread behind it, so it sends one more probe instead of judging; that
 * probe is final: the next check judges it however late it runs. So lateness
 * delays a verdict by at most one probe and never cancels it, and a socket
 * whose replies arrive is never declared dead because the timers were late.
 */
export class Liveness {
  readonly #clock: Clock;
  readonly #timing: HeartbeatTiming;
  readonly #probe: () => void;
  readonly #dead: (reason: string, woke: boolean) => void;
  readonly #checked: (now: number) => void;
  #lastInbound = 0;
  /** Frames seen: a probe is answered by a frame that came after it, even within the same millisecond. */
  #inbound = 0;
  #inboundAtProbe = 0;
  #probeSentAt: number | null = null;
  #probeTimeout = 0;
  #probeReason = heartbeatTimeoutReason;
  /** The outstanding probe is judged on its timeout whatever the lateness of the check. */
  #probeIsFinal = false;
  #timer: unknown;
  #dueAt = 0;
  /** stop() may be called from inside a probe or the dead callback: nothing re-arms after it. */
  #stopped = false;

  /**
   * @param checked called on every check, after the verdict, with the
   * clock's time (the transport confirms writes from it)
   */
  constructor(
    clock: Clock,
    timing: HeartbeatTiming,
    probe: () => void,
    dead: (reason: string, woke: boolean) => void,
    checked: (now: number) => void = () => undefined,
  ) {
    this.#clock = clock;
    this.#timing = timing;
    this.#probe = probe;
    this.#dead = dead;
    this.#checked = checked;
  }

  start(): void {
    this.#lastInbound = this.#clock.now();
    this.#arm(this.#lastInbound);
  }

  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#stopped = true;
  }

  /** Something arrived: the socket is alive. Called per inbound frame, so it only stores a time. */
  touch(): void {
    this.#lastInbound = this.#clock.now();
    this.#inbound += 1;
  }

  /**
   * Probes now, unless a probe is already out (a page that became visible
   * again: its timers may have been throttled while it was hidden).
   */
  probeNow(): void {
    if (this.#stopped || this.#probeSentAt !== null) return;
    const now = this.#clock.now();
    this.#sendProbe(now, this.#timing.timeout, heartbeatTimeoutReason, false);
    if (this.#stopped) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#arm(now);
  }

  #arm(now: number): void {
    if (this.#stopped) return;
    const deadline =
      this.#probeSentAt === null
        ? this.#lastInbound + this.#timing.interval
        : this.#probeSentAt + this.#probeTimeout;
    this.#dueAt = Math.max(now, Math.min(now + wakeCheckInterval, deadline));
    this.#timer = this.#clock.setTimeout(() => this.#check(), this.#dueAt - now);
  }

  #sendProbe(now: number, timeout: number, reason: string, final: boolean): void {
    this.#probeSentAt = now;
    this.#inboundAtProbe = this.#inbound;
    this.#probeTimeout = timeout;
    this.#probeReason = reason;
    this.#probeIsFinal = final;
    try {
      this.#probe();
    } catch {
      // A probe that could not be sent goes unanswered: the timeout judges the socket.
    }
  }

  #check(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const lateBy = now - this.#dueAt;
    const slept = lateBy > wakeThreshold;
    if (this.#probeSentAt !== null && this.#inbound > this.#inboundAtProbe) {
      this.#probeSentAt = null;
    }
    if (this.#probeSentAt !== null && now >= this.#probeSentAt + this.#probeTimeout) {
      if (this.#probeIsFinal || lateBy <= lagTolerance) {
        this.#dead(this.#probeReason, this.#probeReason === wakeProbeReason);
        return;
      }
      if (slept) {
        this.#sendProbe(now, this.#wakeTimeout(), wakeProbeReason, true);
      } else {
        this.#sendProbe(now, this.#probeTimeout, this.#probeReason, true);
      }
    } else if (slept && !(this.#probeSentAt !== null && this.#probeIsFinal)) {
      this.#sendProbe(now, this.#wakeTimeout(), wakeProbeReason, true);
    } else if (this.#probeSentAt === null && now - this.#lastInbound >= this.#timing.interval) {
      this.#sendProbe(now, this.#timing.timeout, heartbeatTimeoutReason, false);
    }
    if (this.#stopped) return;
    this.#checked(now);
    this.#arm(now);
  }

  #wakeTimeout(): number {
    return Math.min(wakeProbeTimeout, this.#timing.timeout);
  }
}
