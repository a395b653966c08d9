/**
 * The chaos tests' client, run in its own network namespace:
 * `node --import tsx test/chaos/client-process.ts '<config json>'`.
 *
 * A lifeline connection in ack mode whose `sync` says hello and resumes from
 * the server's `ackedThrough`. On stdout (JSON lines) it reports every status
 * change with its time; on stdin it takes commands:
 *
 *   {"cmd":"send","every":20,"pad":0}   send `{"n":..,"t":<sent at>,"pad":".."}` every `every` ms
 *   {"cmd":"stop"}                       stop sending; answers {"type":"stopped","sent":n}
 *   {"cmd":"report"}                     answers {"type":"report",..}: receipt outcomes and ack times
 *
 * Exits when stdin closes.
 */
import WebSocket from 'ws';
import { createConnection } from '../../src/client/create-connection.js';
import type { ReceiptState } from '../../src/client/delivery/receipt.js';
import type { ConnectionOptions } from '../../src/client/options.js';
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
  status: Status;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ClientConfig;
const emit = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);

const sync: ConnectionOptions['sync'] = ({ send, onMessage, signal }) =>
  new Promise((resolve, reject) => {
    const stop = onMessage((data) => {
      let reply: { welcome?: unknown; ackedThrough?: unknown };
      try {
        reply = JSON.parse(String(data));
      } catch {
        return;
      }
      if (reply.welcome !== true) return;
      stop();
      resolve({ ackedThrough: typeof reply.ackedThrough === 'number' ? reply.ackedThrough : 0 });
    });
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    send(JSON.stringify({ hello: 'chaos' }));
  });

const connection = createConnection({
  url: config.url,
  WebSocket: WebSocket as unknown as WebSocketConstructor,
  ack: true,
  sync,
  heartbeat: config.heartbeat,
  backoff: config.backoff,
  connectTimeout: config.connectTimeout,
  syncTimeout: config.syncTimeout,
  watchNetwork: false,
});

emit({ type: 'status', at: Date.now(), ...connection.status });
connection.subscribe((status) => emit({ type: 'status', at: Date.now(), ...status }));
connection.onError((error) => emit({ type: 'error', code: error.code, message: error.message }));

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
