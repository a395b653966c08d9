import type { Phase } from './story.js';

export interface StoryRun {
  /** Multiplies every phase's length. */
  timeScale: number;
  /** Stops the story between or during phases (Ctrl-C). */
  signal: AbortSignal;
  onPhase(phase: Phase<never>, index: number, count: number): void;
  /** A phase whose `endsWhen` resolved, `afterMs` into it. */
  onEndedEarly(phase: Phase<never>, afterMs: number): void;
  /** A phase that reached its time limit before its `endsWhen` resolved. */
  onOverrun(phase: Phase<never>): void;
}

/** Resolves with 'elapsed' after `ms`, or with 'aborted' as soon as `signal` aborts (clearing the timer). */
function pause(ms: number, signal: AbortSignal): Promise<'elapsed' | 'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve('elapsed');
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      resolve('aborted');
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** Plays the phases in order on `stage`; returns early when the signal aborts. */
export async function runStory<Stage>(
  story: readonly Phase<Stage>[],
  stage: Stage,
  { timeScale, signal, onPhase, onEndedEarly, onOverrun }: StoryRun,
): Promise<void> {
  for (const [index, phase] of story.entries()) {
    if (signal.aborted) return;
    onPhase(phase as Phase<never>, index, story.length);
    await phase.act?.(stage);
    // A phase that ends early must also clear its time limit, or the timer keeps the process alive.
    const phaseOver = new AbortController();
    const timeLimit = pause(phase.lasts * timeScale, AbortSignal.any([signal, phaseOver.signal]));
    const startedAt = Date.now();
    // Once the phase is over (time up, Ctrl-C), a late `endsWhen` is no longer news.
    let over = false;
    phase.endsWhen?.(stage).then(
      () => {
        if (!over) onEndedEarly(phase as Phase<never>, Date.now() - startedAt);
        phaseOver.abort();
      },
      () => phaseOver.abort(),
    );
    const outcome = await timeLimit;
    over = true;
    if (outcome === 'elapsed' && phase.endsWhen) onOverrun(phase as Phase<never>);
  }
}
