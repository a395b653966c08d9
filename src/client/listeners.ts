/** Calls a listener; a throw surfaces later, as an uncaught error, without stopping the caller. */
export function callSafely<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (error) {
    // A listener's bug must not corrupt the connection; it still surfaces, as EventEmitter's would.
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** Calls every listener with `value`, each one safely. */
export function callEach<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of listeners) callSafely(listener, value);
}
