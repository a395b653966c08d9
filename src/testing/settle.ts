/**
 * Waits until the promises and microtasks already started have run (a
 * socket being created, a sync ending, a close arriving), on the real event
 * loop; no simulated time passes.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { FakeTransport, settle } from 'lifeline-ws/testing';
 *
 * const transport = new FakeTransport();
 * const connection = createConnection({ url: 'ws://app.test/', WebSocket: transport.WebSocket });
 * await settle();
 * transport.sockets.length; // 1
 * connection.close();
 * ```
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
