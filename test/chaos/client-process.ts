/**
 * The chaos tests' client, run in its own network namespace:
 * `node --import tsx test/chaos/client-process.ts '<config json>'`.
 *
 * A lifeline connection in session mode (`session: true`, docs/protocol.md):
 * exactly once both ways. On stdout (JSON lines) it reports every status
 * change with its time, and every error (a ResyncRequiredError among them);
 * it records each downstream message it is given, with the offset the
 * session was at. On stdin it takes commands:
 *
 *   {"cmd":"send","every":20,"pad":0}   send `{"n":..,"t":<sent at>,"pad":".."}` every `every` ms
 *   {"cmd":"stop"}                       stop sending; answers {"type":"stopped","sent":n}
 *   {"cmd":"report"}                     answers {"type":"report",..}: receipt outcomes, ack times,
 *                                        what arrived downstream
 *
 * Exits when stdin closes.
 */
import WebSocket from 'ws';
import { createConnection } from '../../src/client/create-connection.js';
import type { ReceiptState } from '../../src/client/delivery/receipt.js';
import type { Status } from '../../src/client/status.js';
import type { WebSocketConstructor } from '../../src/client/websocket-like.js';

/** What the test passes as the first argument. */
export interface ClientConfig {
  url: string;
  heartbeat: { interval: number; timeout: number };
  backoff: { initialDelay: number; maxDelay: number };
  connectTimeout: number;
  syncTimeout: number;
}

/** A status change, as the client reports it. */
export interface StatusMessage extends Status {
  type: 'status';
  at: number;
}

/** The answer to `report`. */
export interface ReportMessage {
  type: 'report';
  sent: number;
  /** How many receipts are in each state. */
  receipts: Partial<Record<ReceiptState, number>>;
  /** [sent at, acked at] per acknowledged message, by message number. */
  acks: [number, number][];
  /** Each downstream message given to onMessage, in order: [session offset, k, sent at, received at]. */
  received: [number, number, number, number][];
  /** The session as the client sees it now. */
  session: { clientId: string; epoch: string | undefined; offset: number; ackedThrough: number };
  status: Status;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
const emit = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

const connection = createConnection({
  url: config.url,
  WebSocket: WebSocket as unknown as WebSocketConstructor,
  session: true,
  heartbeat: config.heartbeat,
  backoff: config.backoff,
  connectTimeout: config.connectTimeout,
  syncTimeout: config.syncTimeout,
  watchNetwork: false,
});

emit({ type: 'status', at: Date.now(), ...connection.status });
connection.subscribe((status) => emit({ type: 'status', at: Date.now(), ...status }));
connection.onError((error) => emit({ type: 'error', code: error.code, message: error.message }));

const received: ReportMessage['received'] = [];
connection.onMessage((data) => {
  const offset = connection.session?.offset ?? -1;
  let k = -1;
  let sentAt = 0;
  try {
    const body = JSON.parse(String(data)) as { k?: unknown; t?: unknown };
    k = typeof body.k === 'number' ? body.k : -1;
    sentAt = typeof body.t === 'number' ? body.t : 0;
  } catch {
    // Not one of the server's numbered messages: recorded with k = -1.
  }
  received.push([offset, k, sentAt, Date.now()]);
});

let sent = 0;
let sender: NodeJS.Timeout | undefined;
const receipts: Partial<Record<ReceiptState, number>> = {};
const acks: [number, number][] = [];

function sendOne(pad: string): void {
  const n = sent;
  sent += 1;
  const at = Date.now();
  const receipt = connection.send(JSON.stringify({ n, t: at, pad }));
  void receipt.settled.then((settled) => {
    receipts[settled.state] = (receipts[settled.state] ?? 0) + 1;
    if (settled.state === 'acked') acks[n] = [at, Date.now()];
  });
}

const commands: Record<string, (command: { every?: number; pad?: number }) => void> = {
  send: ({ every = 20, pad = 0 }) => {
    clearInterval(sender);
    const padding = '.'.repeat(pad);
    sender = setInterval(() => sendOne(padding), every);
  },
  stop: () => {
    clearInterval(sender);
    sender = undefined;
    emit({ type: 'stopped', sent });
  },
  report: () => {
    const report: ReportMessage = {
      type: 'report',
      sent,
      receipts,
      acks,
      received,
      session: connection.session ?? { clientId: '', epoch: undefined, offset: 0, ackedThrough: 0 },
      status: connection.status,
    };
    emit(report);
  },
};

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  const lines = (pending + chunk).split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    if (!line.trim()) continue;
    const command = JSON.parse(line) as { cmd: string; every?: number; pad?: number };
    commands[command.cmd]?.(command);
  }
});
process.stdin.on('end', () => {
  clearInterval(sender);
  connection.close();
  process.exit(0);
});
