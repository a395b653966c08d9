// Upstream acks, batched: one cumulative ack every `every` messages or
// `delay` ms after the first unacknowledged one, whichever comes first.

/** Collects upstream ids to acknowledge and sends one cumulative ack per batch. */
export interface AckBatcher {
  /** `id` (and everything before it) may be acknowledged: now, or with the batch. */
  note(id: number): void;
  /** Sends the pending ack now, if any. */
  flush(): void;
  /** Drops the pending ack and the timer. */
  stop(): void;
}

/** An ack batcher that calls `send(id)` for each batch. */
export function createAckBatcher(every: number, delay: number, send: (id: number) => void) {
  let pending = 0;
  let count = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    count = 0;
  };
  const flush = () => {
    if (count === 0) return;
    const id = pending;
    stop();
    send(id);
  };
  return {
    note: (id: number) => {
      pending = Math.max(pending, id);
      count += 1;
      if (count >= every || delay === 0) flush();
      else timer ??= setTimeout(flush, delay);
    },
    flush,
    stop,
  } satisfies AckBatcher;
}
