/**
 * The chaos tests' server, run in its own network namespace:
 * `node --import tsx test/chaos/server-process.ts <host> <port> <log file>`.
 *
 * It speaks lifeline's default ack envelope like test/support/test-server.ts
 * (`{"id":n,"data":..}` in, `{"ack":n}` out, de-duplicating by id; `{"hello":..}`
 * answered with `{"welcome":true,"ackedThrough":n}`), and records every
 * decision in an append-only log before acknowledging, so that what it
 * accepted survives a SIGKILL and a restarted server resumes from it:
 *
 *   S <at> <pid> <highest id>            started (after reading the log)
 *   C <at> <pid> <connection>            a client connected
 *   X <at> <pid> <connection>            it went away
 *   A <at> <id> <n> <sentAt> <bytes> <c> accepted message `id` on connection c (<pid>.<number>):
 *                                        the client's number n, sent at sentAt
 *   G <at> <id> <expected id> <c>        refused `id` where `expected id` was due (a gap), closed with 4090
 *   D <at> <id> <c>                      dropped a resend of an id already accepted
 *   P <at> <c>                           read a ping frame (the client's heartbeat probe) on connection c
 *
 * Tells the test `{"type":"listening"}` on stdout; exits when stdin closes.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { WebSocketServer } from 'ws';

const [host = '127.0.0.1', portText = '0', logFile = 'chaos-server.log'] = process.argv.slice(2);

let highestId = 0;
if (existsSync(logFile)) {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const [kind, , id] = line.split(' ');
    if (kind === 'A') highestId = Math.max(highestId, Number(id));
  }
}

const log = (line: string) => appendFileSync(logFile, `${line}\n`);
const emit = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

log(`S ${Date.now()} ${process.pid} ${highestId}`);

const server = http.createServer((_request, response) => response.writeHead(426).end());
const wss = new WebSocketServer({ server });
let connections = 0;

wss.on('connection', (ws) => {
  connections += 1;
  const connection = connections;
  const key = `${process.pid}.${connection}`;
  log(`C ${Date.now()} ${process.pid} ${connection}`);
  ws.on('error', () => undefined);
  ws.on('close', () => log(`X ${Date.now()} ${process.pid} ${connection}`));
  // ws answers the pong itself; the log shows when each probe got through.
  ws.on('ping', () => log(`P ${Date.now()} ${key}`));
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return;
    const text = String(raw);
    let message: { id?: unknown; data?: unknown; hello?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if ('hello' in message) {
      ws.send(JSON.stringify({ welcome: true, ackedThrough: highestId }));
      return;
    }
    if (typeof message.id !== 'number') return;
    const id = message.id;
    const now = Date.now();
    if (id <= highestId) {
      log(`D ${now} ${id} ${key}`);
    } else if (id !== highestId + 1) {
      // A gap: take nothing past it, and close so that the client resends from highestId + 1.
      log(`G ${now} ${id} ${highestId + 1} ${key}`);
      ws.close(4090, 'gap');
      return;
    } else {
      let n = -1;
      let sentAt = 0;
      try {
        const body = JSON.parse(String(message.data)) as { n?: unknown; t?: unknown };
        n = typeof body.n === 'number' ? body.n : -1;
        sentAt = typeof body.t === 'number' ? body.t : 0;
      } catch {
        // Not one of the test's numbered messages: recorded with n = -1.
      }
      log(`A ${now} ${id} ${n} ${sentAt} ${Buffer.byteLength(text)} ${key}`);
      highestId = id;
    }
    ws.send(`{"ack":${highestId}}`);
  });
});

server.listen(Number(portText), host, () => {
  emit({ type: 'listening', pid: process.pid, highestId });
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
