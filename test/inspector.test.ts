import http from 'node:http';
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createConnection } from '../src/client/create-connection.js';
import { startInspector } from '../src/inspect/index.js';
import { runCli } from './support/cli.js';
import { statusWhere, until } from './support/integration.js';
import { TestServer } from './support/test-server.js';

/** What the Stately inspector receives: `@statelyai/inspect`'s events, as JSON. */
interface InspectionRecord {
  type: '@xstate.actor' | '@xstate.event' | '@xstate.snapshot';
  sessionId: string;
  event?: { type: string };
  snapshot?: { value?: unknown };
}

/** A local WebSocket inspector endpoint on 127.0.0.1, port 0, recording what it receives. */
async function inspectorEndpoint() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: InspectionRecord[] = [];
  wss.on('connection', (socket) => {
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as InspectionRecord));
  });
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  const { port } = wss.address() as net.AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, received };
}

async function testServer(): Promise<TestServer> {
  const server = await TestServer.start();
  onTestFinished(() => server.close());
  return server;
}

/** The `value` of every snapshot received, flattened to state names, e.g. `connected.live.probation`. */
function snapshotPaths(received: readonly InspectionRecord[]): string[] {
  const flatten = (value: unknown): string =>
    typeof value === 'string'
      ? value
      : Object.entries(value as Record<string, unknown>)
          .map(([key, inner]) => `${key}.${flatten(inner)}`)
          .join(',');
  return received
    .filter((record) => record.type === '@xstate.snapshot' && record.snapshot?.value !== undefined)
    .map((record) => flatten(record.snapshot?.value));
}

/** A port that was free a moment ago (the inspector server binds a fixed port). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('the Stately inspector', () => {
  it('streams a connection actor to a WebSocket inspector endpoint', async () => {
    const endpoint = await inspectorEndpoint();
    const server = await testServer();
    const inspector = await startInspector({ url: endpoint.url });
    onTestFinished(() => inspector.stop());
    expect(inspector.page).toBeUndefined();
    const connection = createConnection({ url: server.url, inspect: inspector.inspect });
    onTestFinished(() => connection.close());
    await statusWhere(connection, (status) => status.state === 'connected');

    await until(
      () => snapshotPaths(endpoint.received).some((path) => path.includes('live')),
      5000,
      'a snapshot in connected.live at the inspector',
    );
    const types = new Set(endpoint.received.map((record) => record.type));
    expect(types).toEqual(new Set(['@xstate.actor', '@xstate.event', '@xstate.snapshot']));
    const events = endpoint.received.flatMap((record) =>
      record.type === '@xstate.event' && record.event ? [record.event.type] : [],
    );
    expect(events).toContain('START');
    expect(events).toContain('OPEN');
    expect(snapshotPaths(endpoint.received)).toContain('session.connecting');
    expect(new Set(endpoint.received.map((record) => record.sessionId)).size).toBeGreaterThan(0);
  });

  it('is streamed by `lifeline --inspect=<ws-url>`, drops and reconnects included', async () => {
    const endpoint = await inspectorEndpoint();
    const server = await testServer();
    const cli = runCli([`--inspect=${endpoint.url}`, '--initial-delay', '50', server.url]);
    await cli.waitFor('stderr', /● connected/);
    expect(cli.stderr()).toContain(`inspector: streaming to ${endpoint.url}`);
    server.closeClients(1012, 'restart');
    await until(
      () => snapshotPaths(endpoint.received).filter((path) => path.includes('live')).length >= 2,
      5000,
      'a second live snapshot after the restart',
    );
    const drops = endpoint.received.filter(
      (record) => record.type === '@xstate.event' && record.event?.type === 'DROP',
    );
    expect(drops.length).toBeGreaterThan(0);
    cli.end();
    expect(await cli.exited).toBe(0);
  });

  it('starts the local inspector server, whose page relays the events to the browser', async () => {
    const port = await freePort();
    const server = await testServer();
    const inspector = await startInspector({ port });
    onTestFinished(() => inspector.stop());
    expect(inspector.page).toBe(`http://localhost:${port}`);

    // What the page's script does: connect to the server and receive what the app streams.
    const page = await new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${port}/`, (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    expect(page).toContain(`new WebSocket('ws://localhost:${port}')`);
    const browser = new WebSocket(`ws://127.0.0.1:${port}`);
    onTestFinished(() => browser.terminate());
    const relayed: InspectionRecord[] = [];
    browser.on('message', (data) => relayed.push(JSON.parse(String(data)) as InspectionRecord));
    await new Promise((resolve) => browser.once('open', resolve));

    const connection = createConnection({ url: server.url, inspect: inspector.inspect });
    onTestFinished(() => connection.close());
    await statusWhere(connection, (status) => status.state === 'connected');
    await until(
      () => snapshotPaths(relayed).some((path) => path.includes('live')),
      5000,
      'a live snapshot relayed to the page',
    );
    expect(relayed.some((record) => record.type === '@xstate.actor')).toBe(true);
  });

  it('says so when the inspector port is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as net.AddressInfo;
    await expect(startInspector({ port })).rejects.toThrow(`port ${port} is in use`);
  });
});
