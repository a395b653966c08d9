import type { Clock } from './clock.js';

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
/** A check this late may have starved I/O: give pending replies a chance before judging. */
const lagTolerance = 100;

/**
 * The liveness clock of one socket. Inbound frames only record a time (no
 * timer is touched per frame); one timer, re-armed when it fires, probes a
 * quiet socket, declares it dead when a probe goes unanswered, and probes at
 * once when the wall clock shows the process slept.
 */
export class Liveness {
  readonly #clock: Clock;
  readonly #timing: HeartbeatTiming;
  readonly #probe: () => void;
  readonly #dead: (reason: string) => void;
  #lastInbound = 0;
  #probeSentAt: number | null = null;
  #probeTimeout = 0;
  #probeReason = 'heartbeat timeout';
  #timer: unknown;
  #dueAt = 0;
  /** stop() may be called from inside a probe or the dead callback: nothing re-arms after it. */
  #stopped = false;

  constructor(
    clock: Clock,
    timing: HeartbeatTiming,
    probe: () => void,
    dead: (reason: string) => void,
  ) {
    this.#clock = clock;
    this.#timing = timing;
    this.#probe = probe;
    this.#dead = dead;
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

  #sendProbe(now: number, timeout: number, reason: string): void {
    this.#probeSentAt = now;
    this.#probeTimeout = timeout;
    this.#probeReason = reason;
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
    if (lateBy > wakeThreshold) {
      this.#sendProbe(now, Math.min(wakeProbeTimeout, this.#timing.timeout), 'no reply after wake');
    } else if (this.#probeSentAt !== null && this.#lastInbound >= this.#probeSentAt) {
      this.#probeSentAt = null;
    } else if (this.#probeSentAt !== null && now >= this.#probeSentAt + this.#probeTimeout) {
      if (lateBy <= lagTolerance) {
        this.#dead(this.#probeReason);
        return;
      }
      if (this.#stopped) return;
      this.#dueAt = now;
      this.#timer = this.#clock.setTimeout(() => this.#check(), 0);
      return;
    } else if (this.#probeSentAt === null && now - this.#lastInbound >= this.#timing.interval) {
      this.#sendProbe(now, this.#timing.timeout, 'heartbeat timeout');
    }
    this.#arm(now);
  }
}
