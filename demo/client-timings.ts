/** The client's timers, chosen so each fault of the story is noticed and healed within its phase. */
export interface ClientTimings {
  /** One chat line per this many ms. */
  sendEvery: number;
  /** One server line per this many ms, from the embedded server to the client. */
  serverSendEvery: number;
  /** Probe after this long without inbound frames; the black hole is seen `interval + timeout` after its start. */
  heartbeat: { interval: number; timeout: number };
  /** Small delays so that several reconnections fit in a few seconds. */
  backoff: { initialDelay: number; maxDelay: number };
  /** A black-holed upgrade never answers: give up on it quickly and try again. */
  connectTimeout: number;
  syncTimeout: number;
  /** Shorter than the flapping phase, so the attempt count is seen to grow while the server flaps. */
  stableAfter: number;
}

/** The timings at `timeScale` (1 for the full story). */
export function clientTimings(timeScale: number): ClientTimings {
  const scaled = (ms: number) => Math.round(ms * timeScale);
  return {
    sendEvery: scaled(75),
    serverSendEvery: scaled(250),
    heartbeat: { interval: scaled(2000), timeout: scaled(1500) },
    backoff: { initialDelay: scaled(250), maxDelay: scaled(2000) },
    connectTimeout: scaled(2500),
    syncTimeout: scaled(2500),
    stableAfter: scaled(3000),
  };
}
