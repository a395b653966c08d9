import type { Clock } from '../core/clock.js';

/**
 * Between two wake checks, in ms. A sleep longer than `wakeThreshold` plus
 * this (4 s) is always noticed, and at once on waking: the overdue timer
 * fires then. Shorter naps are left to the heartbeat. Every wake-up of an
 * idle process costs CPU (a few hundred microseconds on a small VM), so the
 * check runs no more often than it must: at 250 ms, 1,000 idle connections
 * cost 2.6x raw ws's idle CPU; at 2 s, about 1.2x (docs/benchmarks.md).
 */
export const wakeCheckInterval = 2000;
/** A check this late (wall clock) means the process was asleep, not busy. */
export const wakeThreshold = 2000;

/** What a clock's scheduler runs (a liveness): its fields are the scheduler's to set. */
export interface Scheduled {
  /** When it is due, on its clock's time line. */
  dueAt: number;
  /** Its place in the scheduler's heap; -1 while not scheduled. */
  slot: number;
  /** Its time came: it is no longer scheduled, and schedules itself again if it wants. */
  due(): void;
  /** The wake check found that the process slept. */
  woke(now: number): void;
}

/**
 * One timer per clock for every liveness on it: armed for the earliest of
 * their due times (a binary heap) and of the wake check, which runs every
 * `wakeCheckInterval` and, finding itself more than `wakeThreshold` late,
 * tells every liveness that the process slept. No timer per socket: an idle
 * socket is a slot in the heap. The scheduler of a clock goes (with its
 * timer) when its last liveness leaves, so tests on simulated clocks share
 * nothing.
 */
export class ClockScheduler {
  static readonly #of = new Map<Clock, ClockScheduler>();

  readonly #clock: Clock;
  readonly #heap: Scheduled[] = [];
  #timer: unknown;
  /** What the timer is armed for, on the clock's time line. */
  #armedFor = Number.POSITIVE_INFINITY;
  #wakeDueAt: number;
  #running = false;

  private constructor(clock: Clock) {
    this.#clock = clock;
    this.#wakeDueAt = clock.now() + wakeCheckInterval;
  }

  /** The scheduler of `clock`, made on first use. */
  static of(clock: Clock): ClockScheduler {
    let scheduler = ClockScheduler.#of.get(clock);
    if (!scheduler) {
      scheduler = new ClockScheduler(clock);
      ClockScheduler.#of.set(clock, scheduler);
    }
    return scheduler;
  }

  /** Schedules (or moves) `item` to `dueAt`. */
  schedule(item: Scheduled, dueAt: number, now: number): void {
    item.dueAt = dueAt;
    if (item.slot < 0) {
      item.slot = this.#heap.length;
      this.#heap.push(item);
    }
    this.#siftDown(this.#siftUp(item.slot));
    if (dueAt < this.#armedFor && !this.#running) this.#arm(now);
  }

  /** Takes `item` out; the last one out takes the scheduler (and its timer) with it. */
  remove(item: Scheduled): void {
    if (item.slot >= 0) this.#take(item.slot);
    if (this.#heap.length === 0 && !this.#running) this.#close();
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    this.#running = true;
    const now = this.#clock.now();
    if (now >= this.#wakeDueAt) {
      const slept = now - this.#wakeDueAt > wakeThreshold;
      this.#wakeDueAt = now + wakeCheckInterval;
      if (slept) for (const item of [...this.#heap]) if (item.slot >= 0) item.woke(now);
    }
    // Those due now; what they schedule while running waits for the next turn of the timer.
    const due: Scheduled[] = [];
    while (this.#heap.length > 0 && (this.#heap[0] as Scheduled).dueAt <= now) {
      due.push(this.#take(0));
    }
    for (const item of due) item.due();
    this.#running = false;
    if (this.#heap.length === 0) this.#close();
    else this.#arm(this.#clock.now());
  }

  #arm(now: number): void {
    const next = Math.min(this.#wakeDueAt, (this.#heap[0] as Scheduled).dueAt);
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#armedFor = next;
    this.#timer = this.#clock.setTimeout(() => this.#fire(), Math.max(0, next - now));
  }

  #close(): void {
    if (ClockScheduler.#of.get(this.#clock) === this) ClockScheduler.#of.delete(this.#clock);
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #take(slot: number): Scheduled {
    const heap = this.#heap;
    const item = heap[slot] as Scheduled;
    const last = heap.pop() as Scheduled;
    item.slot = -1;
    if (last !== item) {
      heap[slot] = last;
      last.slot = slot;
      this.#siftDown(this.#siftUp(slot));
    }
    return item;
  }

  #siftUp(slot: number): number {
    const heap = this.#heap;
    const item = heap[slot] as Scheduled;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      const above = heap[parent] as Scheduled;
      if (above.dueAt <= item.dueAt) break;
      heap[slot] = above;
      above.slot = slot;
      slot = parent;
    }
    heap[slot] = item;
    item.slot = slot;
    return slot;
  }

  #siftDown(slot: number): void {
    const heap = this.#heap;
    const item = heap[slot] as Scheduled;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= heap.length) break;
      const right = child + 1;
      if (
        right < heap.length &&
        (heap[right] as Scheduled).dueAt < (heap[child] as Scheduled).dueAt
      ) {
        child = right;
      }
      const below = heap[child] as Scheduled;
      if (item.dueAt <= below.dueAt) break;
      heap[slot] = below;
      below.slot = slot;
      slot = child;
    }
    heap[slot] = item;
    item.slot = slot;
  }
}
