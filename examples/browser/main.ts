/**
 * The connection status as a person sees it: a status badge, the queue, a message box that
 * keeps working offline, and a timeline of transitions. Bundled by esbuild
 * (examples/browser/serve.ts); uses the browser's own WebSocket, and lifeline
 * listens to the window's `online`/`offline` events itself.
 *
 * Query parameters: `ws` (the server; default: this page's host), `ack=0`
 * (no ack envelope), `hello=0` (no sync handshake), `initialDelay`,
 * `maxDelay`, `jitter` (backoff), `heartbeat=0` (no heartbeat).
 */

import type { SyncResult } from '../../src/client/sync-context.js';
import type { Jitter } from '../../src/core/backoff.js';
import { printable } from '../../src/core/printable.js';
import {
  type Connection,
  createConnection,
  type IncomingData,
  type Receipt,
  type Status,
  type SyncContext,
} from '../../src/index.js';

const params = new URLSearchParams(location.search);
const flag = (name: string) => params.get(name) !== '0';
const number = (name: string) => {
  const value = params.get(name);
  return value === null ? undefined : Number(value);
};
const socketUrl =
  params.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/socket`;
/** Who we are to the server across reconnects, so it can de-duplicate by id. */
const clientId = crypto.randomUUID();
const startedAt = Date.now();

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const badge = element<HTMLOutputElement>('badge');
const detail = element('detail');
const retry = element<HTMLButtonElement>('retry');
const queued = element('queued');
const inFlight = element('in-flight');
const network = element('network');
const composer = element<HTMLFormElement>('composer');
const input = element<HTMLInputElement>('message');
const outbox = element<HTMLOListElement>('outbox');
const timeline = element<HTMLOListElement>('timeline');
const inbound = element<HTMLOListElement>('inbound');

/** The welcome that ends the sync, or undefined for any other frame. */
function readWelcome(data: IncomingData): { ackedThrough: number } | undefined {
  if (typeof data !== 'string' || !data.startsWith('{"welcome"')) return undefined;
  const message = JSON.parse(data) as { welcome?: unknown; ackedThrough?: unknown };
  return message.welcome === true && typeof message.ackedThrough === 'number'
    ? { ackedThrough: message.ackedThrough }
    : undefined;
}

/** Says hello on every fresh socket and waits for the welcome before the queue flows. */
function helloSync({ send, onMessage, signal }: SyncContext): Promise<SyncResult> {
  return new Promise((resolve, reject) => {
    const stop = onMessage((data) => {
      const welcome = readWelcome(data);
      if (!welcome) return;
      stop();
      resolve(welcome);
    });
    signal.addEventListener(
      'abort',
      () => {
        stop();
        reject(signal.reason);
      },
      { once: true },
    );
    send(JSON.stringify({ hello: clientId }));
  });
}

const connection: Connection = createConnection({
  url: socketUrl,
  ack: flag('ack'),
  ...(flag('hello') ? { sync: helloSync } : {}),
  backoff: {
    ...(number('initialDelay') === undefined ? {} : { initialDelay: number('initialDelay') }),
    ...(number('maxDelay') === undefined ? {} : { maxDelay: number('maxDelay') }),
    ...(params.has('jitter') ? { jitter: params.get('jitter') as Jitter } : {}),
  },
  // Browsers cannot send ping frames: the probe is a message the server answers.
  heartbeat: flag('heartbeat') ? { message: () => '{"type":"ping"}' } : false,
});

function seconds(ms: number): string {
  return `+${(ms / 1000).toFixed(2)} s`;
}

/** The badge's words: what a person needs to know, with a countdown while waiting. */
function label(status: Status): string {
  switch (status.state) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'syncing':
      return 'Syncing…';
    case 'reconnecting': {
      if (status.retryAt === null) return 'Reconnecting…';
      const left = Math.max(0, Math.ceil((status.retryAt - Date.now()) / 1000));
      return `Reconnecting in ${left} s`;
    }
    case 'offline':
      return 'Offline';
    case 'failed':
      return 'Failed';
    case 'closed':
      return 'Closed';
  }
}

function closeText(status: Status): string {
  const close = status.lastClose;
  if (!close) return '';
  const reason = printable(close.reason, 60);
  return `${close.code}${reason ? ` ${reason}` : ''}`;
}

function describe(status: Status): string {
  switch (status.state) {
    case 'reconnecting':
      return `attempt ${status.attempt}${status.lastClose ? ` · last close ${closeText(status)}` : ''}`;
    case 'offline':
      return 'the browser is offline: messages wait here';
    case 'failed':
      return closeText(status) || 'gave up';
    default:
      return '';
  }
}

const receipts: { receipt: Receipt; state: HTMLElement; id: HTMLElement }[] = [];

/** A message's id once it has one: it is given when the message is first written. */
function idOf(receipt: Receipt): string {
  return receipt.id === undefined ? '#…' : `#${receipt.id}`;
}

function renderReceipts(): void {
  for (const { receipt, state, id } of receipts) {
    if (state.dataset.receipt !== receipt.state) {
      state.dataset.receipt = receipt.state;
      state.textContent = receipt.state;
      id.textContent = idOf(receipt);
    }
  }
}

function render(status: Status): void {
  badge.dataset.state = status.state;
  badge.textContent = label(status);
  detail.textContent = describe(status);
  queued.textContent = String(status.queued);
  inFlight.textContent = String(status.inFlight);
  retry.hidden = !(status.state === 'failed' || status.retryAt !== null);
  renderReceipts();
}

function row(
  list: HTMLOListElement,
  ...cells: [text: string, className?: string][]
): HTMLLIElement {
  const item = document.createElement('li');
  for (const [text, className] of cells) {
    const cell = document.createElement('span');
    cell.textContent = text;
    if (className) cell.className = className;
    item.append(cell);
  }
  list.append(item);
  return item;
}

let lastState: Status['state'] | undefined;
function record(status: Status): void {
  if (status.state === lastState) return;
  lastState = status.state;
  const note = describe(status);
  const item = row(
    timeline,
    [seconds(Date.now() - startedAt), 'time'],
    [status.state],
    [note, 'detail'],
  );
  item.dataset.state = status.state;
}

let countdown: ReturnType<typeof setInterval> | undefined;
function update(status: Status): void {
  render(status);
  record(status);
  // The counters moved: queued messages were written (and got their ids) or acknowledged.
  renderReceipts();
  if (status.retryAt !== null && countdown === undefined) {
    countdown = setInterval(() => render(connection.status), 250);
  } else if (status.retryAt === null && countdown !== undefined) {
    clearInterval(countdown);
    countdown = undefined;
  }
}

// Called at once with the current status, then on each change.
connection.subscribe(update);

function isControl(data: IncomingData): boolean {
  return (
    typeof data === 'string' && (data === '{"type":"pong"}' || readWelcome(data) !== undefined)
  );
}

connection.onMessage((data) => {
  if (isControl(data)) return;
  inbound.querySelector('.empty')?.remove();
  const text = typeof data === 'string' ? printable(data, 200) : '(binary)';
  row(inbound, [seconds(Date.now() - startedAt), 'time'], [text]);
});

connection.onError((error) => {
  row(timeline, [seconds(Date.now() - startedAt), 'time'], ['error'], [error.message, 'detail']);
});

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value;
  if (text === '') return;
  input.value = '';
  const receipt = connection.send(text);
  const item = row(outbox, [idOf(receipt), 'time'], [receipt.state, 'receipt'], [text]);
  const state = item.querySelector('.receipt') as HTMLElement;
  const id = item.querySelector('.time') as HTMLElement;
  receipts.push({ receipt, state, id });
  renderReceipts();
  receipt.settled.then(renderReceipts);
});

retry.addEventListener('click', () => connection.retryNow());

function showNetwork(): void {
  network.textContent = navigator.onLine ? 'online' : 'offline';
}
window.addEventListener('online', showNetwork);
window.addEventListener('offline', showNetwork);
showNetwork();

// For poking at it from the devtools console.
Object.assign(window, { connection });
