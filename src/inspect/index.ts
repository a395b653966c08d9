import net from 'node:net';
import type { InspectionEvent, Observer } from 'xstate';

/** Where a connection's inspection events go. */
export interface StartInspectorOptions {
  /**
   * An inspector endpoint that already runs (a `ws:` URL, such as another
   * process's inspector server): events are streamed there and no server is
   * started.
   */
  url?: string;
  /**
   * The port of the local inspector server, when `url` is not given. The
   * server (`@statelyai/inspect/server`) listens on every interface.
   * @default 8080
   */
  port?: number;
  /**
   * Open the inspector page in the default browser (`xdg-open`, `open`, `start`).
   * @default false
   */
  open?: boolean;
}

/** A running inspector: give `inspect` to `createConnection`. */
export interface RunningInspector {
  /** The observer for `createConnection({ inspect })` (or XState's `createActor`). */
  readonly inspect: Observer<InspectionEvent>;
  /** The WebSocket endpoint the events are streamed to. */
  readonly endpoint: string;
  /** The page to open in a browser, when a local server was started. */
  readonly page: string | undefined;
  /** Stops streaming, and stops the local server if one was started. */
  stop(): void;
}

const defaultPort = 8080;

async function load<T>(specifier: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(
        'the Stately inspector needs @statelyai/inspect: npm install --save-dev @statelyai/inspect',
        { cause: error },
      );
    }
    throw error;
  }
}

/** Fails early, with a message, when the port is taken (the inspector server would crash on it). */
function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `cannot start the inspector server: port ${port} is in use (choose another port)`
            : `cannot start the inspector server on port ${port}: ${error.message}`,
          { cause: error },
        ),
      );
    });
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port`. */
async function listening(port: number, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the inspector server did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts the Stately inspector for a connection (`npm run demo -- --inspect`,
 * `lifeline --inspect`): by default a local inspector server from
 * `@statelyai/inspect/server` on port 8080, whose page (`page`) embeds
 * https://stately.ai/inspect and shows the statechart live. Needs the
 * optional `@statelyai/inspect` package.
 *
 * @example
 * ```ts
 * import { createConnection } from 'lifeline-ws';
 * import { startInspector } from 'lifeline-ws/inspect';
 *
 * const inspector = await startInspector();
 * console.error(`open ${inspector.page}`);
 * const connection = createConnection({ url: 'wss://example.com/chat', inspect: inspector.inspect });
 * // ...
 * connection.close();
 * inspector.stop();
 * ```
 */
export async function startInspector(
  options: StartInspectorOptions = {},
): Promise<RunningInspector> {
  const { createWebSocketInspector } =
    await load<typeof import('@statelyai/inspect')>('@statelyai/inspect');
  if (options.url !== undefined) {
    const endpoint = new URL(options.url);
    if (endpoint.protocol !== 'ws:' && endpoint.protocol !== 'wss:') {
      throw new TypeError(`the inspector endpoint must be a ws: or wss: URL, got ${options.url}`);
    }
    const inspector = createWebSocketInspector({ url: endpoint.toString() });
    return {
      inspect: inspector.inspect,
      endpoint: endpoint.toString(),
      page: undefined,
      stop: () => inspector.stop(),
    };
  }
  const port = options.port ?? defaultPort;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new RangeError(`the inspector port must be an integer from 1 to 65535, got ${port}`);
  }
  const { createInspectorServer } = await load<typeof import('@statelyai/inspect/server')>(
    '@statelyai/inspect/server',
  );
  await checkPortFree(port);
  const server = createInspectorServer({ port, autoOpen: options.open ?? false });
  await listening(port);
  const endpoint = `ws://127.0.0.1:${port}`;
  const inspector = createWebSocketInspector({ url: endpoint });
  return {
    inspect: inspector.inspect,
    endpoint,
    page: `http://localhost:${port}`,
    stop: () => {
      inspector.stop();
      server.stop();
    },
  };
}
