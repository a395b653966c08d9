/**
 * The client side of the overhead benchmark, one library per process:
 *   overhead-client.ts throughput <library,library...> <wsPort> <ioPort> <messages> <rounds>
 *   overhead-client.ts idle <library> <wsPort> <ioPort> <connections> [cpuMs]
 *   overhead-client.ts heap lifeline <wsPort> <ioPort> <connections>
 *   overhead-client.ts actor
 * Each library is used directly, as an application would (no adapter), with
 * its defaults. Prints one JSON line on stdout.
 */
import { WebSocket as PartySocket } from 'partysocket';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { fromCallback, SimulatedClock } from 'xstate';
import { createConnection } from '../src/client/create-connection.js';
import { wakeCheckInterval } from '../src/client/liveness.js';
import { createConnectionActor } from '../src/core/connection-actor.js';
import {
  type ConnectionEvent,
  connectionMachine,
  type TransportInput,
} from '../src/core/machine.js';
import { sessionConnectors } from './overhead-session.js';
import { type Connector, type Direct, type Ports, payload } from './overhead-shared.js';
import { ReconnectingWebSocket } from './peers/reconnecting-websocket.js';
import {
  type Charges,
  charge,
  type OwnerRules,
  perUnit,
  takeSnapshot,
} from './support/heap-snapshot.js';

const once = (subscribe: (resolve: () => void) => void) =>
  new Promise<void>((resolve) => subscribe(resolve));

const connectors: Record<string, Connector> = {
  lifeline: (ports, options) => {
    const connection = createConnection({
      url: `ws://127.0.0.1:${ports.ws}/`,
      ...(options?.inspect ? { inspect: options.inspect } : {}),
    });
    return {
      ready: once((resolve) => {
        connection.subscribe((status) => {
          if (status.state === 'connected') resolve();
        });
      }),
      send: (text) => {
        connection.send(text);
      },
      onMessage: (listener) => {
        connection.onMessage((data) => listener(data as string));
      },
      close: () => connection.close(),
    };
  },
  ws: (ports) => {
    const socket = new WebSocket(`ws://127.0.0.1:${ports.ws}/`);
    socket.on('error', () => undefined);
    return {
      ready: once((resolve) => socket.once('open', resolve)),
      send: (text) => socket.send(text),
      // Text as a string, as lifeline and the WebSocket API deliver it.
      onMessage: (listener) =>
        socket.on('message', (data, isBinary) => listener(isBinary ? '' : data.toString())),
      close: () => socket.terminate(),
    };
  },
  'reconnecting-websocket': (ports) => {
    const socket = new ReconnectingWebSocket(`ws://127.0.0.1:${ports.ws}/`, undefined, {
      WebSocket,
    });
    return {
      ready: once((resolve) => socket.addEventListener('open', () => resolve())),
      send: (text) => socket.send(text),
      onMessage: (listener) =>
        socket.addEventListener('message', (event) => listener(event.data as string)),
      close: () => socket.close(),
    };
  },
  partysocket: (ports) => {
    const socket = new PartySocket(`ws://127.0.0.1:${ports.ws}/`, undefined, { WebSocket });
    return {
      ready: once((resolve) => socket.addEventListener('open', () => resolve())),
      send: (text) => socket.send(text),
      onMessage: (listener) =>
        socket.addEventListener('message', (event) => listener(event.data as string)),
      close: () => socket.close(),
    };
  },
  'socket.io': (ports) => {
    const socket = io(`http://127.0.0.1:${ports.io}`);
    return {
      // Connected, and upgraded from long-polling to WebSocket.
      ready: once((resolve) => {
        const check = () => {
          if (
            socket.connected &&
            socket.io.engine?.transport.name === 'websocket' &&
            !(socket.io.engine as unknown as { upgrading: boolean }).upgrading
          )
            resolve();
          else setTimeout(check, 5);
        };
        check();
      }),
      send: (text) => {
        socket.send(text);
      },
      onMessage: (listener) => {
        socket.on('message', (data: string) => listener(data));
      },
      close: () => {
        socket.disconnect();
      },
    };
  },
  ...sessionConnectors,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A message listener whose next awaited text can be waited for. */
function inbox(connection: Direct) {
  let waiting: { text: string; resolve: () => void } | null = null;
  let count = 0;
  let countTarget = 0;
  let countDone: (() => void) | null = null;
  connection.onMessage((text) => {
    if (waiting && text === waiting.text) {
      const { resolve } = waiting;
      waiting = null;
      resolve();
      return;
    }
    count += 1;
    if (count === countTarget) countDone?.();
  });
  return {
    next: (text: string) => new Promise<void>((resolve) => (waiting = { text, resolve })),
    counted: (n: number) =>
      new Promise<void>((resolve) => {
        count = 0;
        countTarget = n;
        countDone = resolve;
      }),
  };
}

async function sendRun(connect: Connector, ports: Ports, n: number) {
  const connection = connect(ports);
  await connection.ready;
  const messages = inbox(connection);
  const ready = messages.next('ready');
  connection.send(`count:${n}`);
  await ready;
  const done = messages.next('done');
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i += 1) connection.send(payload);
  const loop = performance.now() - start;
  await done;
  const total = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  connection.close();
  return { loop, total, cpu: (used.user + used.system) / 1000, sys: used.system / 1000 };
}

async function receiveRun(connect: Connector, ports: Ports, n: number) {
  const connection = connect(ports);
  await connection.ready;
  const messages = inbox(connection);
  const all = messages.counted(n);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  connection.send(`blast:${n}`);
  await all;
  const total = performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  connection.close();
  return { total, cpu: (used.user + used.system) / 1000 };
}

async function throughput(libraries: string[], ports: Ports, n: number, rounds: number) {
  const send: Record<string, { loop: number; total: number; cpu: number; sys: number }[]> = {};
  const receive: Record<string, { total: number; cpu: number }[]> = {};
  for (const library of libraries) {
    send[library] = [];
    receive[library] = [];
  }
  // Interleaved: every round runs every library, in a rotating order, so that
  // they all meet the same machine; the first round warms up and is dropped.
  for (let round = 0; round <= rounds; round += 1) {
    const order = libraries.map((_, i) => libraries[(i + round) % libraries.length] as string);
    for (const library of order) {
      const connect = connectors[library] as Connector;
      const sent = await sendRun(connect, ports, n);
      const received = await receiveRun(connect, ports, n);
      if (round > 0) {
        send[library]?.push(sent);
        receive[library]?.push(received);
      }
      await sleep(20);
    }
  }
  let machineEvents: number | undefined;
  if (libraries.includes('lifeline')) {
    // The same traffic again, counting every event the actor receives once connected.
    let counting = false;
    machineEvents = 0;
    const connection = (connectors.lifeline as Connector)(ports, {
      inspect: (event) => {
        if (counting && event.type === '@xstate.event') machineEvents = (machineEvents ?? 0) + 1;
      },
    });
    await connection.ready;
    await sleep(20);
    const messages = inbox(connection);
    counting = true;
    const all = messages.counted(n);
    connection.send(`blast:${n}`);
    await all;
    for (let i = 0; i < n; i += 1) connection.send(payload);
    await sleep(200);
    counting = false;
    connection.close();
  }
  return { send, receive, machineEvents };
}

async function idle(library: string, ports: Ports, connections: number, cpuMs: number) {
  // The reference: raw ws, plus one timer of the wake check's period in the process.
  if (library === 'ws+timer') setInterval(() => undefined, wakeCheckInterval);
  const connect = connectors[library === 'ws+timer' ? 'ws' : library] as Connector;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const settle = async () => {
    for (let i = 0; i < 4; i += 1) {
      gc();
      await sleep(50);
    }
  };
  // Warm up: load every module and code path with a few connections first.
  const warm = Array.from({ length: 10 }, () => connect(ports));
  await Promise.all(warm.map((c) => c.ready));
  await sleep(500);
  await settle();
  const before = process.memoryUsage();
  const open = Array.from({ length: connections }, () => connect(ports));
  await Promise.all(open.map((c) => c.ready));
  // Past lifeline's stableAfter and reconnecting-websocket's minUptime (5 s): a settled, idle connection.
  await sleep(6000);
  await settle();
  const after = process.memoryUsage();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(cpuMs);
  const cpu = process.cpuUsage(cpuStart);
  const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart);
  for (const c of [...warm, ...open]) c.close();
  return {
    heapPerConnection: (after.heapUsed - before.heapUsed) / connections,
    rssPerConnection: (after.rss - before.rss) / connections,
    externalPerConnection: (after.external - before.external) / connections,
    cpuShare,
  };
}

/** Who owns what in a lifeline connection: see bench/support/heap-snapshot.ts. */
const lifelineOwners: OwnerRules = {
  own(node) {
    if (node.type === 'closure') {
      const file = node.script ?? '';
      // The sources as compiled under bench/.scratch/build/, or run as they are.
      const source = /\/(src\/.+)\.[jt]s$/.exec(file)?.[1];
      return source ? `closures of ${source}.ts` : undefined;
    }
    if (node.type !== 'object') return undefined;
    switch (node.name) {
      case 'LifelineConnection':
      case 'ConnectionCore':
      case 'Delivery':
      case 'Inbound':
      case 'StatusPublisher':
        return 'connection (its objects: handle, core, delivery, inbound, status)';
      case 'SocketTransport':
        return 'transport (SocketTransport)';
      case 'Actor':
        return node.property('id') === 'transport'
          ? 'xstate: transport actor (invoked)'
          : 'xstate: connection actor';
      case 'Liveness':
        return 'liveness';
      case 'Outbox':
        return 'outbox';
      case 'WriteLedger':
        return 'write ledger';
      case 'Timeout':
        return 'timers (Timeout)';
      case 'WebSocket':
      case 'Receiver':
      case 'Sender':
        return 'ws: WebSocket, Receiver, Sender';
      case 'Socket':
        return 'ws: net.Socket';
      default:
        return undefined;
    }
  },
  held(_from, owner, edge) {
    if (owner === 'xstate: connection actor') {
      if (edge === 'system') return 'xstate: actor system';
      if (edge === '_snapshot') return 'xstate: machine snapshot';
    }
    if (owner === 'xstate: transport actor (invoked)' && edge === '_snapshot') {
      return 'xstate: transport snapshot';
    }
    if (owner === 'xstate: machine snapshot' && edge === 'context') return 'machine context';
    if (owner.startsWith('connection (')) {
      if (/Listeners$/.test(edge)) return 'listener sets';
      if (edge === 'options' || edge === '#options') return 'resolved options';
    }
    return undefined;
  },
  fallback(node) {
    if (node.type === 'code') return 'compiled code (once per process, not per connection)';
    if (node.type === 'closure') return 'other closures';
    if (node.type === 'object') return `other: ${node.name}`;
    return `other: (${node.type})`;
  },
};

/**
 * Heap snapshots before and after opening `connections` lifeline connections:
 * what each part of a connection costs, per connection; then the heap used by
 * as many more, once everything they use is compiled.
 */
async function heap(ports: Ports, connections: number) {
  // HEAP_DETAIL=kind (or dominator) splits each part by the kinds of object in it.
  const detail = process.env.HEAP_DETAIL as 'kind' | 'dominator' | undefined;
  const connect = connectors.lifeline as Connector;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const settle = async () => {
    for (let i = 0; i < 4; i += 1) {
      gc();
      await sleep(50);
    }
  };
  const warm = Array.from({ length: 10 }, () => connect(ports));
  await Promise.all(warm.map((c) => c.ready));
  await sleep(500);
  await settle();
  // Kept as one string: the keys of a Map would be counted in the second snapshot.
  const before = JSON.stringify([...charge(await takeSnapshot(), lifelineOwners, detail)]);
  await settle();
  const heapBefore = process.memoryUsage().heapUsed;
  const open = Array.from({ length: connections }, () => connect(ports));
  await Promise.all(open.map((c) => c.ready));
  await sleep(6000);
  await settle();
  const heapAfter = process.memoryUsage().heapUsed;
  const after: Charges = charge(await takeSnapshot(), lifelineOwners, detail);
  // The same number again, in a process that has compiled everything they use: the part that is per connection.
  await settle();
  const moreBefore = process.memoryUsage().heapUsed;
  const more = Array.from({ length: connections }, () => connect(ports));
  await Promise.all(more.map((c) => c.ready));
  await sleep(6000);
  await settle();
  const moreAfter = process.memoryUsage().heapUsed;
  for (const c of [...warm, ...open, ...more]) c.close();
  return {
    heapPerConnection: (heapAfter - heapBefore) / connections,
    nextPerConnection: (moreAfter - moreBefore) / connections,
    owners: Object.fromEntries(perUnit(new Map(JSON.parse(before)) as Charges, after, connections)),
  };
}

function actorRate() {
  const clock = new SimulatedClock();
  const logic = connectionMachine.provide({
    actors: { transport: fromCallback<ConnectionEvent, TransportInput>(() => undefined) },
  });
  const actor = createConnectionActor({ clock }, { logic }).start();
  actor.send({ type: 'START' });
  const drop = { type: 'DROP', code: 1006, reason: '' } as const;
  const retry = { type: 'RETRY' } as const;
  const run = (ms: number) => {
    let transitions = 0;
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let i = 0; i < 500; i += 1) {
        actor.send(drop);
        actor.send(retry);
      }
      transitions += 1000;
    }
    return { transitions, ms: performance.now() - start };
  };
  run(300);
  const measured = run(1500);
  actor.stop();
  return { perSecond: (measured.transitions / measured.ms) * 1000 };
}

const [mode, library = '', wsPort = '0', ioPort = '0', a = '0', b = '0'] = process.argv.slice(2);
const ports = { ws: Number(wsPort), io: Number(ioPort) };
let result: unknown;
if (mode === 'throughput')
  result = await throughput(library.split(','), ports, Number(a), Number(b));
else if (mode === 'idle') result = await idle(library, ports, Number(a), Number(b) || 3000);
else if (mode === 'heap') result = await heap(ports, Number(a));
else if (mode === 'actor') result = actorRate();
else throw new Error(`unknown mode ${mode}`);
// Exits once the line is out: a pipe may take it in several writes.
process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
