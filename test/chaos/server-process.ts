/**
 * The chaos tests' server, run in its own network namespace:
 * `node --import tsx test/chaos/server-process.ts <host> <port> <log file> <store file>`.
 *
 * A `createSessionServer` (the session protocol, docs/protocol.md) on a
 * durable test store (logged-session-store.ts, in `<store file>`), so that a
 * restarted server resumes the sessions a SIGKILLed one had. Once a client
 * has a session, it sends it a numbered message (`{"k":..,"t":<sent at>,"pad":".."}`)
 * every 20 ms, connected or not, until told to stop; a restarted server goes
 * on from the stream's last offset. It writes what happened to `<log file>`
 * (appended by every server process that ran; figures.ts reads it):
 *
 *   S <at> <pid> <last offset>             started (after replaying the store)
 *   C <at> <pid> <connection>              a socket connected
 *   X <at> <pid> <connection>              it closed
 *   R <at> <id> <n> <sentAt> <bytes> <c>   read upstream data frame `id` (the client's number n,
 *                                          sent at sentAt) on connection c (<pid>.<number>)
 *   A <at> <n> <sentAt> <bytes>            onMessage got the client's number n
 *   D <at> <id>                            the store refused id as a duplicate (a resend)
 *   G <at> <id> <ackedThrough>             the store refused id as a gap
 *   O <at> <offset> <k>                    downstream message k appended under offset
 *   E <at> <what>                          a failure (store, handler, send)
 *   P <at> <c>                             read a ping frame (the client's heartbeat probe) on c
 *
 * Tells the test `{"type":"listening"}` on stdout. Commands on stdin:
 * `{"cmd":"send","every":20,"pad":0}` changes the downstream pace;
 * `{"cmd":"stop"}` stops it and answers `{"type":"stopped","lastOffset":n}`
 * once no send is pending. Exits when stdin closes.
 */
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { WebSocketServer } from 'ws';
import { decodeClientFrame } from '../../src/protocol/decode-frame.js';
import { createSessionServer } from '../../src/server/session-server.js';
import { createLoggedSessionStore } from './logged-session-store.js';

const [host = '127.0.0.1', portText = '0', logFile = 'chaos-server.log', storeFile = 'store.log'] =
  process.argv.slice(2);

const log = (line: string) => appendFileSync(logFile, `${line}\n`);
const emit = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** The client's numbered message: n and its send time, or -1 and 0 for anything else. */
function numbered(data: string | Uint8Array, field: 'n' | 'k'): { n: number; t: number } {
  try {
    const body = JSON.parse(String(data)) as Record<string, unknown>;
    const n = body[field];
    return { n: typeof n === 'number' ? n : -1, t: typeof body.t === 'number' ? body.t : 0 };
  } catch {
    return { n: -1, t: 0 };
  }
}

const store = createLoggedSessionStore(storeFile, (id, result) => {
  if (result.outcome === 'duplicate') log(`D ${Date.now()} ${id}`);
  else if (result.outcome === 'gap') log(`G ${Date.now()} ${id} ${result.ackedThrough}`);
});

/** The client downstream messages go to: the one whose session the store has, or the latest. */
let clientId = store.clientIds().at(-1);
let lastOffset = clientId ? ((await store.get(clientId))?.lastOffset ?? 0) : 0;
log(`S ${Date.now()} ${process.pid} ${lastOffset}`);

const server = http.createServer((_request, response) => response.writeHead(426).end());
const sessions = createSessionServer({
  server,
  store,
  onMessage: (_client, data) => {
    const { n, t } = numbered(data, 'n');
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    log(`A ${Date.now()} ${n} ${t} ${bytes}`);
  },
  onSession: (client) => {
    if (client.clientId === clientId) return;
    clientId = client.clientId;
    void store.get(clientId).then((record) => {
      lastOffset = record?.lastOffset ?? 0;
    });
  },
  onError: (error) => log(`E ${Date.now()} ${error.code}: ${error.message.replace(/\n/g, ' ')}`),
});

let connections = 0;
(sessions.wss as WebSocketServer).on('connection', (ws) => {
  connections += 1;
  const connection = connections;
  const key = `${process.pid}.${connection}`;
  log(`C ${Date.now()} ${process.pid} ${connection}`);
  ws.on('close', () => log(`X ${Date.now()} ${process.pid} ${connection}`));
  // ws answers the pong itself; the log shows when each probe got through.
  ws.on('ping', () => log(`P ${Date.now()} ${key}`));
  // Runs after the session socket's own listener: what was read, on which connection.
  ws.on('message', (raw, isBinary) => {
    if (ws.readyState !== ws.OPEN) return;
    const wire = isBinary ? (raw as Buffer) : String(raw);
    const frame = decodeClientFrame(wire);
    if (frame.type !== 'data') return;
    const { n, t } = numbered(frame.data, 'n');
    const bytes = typeof wire === 'string' ? Buffer.byteLength(wire) : wire.byteLength;
    log(`R ${Date.now()} ${frame.id} ${n} ${t} ${bytes} ${key}`);
  });
});

let pace = { every: 20, pad: '' };
let sender: NodeJS.Timeout | undefined;
let pending: Promise<void> | undefined;

function sendOne(): void {
  if (pending || clientId === undefined) return;
  const k = lastOffset + 1;
  const data = JSON.stringify({ k, t: Date.now(), pad: pace.pad });
  pending = sessions.send(clientId, data).then(
    (offset) => {
      log(`O ${Date.now()} ${offset} ${k}`);
      lastOffset = offset;
      pending = undefined;
    },
    (error: Error) => {
      log(`E ${Date.now()} send: ${error.message}`);
      pending = undefined;
    },
  );
}

function pacing(every: number, pad: number): void {
  clearInterval(sender);
  pace = { every, pad: '.'.repeat(pad) };
  sender = setInterval(sendOne, every);
}

const commands: Record<string, (command: { every?: number; pad?: number }) => void> = {
  send: ({ every = 20, pad = 0 }) => pacing(every, pad),
  stop: () => {
    clearInterval(sender);
    sender = undefined;
    void Promise.resolve(pending).then(() => emit({ type: 'stopped', lastOffset }));
  },
};

server.listen(Number(portText), host, () => {
  pacing(20, 0);
  emit({ type: 'listening', pid: process.pid, lastOffset, skippedLines: store.skippedLines });
});

let rest = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  const lines = (rest + chunk).split('\n');
  rest = lines.pop() ?? '';
  for (const line of lines) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as { cmd: string; every?: number; pad?: number };
    commands[command.cmd]?.(command);
  }
});
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
