/**
 * Builds the status page with esbuild and serves it on 127.0.0.1.
 *
 *   npx tsx examples/browser/serve.ts [port]
 *
 * serves the page and, on the same port (`/socket`), a small server that
 * speaks what the page speaks: the ack envelope (`{"id":n,"data":..}` ->
 * `{"ack":n}`, de-duplicated per client), the hello sync (`{"hello":id}` ->
 * `{"welcome":true,"ackedThrough":n}`) and the heartbeat (`{"type":"ping"}`
 * -> `{"type":"pong"}`). Messages are relayed to the other open tabs. Open
 * the page, then toggle the network in the devtools (Network > Offline) or
 * stop the server, and watch the badge.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type WebSocket, WebSocketServer } from 'ws';

const pageDirectory = new URL('.', import.meta.url);

/** The page and its script, bundled for the browser. */
export interface BuiltPage {
  html: string;
  script: string;
  /** Every file esbuild put in the bundle, relative to the working directory. */
  inputs: string[];
}

/**
 * Bundles examples/browser/main.ts for the browser. `ws` stays out: lifeline
 * imports it dynamically, and only where there is no global WebSocket.
 */
export async function buildPage(): Promise<BuiltPage> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('main.ts', pageDirectory))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external: ['ws'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text ?? '';
  const html = await readFile(new URL('index.html', pageDirectory), 'utf8');
  return { html, script, inputs: Object.keys(result.metafile.inputs) };
}

/** The page's own server protocol, for `npx tsx examples/browser/serve.ts`. */
function attachSocketServer(server: http.Server): WebSocketServer {
  const sockets = new WebSocketServer({ server, path: '/socket' });
  /** The highest message id accepted per client (the id the page says hello with). */
  const highest = new Map<string, number>();
  const clientOf = new WeakMap<WebSocket, string>();
  sockets.on('connection', (socket) => {
    socket.on('error', () => undefined);
    socket.on('message', (raw) => {
      const text = String(raw);
      let message: { hello?: unknown; id?: unknown; data?: unknown; type?: unknown } = {};
      try {
        message = text.startsWith('{') ? JSON.parse(text) : {};
      } catch {
        // Not JSON: relayed as it is.
      }
      const client = clientOf.get(socket) ?? 'anonymous';
      if (message.type === 'ping') {
        socket.send('{"type":"pong"}');
      } else if (typeof message.hello === 'string') {
        clientOf.set(socket, message.hello);
        socket.send(
          JSON.stringify({ welcome: true, ackedThrough: highest.get(message.hello) ?? 0 }),
        );
      } else if (typeof message.id === 'number') {
        const seen = highest.get(client) ?? 0;
        if (message.id > seen) {
          highest.set(client, message.id);
          relay(socket, `${client.slice(0, 8)}: ${String(message.data)}`);
        }
        socket.send(`{"ack":${highest.get(client)}}`);
      } else {
        relay(socket, `${client.slice(0, 8)}: ${text}`);
      }
    });
  });
  const relay = (from: WebSocket, text: string) => {
    for (const other of sockets.clients)
      if (other !== from && other.readyState === 1) other.send(text);
  };
  return sockets;
}

/** A running page server. */
export interface PageServer {
  /** The page's URL (add `?ws=...` to point it at another server). */
  readonly url: string;
  /** The page's own WebSocket server, when started with `socket: true`. */
  readonly socketUrl: string | undefined;
  close(): Promise<void>;
}

/** Serves the bundled page on 127.0.0.1 (port 0: any free port). */
export async function servePage(
  options: { port?: number; socket?: boolean } = {},
): Promise<PageServer> {
  const page = await buildPage();
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/' || path === '/index.html') {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(page.html);
    } else if (path === '/main.js') {
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(page.script);
    } else {
      response.writeHead(404).end();
    }
  });
  const sockets = options.socket ? attachSocketServer(server) : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    socketUrl: sockets ? `ws://127.0.0.1:${port}/socket` : undefined,
    close: async () => {
      for (const client of sockets?.clients ?? []) client.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const port = Number(process.argv[2] ?? 8090);
  const served = await servePage({ port, socket: true });
  console.log(`lifeline status page: open ${served.url}`);
  console.log('Ctrl-C stops the server (the page then shows "Reconnecting in ...").');
}
