import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { wakeCheckInterval } from '../src/client/liveness.js';
import { compiled } from './support/compile.js';
import { count, median, quantile, ratio } from './support/stats.js';
import { now } from './support/time.js';
import type { BenchResult, Goal } from './support/types.js';

const messages = 200_000;
const rounds = 6;
const idleConnections = 1000;
const heapGoal = 12 * 1024;
/** The browser bundle of the status-page example, minified and gzipped, at most this many bytes. */
const bundleGoal = 20_000;
/** CPU of idle connections, at most this many times raw ws's. */
const idleCpuGoal = 1.5;
/** How long idle CPU is measured, in s. */
const idleCpuSeconds = 5;

const libraries = [
  { id: 'ws', label: 'ws (raw)' },
  { id: 'lifeline', label: 'lifeline' },
  { id: 'reconnecting-websocket', label: 'reconnecting-websocket' },
  { id: 'partysocket', label: 'partysocket' },
  { id: 'socket.io', label: 'socket.io-client' },
  { id: 'lifeline-session', label: 'lifeline (session, acks batched)' },
  { id: 'lifeline-session-ack1', label: 'lifeline (session, an ack per message)' },
  { id: 'ws-envelope', label: 'ws (raw) with the session envelope (reference)' },
];

/** The rows of session mode and its reference: left out of the idle runs. */
const sessionOnly = (id: string) => id.startsWith('lifeline-session') || id === 'ws-envelope';

/** The session rows' throughput goal, x raw ws, with acks batched. */
const sessionGoal = 0.9;

/**
 * The idle runs add a reference: raw ws with one timer of the wake check's
 * period in the process, what lifeline's one wake check costs by itself.
 */
const idleLibraries = [
  ...libraries.filter((library) => !sessionOnly(library.id)),
  { id: 'ws+timer', label: `ws (raw) + one ${wakeCheckInterval} ms timer (reference)` },
];

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/**
 * node, pinned to one CPU when `taskset` is there (client and server each get
 * a core). A `.ts` script runs with tsx; the client runs compiled (see
 * support/compile.ts).
 */
function node(cpu: number | null, args: string[]): ChildProcess {
  const script = args.find((arg) => !arg.startsWith('--')) ?? '';
  const command = [
    process.execPath,
    ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []),
    ...args,
  ];
  const [file, ...rest] =
    hasTaskset && cpu !== null ? ['taskset', '-c', String(cpu), ...command] : command;
  return spawn(file as string, rest, { stdio: ['pipe', 'pipe', 'inherit'] });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    // 'close', not 'exit': a child's last output may still be in the pipe when it exits.
    child.on('close', (code) => reject(new Error(`child exited with ${code} before answering`)));
  });
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill();
});

/** Runs a child to its one JSON line; kills it (by its own pid) after `timeoutMs`. */
async function runChild(cpu: number | null, args: string[], timeoutMs = 120_000): Promise<unknown> {
  const child = node(cpu, args);
  children.add(child);
  const timer = setTimeout(() => child.kill(), timeoutMs);
  try {
    return JSON.parse(await firstLine(child));
  } finally {
    clearTimeout(timer);
    children.delete(child);
  }
}

interface SendRun {
  total: number;
  cpu: number;
}

interface Throughput {
  send: Record<string, SendRun[]>;
  receive: Record<string, SendRun[]>;
  machineEvents?: number;
}

interface Idle {
  heapPerConnection: number;
  rssPerConnection: number;
  externalPerConnection: number;
  cpuShare: number;
}

interface HeapOwners {
  heapPerConnection: number;
  /** Heap per connection of the next as many connections, in the same process. */
  nextPerConnection: number;
  owners: Record<string, { bytes: number; objects: number }>;
}

interface Bundle {
  minified: number;
  gzipped: number;
  /** Minified bytes per input: lifeline's files one by one, each package as one. */
  inputs: { input: string; bytes: number }[];
}

/**
 * The status-page example (examples/browser/main.ts) bundled for the browser
 * as a user's bundler would: lifeline's sources and xstate, tree-shaken,
 * minified; then gzip -9.
 */
export async function browserBundle(): Promise<Bundle> {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['examples/browser/main.ts'],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0]?.contents ?? new Uint8Array();
  const bytesBy = new Map<string, number>();
  for (const meta of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
      const key = pkg ?? input;
      bytesBy.set(key, (bytesBy.get(key) ?? 0) + bytesInOutput);
    }
  }
  return {
    minified: output.length,
    gzipped: gzipSync(output, { level: 9 }).length,
    inputs: [...bytesBy]
      .map(([input, bytes]) => ({ input, bytes }))
      .filter((entry) => entry.bytes > 0)
      .sort((a, b) => b.bytes - a.bytes),
  };
}

/** The owners of the heap breakdown, largest first; owners below `floor` bytes go into one row. */
function ownerRows(owners: HeapOwners['owners'], floor = 40): (string | number)[][] {
  const entries = Object.entries(owners).sort((a, b) => b[1].bytes - a[1].bytes);
  const shown = entries.filter(
    ([owner, { bytes }]) => bytes >= floor && !owner.startsWith('other'),
  );
  const rest = entries.filter((entry) => !shown.includes(entry));
  const restBytes = rest.reduce((sum, [, { bytes }]) => sum + bytes, 0);
  const restObjects = rest.reduce((sum, [, { objects }]) => sum + objects, 0);
  const total = entries.reduce((sum, [, { bytes }]) => sum + bytes, 0);
  const row = (owner: string, bytes: number, objects: number) => [
    owner,
    `${(bytes / 1024).toFixed(2)} KiB`,
    `${((bytes / total) * 100).toFixed(0)} %`,
    objects.toFixed(1),
  ];
  return [
    ...shown.map(([owner, { bytes, objects }]) => row(owner, bytes, objects)),
    row(`other (${rest.length} kinds, none owned by a part above)`, restBytes, restObjects),
    row(
      'total',
      total,
      entries.reduce((sum, [, { objects }]) => sum + objects, 0),
    ),
  ];
}

/** Per round, baseline time / library time: the library's throughput as a share of raw ws's, paired. */
function paired(runs: SendRun[], baseline: SendRun[], key: 'total' | 'cpu'): number[] {
  return runs.map((run, i) => (baseline[i] as SendRun)[key] / run[key]);
}

/** One library's throughput figures, as the goals read them. */
interface ThroughputFigures {
  library: { id: string; label: string };
  sendWall: number[];
  sendCpu: number[];
  sendCpuPerMessage: number;
  receiveWall: number[];
  receiveCpu: number[];
  receiveCpuPerMessage: number;
}

/** The session's goal: send and receive at least `sessionGoal` x raw ws, acks batched. */
function sessionThroughputGoal(figures: ThroughputFigures[]): Goal {
  const of = (id: string) => figures.find((f) => f.library.id === id) as ThroughputFigures;
  const batched = of('lifeline-session');
  const each = of('lifeline-session-ack1');
  const plain = of('lifeline');
  const raw = of('ws');
  const shares = [batched.sendWall, batched.sendCpu, batched.receiveWall, batched.receiveCpu].map(
    median,
  );
  const envelope = of('ws-envelope');
  const us = (value: number) => `${value.toFixed(2)} us`;
  const gap = (
    direction: string,
    session: number,
    reference: number,
    base: number,
    share: number[],
  ) =>
    `${direction}: of the ${us(session - base)} session mode adds to raw ws's ${us(base)}, the envelope itself takes ${us(reference - base)} (raw ws with the envelope: ${us(reference)}, ${ratio(median(share))} raw ws's CPU throughput: a ceiling for any client of the protocol) and lifeline's own work the other ${us(session - reference)}`;
  return {
    benchmark: 'overhead',
    goal: `session mode: send and receive throughput at least ${ratio(sessionGoal, 1)} raw ws with acks batched (wall clock and client CPU per message)`,
    measured: `send: wall ${ratio(shares[0] as number)}, CPU ${ratio(shares[1] as number)}; receive: wall ${ratio(shares[2] as number)}, CPU ${ratio(shares[3] as number)}; with an ack per message: send ${ratio(median(each.sendWall))}, receive ${ratio(median(each.receiveWall))} (wall)`,
    met: shares.every((share) => share >= sessionGoal),
    whyMissed: `Client CPU per 64-byte message, medians: send ${us(batched.sendCpuPerMessage)} in session mode, ${us(plain.sendCpuPerMessage)} for lifeline without it, ${us(raw.sendCpuPerMessage)} for raw ws; receive ${us(batched.receiveCpuPerMessage)}, ${us(plain.receiveCpuPerMessage)}, ${us(raw.receiveCpuPerMessage)}. Part of the gap is the envelope on the wire, which no client of the protocol avoids: a string made per message, a frame about 20 bytes longer, and on receipt a JSON.parse per frame. The reference row, raw ws writing \`{"id":n,"data":"..."}\` and parsing \`{"offset":n,"data":"..."}\` with no bookkeeping, measures it. ${gap('Sending', batched.sendCpuPerMessage, envelope.sendCpuPerMessage, raw.sendCpuPerMessage, envelope.sendCpu)}: numbering, the receipt, and the outbox entry kept until the server's cumulative ack releases it (${count(messages)} entries: the loop runs before any ack can be read). ${gap('Receiving', batched.receiveCpuPerMessage, envelope.receiveCpuPerMessage, raw.receiveCpuPerMessage, envelope.receiveCpu)}: checking the frame as the protocol requires, the offset, an ack every 32 messages (a socket write each, which the reference does not make) and the way through the connection to its listeners. With an ack per message both ways instead: send ${us(each.sendCpuPerMessage)}, receive ${us(each.receiveCpuPerMessage)}; the difference to the batched row is what the acks would cost unbatched.`,
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const percent = (share: number) => `${(share * 100).toFixed(2)} %`;

export async function runOverhead(): Promise<BenchResult> {
  const started = now();
  const bundle = await browserBundle();
  const client = await compiled('bench/overhead-client.ts');
  const server = node(0, [here('./overhead-server.ts')]);
  children.add(server);
  const ports = JSON.parse(await firstLine(server)) as { ws: number; io: number };
  const portArgs = [String(ports.ws), String(ports.io)];
  let throughput: Throughput;
  let idle: Record<string, Idle>;
  let actor: { perSecond: number };
  let breakdown: HeapOwners;
  try {
    throughput = (await runChild(1, [
      client,
      'throughput',
      libraries.map((l) => l.id).join(','),
      ...portArgs,
      String(messages),
      String(rounds),
    ])) as Throughput;
    // Memory: one process per library, two at a time (they idle; heap is per process).
    idle = {};
    for (let i = 0; i < idleLibraries.length; i += 2) {
      const pair = idleLibraries.slice(i, i + 2);
      const results = await Promise.all(
        pair.map((library) =>
          runChild(null, [
            '--expose-gc',
            client,
            'idle',
            library.id,
            ...portArgs,
            String(idleConnections),
            String(idleCpuSeconds * 1000),
          ]),
        ),
      );
      pair.forEach((library, j) => {
        idle[library.id] = results[j] as Idle;
      });
    }
    // Where the heap goes: snapshots before and after, in a run of its own (snapshots take memory and time).
    breakdown = (await runChild(null, [
      '--expose-gc',
      client,
      'heap',
      'lifeline',
      ...portArgs,
      String(idleConnections),
    ])) as HeapOwners;
    actor = (await runChild(1, [client, 'actor'])) as { perSecond: number };
  } finally {
    server.stdin?.end();
    server.kill();
    children.delete(server);
  }
  const base = {
    send: throughput.send.ws as SendRun[],
    receive: throughput.receive.ws as SendRun[],
  };
  const figures = libraries.map((library) => {
    const send = throughput.send[library.id] as SendRun[];
    const receive = throughput.receive[library.id] as SendRun[];
    return {
      library,
      sendRate: (messages / median(send.map((r) => r.total))) * 1000,
      sendWall: paired(send, base.send, 'total'),
      sendCpu: paired(send, base.send, 'cpu'),
      sendCpuPerMessage: (median(send.map((r) => r.cpu)) / messages) * 1000,
      receiveRate: (messages / median(receive.map((r) => r.total))) * 1000,
      receiveWall: paired(receive, base.receive, 'total'),
      receiveCpu: paired(receive, base.receive, 'cpu'),
      receiveCpuPerMessage: (median(receive.map((r) => r.cpu)) / messages) * 1000,
    };
  });
  const spread = (values: number[]) =>
    `${ratio(median(values))} (${quantile(values, 0.25).toFixed(2)}-${quantile(values, 0.75).toFixed(2)})`;
  const throughputRows = figures.map((f) => [
    f.library.label,
    count(f.sendRate),
    spread(f.sendWall),
    `${f.sendCpuPerMessage.toFixed(2)} us`,
    ratio(median(f.sendCpu)),
    count(f.receiveRate),
    spread(f.receiveWall),
    `${f.receiveCpuPerMessage.toFixed(2)} us`,
    ratio(median(f.receiveCpu)),
  ]);
  const wsIdle = idle.ws as Idle;
  const idleRows = idleLibraries.map((library) => {
    const result = idle[library.id] as Idle;
    return [
      library.label,
      kib(result.heapPerConnection),
      ratio(result.heapPerConnection / wsIdle.heapPerConnection),
      kib(result.rssPerConnection),
      kib(result.externalPerConnection),
      percent(result.cpuShare),
      ratio(result.cpuShare / wsIdle.cpuShare),
    ];
  });
  const lifeline = figures.find((f) => f.library.id === 'lifeline') as (typeof figures)[number];
  const raw = figures.find((f) => f.library.id === 'ws') as (typeof figures)[number];
  const lifelineIdle = idle.lifeline as Idle;
  const sendWall = median(lifeline.sendWall);
  const sendCpu = median(lifeline.sendCpu);
  const receiveWall = median(lifeline.receiveWall);
  const receiveCpu = median(lifeline.receiveCpu);
  const idleCpuRatio = lifelineIdle.cpuShare / wsIdle.cpuShare;
  const partBytes = (prefix: string) =>
    Object.entries(breakdown.owners)
      .filter(([owner]) => owner.startsWith(prefix))
      .reduce((sum, [, { bytes }]) => sum + bytes, 0);
  const xstateBytes = bundle.inputs.find((entry) => entry.input === 'xstate')?.bytes ?? 0;
  const goals: Goal[] = [
    {
      benchmark: 'overhead',
      goal: 'send throughput at least 0.95x raw ws (wall clock and client CPU per message)',
      measured: `wall ${ratio(sendWall)}, CPU ${ratio(sendCpu)} (medians of ${rounds} paired rounds)`,
      met: sendWall >= 0.95 && sendCpu >= 0.95,
    },
    {
      benchmark: 'overhead',
      goal: 'receive throughput at least 0.95x raw ws (wall clock and client CPU per message)',
      measured: `wall ${ratio(receiveWall)}, CPU ${ratio(receiveCpu)} (medians of ${rounds} paired rounds)`,
      met: receiveWall >= 0.95 && receiveCpu >= 0.95,
      whyMissed: `Per inbound frame lifeline only counts it for the heartbeat (no clock read) and hands it to its listeners (no allocation, no actor event): in this run ${(lifeline.receiveCpuPerMessage - raw.receiveCpuPerMessage).toFixed(2)} us of client CPU on top of raw ws's ${raw.receiveCpuPerMessage.toFixed(2)} us per 64-byte frame on loopback (medians), where the frame itself costs almost nothing. None of it goes through the actor (last goal).`,
    },
    sessionThroughputGoal(figures),
    {
      benchmark: 'overhead',
      goal: `heap per idle connection at most ${kib(heapGoal)} (${count(idleConnections)} connections)`,
      measured: `${kib(lifelineIdle.heapPerConnection)} (raw ws: ${kib(wsIdle.heapPerConnection)})`,
      met: lifelineIdle.heapPerConnection <= heapGoal,
      whyMissed: `By the heap snapshots (table "Heap per idle lifeline connection, by part"): xstate's actor system, the connection's actor, the invoked transport's and their snapshots take ${kib(partBytes('xstate'))} of each connection (an actor system per root actor, and an options object with a hidden class of its own per actor, which xstate makes with a spread), ws's socket ${kib(partBytes('ws:'))}, and code compiled during the run ${kib(partBytes('compiled code'))} (not per connection: the next ${count(idleConnections)} connections took ${kib(breakdown.nextPerConnection)} each). lifeline's own objects are the rest.`,
    },
    {
      benchmark: 'overhead',
      goal: `CPU of ${count(idleConnections)} idle connections at most ${ratio(idleCpuGoal, 1)} raw ws's`,
      measured: `${ratio(idleCpuRatio)} (${percent(lifelineIdle.cpuShare)} of a core; raw ws ${percent(wsIdle.cpuShare)})`,
      met: idleCpuRatio <= idleCpuGoal,
      whyMissed: `An idle connection has no timer of its own: one timer per clock runs every connection's heartbeat (a probe every 15 s by default, after this window) and the wake check, every ${wakeCheckInterval} ms, that notices at once on waking that the machine slept (any sleep over 4 s), whatever the number of connections. Every wake-up of an idle process costs CPU (on this virtual machine a few hundred microseconds), more than raw ws's whole idle cost: the reference row, raw ws with one such timer, measured ${percent((idle['ws+timer'] as Idle).cpuShare)} of a core (${ratio((idle['ws+timer'] as Idle).cpuShare / wsIdle.cpuShare)} raw ws).`,
    },
    {
      benchmark: 'overhead',
      goal: `browser bundle of the status-page example (examples/browser), minified and gzip -9, at most ${kb(bundleGoal)}`,
      measured: `${kb(bundle.gzipped)} (${count(bundle.gzipped)} bytes; ${kb(bundle.minified)} minified, of which xstate ${kb(xstateBytes)})`,
      met: bundle.gzipped <= bundleGoal,
      whyMissed: `xstate's interpreter is ${kb(xstateBytes)} of the ${kb(bundle.minified)} minified; the rest is lifeline's own code (the table "Browser bundle" lists it file by file).`,
    },
    {
      benchmark: 'overhead',
      goal: 'no per-message work goes through the actor',
      measured: `${throughput.machineEvents} actor events while ${count(messages)} messages went out and ${count(messages)} came in`,
      met: throughput.machineEvents === 0,
    },
  ];
  return {
    name: 'overhead',
    title: 'Overhead',
    method: [
      `Client and server in separate processes${hasTaskset ? ', pinned to one CPU each with taskset' : ''}. The server completes real handshakes (ws; socket.io with its defaults, after its upgrade to WebSocket) and then works on raw TCP: it counts the client's frames without decoding them (reading in batches every 2 ms, as a busy server does) and sends pre-encoded frames in one write, so that the client's cost is what is measured.`,
      `Send: ${count(messages)} messages of 64 bytes in a loop through the library's send, timed until the server has counted them all. Receive: the server writes ${count(messages)} messages of 64 bytes, timed until the library's message listener has seen them all (raw ws converts each to a string, as lifeline and the WebSocket API deliver text).`,
      `Each library once per round, in a rotating order, ${rounds} rounds after one warm-up round, in one client process; ratios are per round against raw ws in the same round (median, interquartile range in brackets). Wall-clock time on this virtual machine is noisy (loopback TCP work in the kernel is not charged to the process), so client CPU time per message is shown too.`,
      `Idle: one process per library opens 10 connections (warm-up), measures, opens ${count(idleConnections)} more, waits 6 s (past lifeline's stableAfter and reconnecting-websocket's minUptime), runs the garbage collector and measures again; heap and RSS per connection are the differences divided by ${count(idleConnections)}. Idle CPU is that process's CPU over the next ${idleCpuSeconds} s, before lifeline's first heartbeat probes (due 15 s after opening); the processes run two at a time, raw ws next to lifeline.`,
      `Heap by part: another process opens the same connections and takes a V8 heap snapshot (node:v8 getHeapSnapshot) before and after; every object is charged to the nearest owner that alone keeps it alive (its dominator): the xstate actors (the connection's and the invoked transport's), the actor system, the snapshots and the machine context (by the property that holds them), the connection's own objects, the transport, the liveness, the outbox, the write ledger, the resolved options, ws's WebSocket and net.Socket, and closures by the source file that defines them. The difference between the two snapshots, divided by ${count(idleConnections)}, is the table. The same process then opens ${count(idleConnections)} more connections and measures their heap alone (the note under the table).`,
      `Session mode (lifeline (session, ...) rows): \`createConnection({ url, session })\` against a fake session endpoint of the same server, as cheap as the raw one: it answers \`hello\` with \`welcome\` and \`replayed\`, then counts the data frames (acks from the client are read past) and acknowledges every 64 of them, as createSessionServer does by default, or blasts pre-encoded data frames with their offsets; the client acknowledges every 32 (its default). The other row acknowledges every message both ways. The reference row, raw ws with the session envelope, talks to the same endpoint as the batched row with no bookkeeping at all: it says \`hello\`, waits for \`replayed\`, writes each message as \`{"id":n,"data":<JSON string>}\` (the id a counter), JSON.parses every frame it receives and hands a data frame's \`data\` on (no offset check, no acks, no outbox): the envelope's own cost, which any client of the protocol pays. The send loop writes all ${count(messages)} messages before any ack can be read, so the session's outbox bounds (10,000 messages, 8 MiB by default) are lifted for these rows; the idle measurements leave them out.`,
      'The clients run compiled to plain JavaScript (esbuild, file by file, as the package is built); through tsx, which wraps every function in `__name()`, each closure would carry a property dictionary that neither the published package nor a bundle has.',
      `Browser bundle: examples/browser/main.ts (the status page) bundled by esbuild for the browser, minified, ES2022, as a user's bundler would bundle the package (xstate included, ws left out by its browser field), then gzip -9 of the whole.`,
      "Actor: a connection actor on a simulated clock with a no-op transport takes DROP and RETRY in turn (each a transition that enters and leaves states, timers and the invoked transport); lifeline's live connection is then checked with an inspector: every actor event while the throughput traffic flows is counted.",
    ],
    tables: [
      {
        title: `Throughput, ${count(messages)} messages of 64 bytes on an open connection`,
        columns: [
          'library',
          'send msg/s',
          'send vs ws',
          'send CPU / msg',
          'send CPU vs ws',
          'receive msg/s',
          'receive vs ws',
          'receive CPU / msg',
          'receive CPU vs ws',
        ],
        rows: throughputRows,
      },
      {
        title: `Idle connections (${count(idleConnections)} per library)`,
        columns: [
          'library',
          'heap / connection',
          'heap vs ws',
          'RSS / connection',
          'external / connection',
          'idle CPU',
          'idle CPU vs ws',
        ],
        rows: idleRows,
      },
      {
        title: `Heap per idle lifeline connection, by part (heap snapshots, ${count(idleConnections)} connections)`,
        columns: ['part', 'heap / connection', 'share', 'objects / connection'],
        rows: ownerRows(breakdown.owners),
        notes: [
          `Heap used per connection in that run: ${kib(breakdown.heapPerConnection)} (the idle table's figure comes from a run without snapshots); ${count(idleConnections)} more connections opened next in the same process, with everything they run already compiled, took ${kib(breakdown.nextPerConnection)} each. Objects are charged to the nearest part that alone keeps them alive (the dominator tree); "closures of" a file are its closures with their scopes.`,
        ],
      },
      {
        title:
          'Browser bundle of the status-page example (esbuild, minified; gzip -9 of the whole)',
        columns: ['input', 'minified bytes', 'share'],
        rows: [
          ...bundle.inputs
            .slice(0, 12)
            .map((entry) => [
              entry.input,
              count(entry.bytes),
              `${((entry.bytes / bundle.minified) * 100).toFixed(0)} %`,
            ]),
          ['whole bundle, minified', count(bundle.minified), '100 %'],
          ['whole bundle, minified + gzip -9', count(bundle.gzipped), ''],
        ],
      },
      {
        title: 'The actor',
        columns: ['measure', 'value'],
        rows: [
          ['transitions per second', count(actor.perSecond)],
          ['time per transition', `${(1e6 / actor.perSecond).toFixed(1)} us`],
          [
            'lifeline send, client CPU per message (for scale)',
            `${lifeline.sendCpuPerMessage.toFixed(2)} us`,
          ],
          [
            `actor events during ${count(messages)} sends + ${count(messages)} receives`,
            String(throughput.machineEvents),
          ],
        ],
      },
    ],
    goals,
    charts: [
      {
        file: 'overhead-throughput.svg',
        title: `Throughput as a share of raw ws (${count(messages)} messages of 64 bytes; median of paired rounds)`,
        spec: {
          width: 520,
          height: 220,
          data: {
            values: figures
              .filter((f) => f.library.id !== 'ws')
              .flatMap((f) => [
                { library: f.library.label, measure: 'send, wall', share: median(f.sendWall) },
                { library: f.library.label, measure: 'send, CPU', share: median(f.sendCpu) },
                {
                  library: f.library.label,
                  measure: 'receive, wall',
                  share: median(f.receiveWall),
                },
                { library: f.library.label, measure: 'receive, CPU', share: median(f.receiveCpu) },
              ]),
          },
          layer: [
            {
              mark: 'bar',
              encoding: {
                y: { field: 'library', type: 'nominal', title: null, sort: null },
                x: { field: 'share', type: 'quantitative', title: 'x raw ws (1 = as fast)' },
                color: { field: 'measure', type: 'nominal', title: null },
                yOffset: { field: 'measure' },
              },
            },
            {
              data: { values: [{ goal: 0.95 }] },
              mark: { type: 'rule', strokeDash: [4, 4] },
              encoding: { x: { field: 'goal', type: 'quantitative' } },
            },
          ],
        },
      },
      {
        file: 'overhead-heap.svg',
        title: `Heap per idle connection (${count(idleConnections)} connections), KiB`,
        spec: {
          width: 520,
          height: 180,
          data: {
            values: libraries
              .filter((library) => library.id in idle)
              .map((library) => ({
                library: library.label,
                kib: (idle[library.id] as Idle).heapPerConnection / 1024,
              })),
          },
          layer: [
            {
              mark: 'bar',
              encoding: {
                y: { field: 'library', type: 'nominal', title: null, sort: null },
                x: { field: 'kib', type: 'quantitative', title: 'KiB of heap per connection' },
              },
            },
            {
              data: { values: [{ goal: heapGoal / 1024 }] },
              mark: { type: 'rule', strokeDash: [4, 4] },
              encoding: { x: { field: 'goal', type: 'quantitative' } },
            },
          ],
        },
      },
    ],
    durationMs: now() - started,
  };
}
