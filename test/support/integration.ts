import { onTestFinished } from 'vitest';
import { type Connection, createConnection } from '../../src/client/create-connection.js';
import type { ConnectionOptions } from '../../src/client/options.js';
import type { Status } from '../../src/client/status.js';
import { FaultProxy } from './fault-proxy.js';
import { TestServer } from './test-server.js';

/** A server, a fault proxy in front of it, and connections; all closed when the test ends. */
export async function network() {
  const server = await TestServer.start();
  const proxy = await FaultProxy.start(server.port);
  const connections: Connection[] = [];
  onTestFinished(async () => {
    for (const connection of connections) connection.close();
    await proxy.close();
    await server.close();
  });
  const connect = (options: Partial<ConnectionOptions> = {}): Connection => {
    const connection = createConnection({ url: proxy.url, ...options });
    connections.push(connection);
    return connection;
  };
  return { server, proxy, connect };
}

/** Resolves with the first status (current or future) that satisfies `predicate`; rejects after `ms`. */
export function statusWhere(
  connection: Connection,
  predicate: (status: Status) => boolean,
  ms = 5000,
): Promise<Status> {
  if (predicate(connection.status)) return Promise.resolve(connection.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(`no matching status within ${ms} ms; last: ${JSON.stringify(connection.status)}`),
      );
    }, ms);
    const stop = connection.subscribe((status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      stop();
      resolve(status);
    });
  });
}

/** Resolves once `condition` holds, checking after each turn of the event loop; rejects after `ms`. */
export async function until(
  condition: () => boolean,
  ms = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets pending socket events run; no time is asserted on. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Records every status state change, with the time it was seen. */
export function timeline(connection: Connection): { state: Status['state']; at: number }[] {
  const seen = [{ state: connection.status.state, at: Date.now() }];
  connection.subscribe((status) => {
    if (status.state !== seen.at(-1)?.state) seen.push({ state: status.state, at: Date.now() });
  });
  return seen;
}
