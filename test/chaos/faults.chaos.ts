/**
 * Real network faults (`sudo npm run test:chaos`). Each test builds its own
 * network: two namespaces joined by a veth pair, the `ws` server in one and
 * the lifeline client in the other, each a child process, speaking the
 * session protocol (`createSessionServer` on a durable test store, a client
 * with `session: true`). While the client sends a numbered message every
 * 20 ms and the server sends one to the client every 20 ms, a fault is
 * applied with `ip` or `tc`; the server logs what its onMessage got, the
 * client reports its status timeline, receipts and what it got downstream,
 * and the test checks that each way every message arrived exactly once and
 * in order, that no resync was needed, and that the timeline is a path the
 * statechart allows. Needs root and iproute2; everything it creates is
 * removed even when it fails.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { replaceSection } from '../../scripts/generated-section.js';
import {
  type ChaosRecord,
  chaosFiguresSection,
  formatTable,
  type RecordedScenario,
  summaryTable,
} from './chaos-record.js';
import type { ChildChannel, ChildMessage } from './child-channel.js';
import type { ClientConfig, ReportMessage, StatusMessage } from './client-process.js';
import {
  computeFigures,
  type FaultWindow,
  type Figures,
  figureRows,
  lastState,
} from './figures.js';
import { ChaosNetwork, sweepStaleNamespaces } from './netns.js';
import { readServerLog } from './server-log.js';
import { allowedStatusMoves, forbiddenSteps } from './status-moves.js';

// A half-open socket is seen within interval + timeout (about 2 s), well inside the 10 s black
// hole and the 3 s link-down. With 2000/2000 the link comes back before the heartbeat can judge
// (about 4 s), and whether the socket is kept then depends on when TCP's backed-off retransmission
// fires: measured both ways, so that run would test TCP's timer rather than lifeline.
const heartbeat = { interval: 1000, timeout: 1000 };
const backoff = { initialDelay: 200, maxDelay: 2000 };
const sendEvery = 20;
const port = 8080;
const serverScript = 'test/chaos/server-process.ts';
const clientScript = 'test/chaos/client-process.ts';

/** Detection by heartbeat: a probe after `interval` of silence, dead `timeout` later; plus timer slack. */
const heartbeatBound = heartbeat.interval + heartbeat.timeout + 500;
/** Once the fault is gone: the longest backoff wait, then connect, sync and the resend. */
const recoveryBound = backoff.maxDelay + 1500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One scenario's network, processes and log. */
interface Rig {
  network: ChaosNetwork;
  logFile: string;
  storeFile: string;
  server: ChildChannel;
  client: ChildChannel;
  startServer(): Promise<ChildChannel>;
}

interface Outcome {
  figures: Figures;
  window: FaultWindow;
  heartbeat: { interval: number; timeout: number };
}

const allowed = allowedStatusMoves();
const results = new Map<string, Outcome>();
/** Scenarios whose assertions all held: a run where every one did is recorded in the docs. */
const passed = new Set<string>();
const scenarioCount = 4;
const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
let suiteStarted = 0;

/**
 * Writes docs/chaos-figures.json and the figures section of docs/reliability.md
 * from this run (test/docs-figures.test.ts checks that the page matches the JSON).
 */
function recordRun(): void {
  const scenarios: RecordedScenario[] = [...results].map(([name, outcome]) => {
    const { timeline: _timeline, ...figures } = outcome.figures;
    return { name, heartbeat: outcome.heartbeat, notes: outcome.window.notes, figures };
  });
  const record: ChaosRecord = {
    date: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    suiteSeconds: (Date.now() - suiteStarted) / 1000,
    backoff,
    sendEvery,
    scenarios,
  };
  writeFileSync(`${docs}chaos-figures.json`, `${JSON.stringify(record, null, 2)}\n`);
  const page = readFileSync(`${docs}reliability.md`, 'utf8');
  writeFileSync(
    `${docs}reliability.md`,
    replaceSection(page, 'chaos-figures', chaosFiguresSection(record)),
  );
  console.log('recorded this run in docs/chaos-figures.json and docs/reliability.md');
}

async function setUp(clientHeartbeat = heartbeat): Promise<Rig> {
  const network = ChaosNetwork.create();
  const logFile = path.join(network.dir, 'server.log');
  const storeFile = path.join(network.dir, 'store.log');
  const startServer = async () => {
    const server = network.spawn(
      network.serverNs,
      serverScript,
      [network.serverAddress, String(port), logFile, storeFile],
      'server',
    );
    await server.waitFor((m) => m.type === 'listening', 15_000, 'listening');
    return server;
  };
  const server = await startServer();
  const config: ClientConfig = {
    url: `ws://${network.serverAddress}:${port}/`,
    heartbeat: clientHeartbeat,
    backoff,
    connectTimeout: 3000,
    syncTimeout: 3000,
  };
  const client = network.spawn(network.clientNs, clientScript, [JSON.stringify(config)], 'client');
  await client.waitFor(
    (m) => m.type === 'status' && m.state === 'connected',
    15_000,
    'first connection',
  );
  return { network, logFile, storeFile, server, client, startServer };
}

const isStatus = (m: ChildMessage): m is ChildMessage & StatusMessage => m.type === 'status';

/**
 * Connects, sends for a second, applies the fault, waits until the client is
 * connected again with its outbox drained, sends a little longer, stops, and
 * measures.
 */
async function scenario(
  name: string,
  inject: (rig: Rig) => Promise<FaultWindow>,
  options: { pad?: number; heartbeat?: { interval: number; timeout: number } } = {},
): Promise<Outcome> {
  const rig = await setUp(options.heartbeat);
  const { client } = rig;
  client.send({ cmd: 'send', every: sendEvery, pad: options.pad ?? 0 });
  await sleep(1000);
  const window = await inject(rig);

  await client.waitFor(
    (m) =>
      isStatus(m) &&
      m.at >= window.end &&
      m.state === 'connected' &&
      m.queued === 0 &&
      m.inFlight === 0,
    30_000,
    'recovery: connected with the outbox drained',
  );
  await sleep(1500);
  client.send({ cmd: 'stop' });
  await client.waitFor((m) => m.type === 'stopped', 5000, 'stop');
  const fromServer = rig.server.messages.length;
  rig.server.send({ cmd: 'stop' });
  const { lastOffset } = (await rig.server.waitFor(
    (m) => m.type === 'stopped',
    5000,
    'server stop',
    fromServer,
  )) as unknown as { lastOffset: number };
  const report = await settledReport(client, lastOffset);

  const statuses = client.messages.filter(isStatus);
  keepArtifacts(name, rig);
  const clientErrors = client.messages.flatMap((m) => (m.type === 'error' ? [String(m.code)] : []));
  const figures = computeFigures(statuses, report, readServerLog(rig.logFile), window, {
    appended: lastOffset,
    clientErrors,
  });
  const outcome = { figures, window, heartbeat: options.heartbeat ?? heartbeat };
  results.set(name, outcome);
  console.log(`\n${name}\n${formatTable(['figure', 'value'], figureRows(figures, window))}\n`);
  return outcome;
}

/**
 * Asks the client for its report until every receipt settled, the outbox is
 * empty and every downstream message through `lastOffset` was processed.
 */
async function settledReport(client: ChildChannel, lastOffset: number): Promise<ReportMessage> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const from = client.messages.length;
    client.send({ cmd: 'report' });
    const report = (await client.waitFor(
      (m) => m.type === 'report',
      5000,
      'report',
      from,
    )) as unknown as ReportMessage;
    const settled = Object.values(report.receipts).reduce((sum, count) => sum + count, 0);
    const { state, queued, inFlight } = report.status;
    if (
      settled === report.sent &&
      state === 'connected' &&
      queued === 0 &&
      inFlight === 0 &&
      report.session.offset >= lastOffset
    ) {
      return report;
    }
    if (Date.now() > deadline) {
      const { status, session } = report;
      throw new Error(
        `never settled: ${JSON.stringify({ status, session, lastOffset, settled, sent: report.sent })}`,
      );
    }
    await sleep(100);
  }
}

/**
 * With CHAOS_KEEP=<dir>, keeps each scenario's server log and the client's
 * messages there, for a closer look.
 */
function keepArtifacts(name: string, rig: Rig): void {
  const dir = process.env.CHAOS_KEEP;
  if (!dir) return;
  const slug = name.replace(/[^a-z0-9]+/gi, '-');
  mkdirSync(dir, { recursive: true });
  copyFileSync(rig.logFile, path.join(dir, `${slug}.server.log`));
  copyFileSync(rig.storeFile, path.join(dir, `${slug}.store.log`));
  const lines = rig.client.messages.map((m) => JSON.stringify(m)).join('\n');
  writeFileSync(path.join(dir, `${slug}.client.jsonl`), `${lines}\n`);
}

/** What must hold after every fault: exactly once and in order, each way. */
function expectNothingLost({ figures }: Outcome): void {
  expect(
    figures.resyncs,
    'ResyncRequiredError raised: the durable store should have made it impossible',
  ).toBe(0);
  expect(figures.errors, 'errors (server log, client onError)').toEqual([]);
  expect(figures.lost, 'upstream lost').toBe(0);
  expect(figures.duplicated, 'upstream duplicated at onMessage').toBe(0);
  expect(figures.outOfOrder, 'upstream out of order at onMessage').toBe(0);
  expect(figures.delivered).toBe(figures.sent);
  expect(figures.gaps, 'id gaps at the server').toBe(0);
  const down = figures.downstream;
  expect(down.lost, 'downstream lost').toBe(0);
  expect(down.duplicated, 'downstream duplicated').toBe(0);
  expect(down.outOfOrder, 'downstream out of order').toBe(0);
  expect(down.offsetMismatches, 'downstream number not the session offset').toBe(0);
  expect(down.delivered).toBe(down.sent);
  expect(down.sent).toBeGreaterThan(0);
  expect(figures.acked, `receipts: ${figures.receipts}`).toBe(figures.sent);
  expect(figures.sent).toBeGreaterThan(0);
  expect(forbiddenSteps(figures.timeline, allowed), figures.timelineText).toEqual([]);
  expect(figures.timeline[0]?.state).toBe('connecting');
  expect(lastState(figures.timeline)).toBe('connected');
  expect(figures.recoverMs, 'recovered').not.toBeNull();
}

describe('real network faults (two namespaces, a veth pair, child processes)', () => {
  beforeAll(() => {
    suiteStarted = Date.now();
    const stale = sweepStaleNamespaces();
    if (stale.length > 0) console.log(`removed what killed runs left behind: ${stale.join(', ')}`);
  });

  afterEach(() => {
    ChaosNetwork.destroyAll();
  });

  afterAll(() => {
    ChaosNetwork.destroyAll();
    if (results.size === 0) return;
    const scenarios = [...results].map(([name, o]) => ({
      name,
      heartbeat: o.heartbeat,
      notes: o.window.notes,
      figures: o.figures,
    }));
    console.log(
      `\nreal network faults: backoff ${backoff.initialDelay}-${backoff.maxDelay} ms, one message every ${sendEvery} ms each way\n${summaryTable(scenarios)}\n`,
    );
    if (passed.size === scenarioCount) recordRun();
  });

  it('derives the status moves from the machine, and they match docs/statechart.md', () => {
    // Written by hand from docs/statechart.md and src/client/status.ts's mapping.
    const fromTheDocs = [
      ...['syncing', 'reconnecting', 'failed', 'offline', 'closed'].map(
        (to) => `connecting -> ${to}`,
      ),
      ...['syncing', 'failed', 'offline', 'closed'].map((to) => `reconnecting -> ${to}`),
      ...['connected', 'reconnecting', 'failed', 'offline', 'closed'].map(
        (to) => `syncing -> ${to}`,
      ),
      ...['syncing', 'reconnecting', 'failed', 'offline', 'closed'].map(
        (to) => `connected -> ${to}`,
      ),
      ...['reconnecting', 'closed'].map((to) => `offline -> ${to}`),
      ...['reconnecting', 'closed'].map((to) => `failed -> ${to}`),
    ];
    expect([...allowed].sort()).toEqual(fromTheDocs.sort());
  });

  it('link down for 3 s on the client side: the heartbeat notices, the client reconnects, nothing lost', async () => {
    const outcome = await scenario('link down 3 s', async ({ network }) => {
      network.setClientLink(false);
      const start = Date.now();
      await sleep(3000);
      network.setClientLink(true);
      return {
        start,
        end: Date.now(),
        notes: [['fault', `ip link set ${network.clientIf} down (client side), 3 s, then up`]],
      };
    });
    expectNothingLost(outcome);
    expect(outcome.figures.drops).toBe(1);
    expect(outcome.figures.downstream.appendedWhileAway, 'replayed after the drop').toBeGreaterThan(
      0,
    );
    expect(outcome.figures.detectMs).toBeLessThanOrEqual(heartbeatBound);
    expect(outcome.figures.quietBeforeDropMs).toBeLessThanOrEqual(heartbeatBound);
    expect(outcome.figures.recoverMs).toBeLessThanOrEqual(recoveryBound);
    passed.add('link down 3 s');
  }, 60_000);

  it('black hole for 10 s: a true half-open socket, seen only by the heartbeat; nothing lost', async () => {
    const outcome = await scenario('black hole 10 s', async ({ network }) => {
      network.setBlackhole(true);
      const start = Date.now();
      await sleep(10_000);
      network.setBlackhole(false);
      return {
        start,
        end: Date.now(),
        notes: [['fault', `ip route add blackhole ${network.serverAddress} (client ns), 10 s`]],
      };
    });
    expectNothingLost(outcome);
    expect(outcome.figures.drops).toBe(1);
    expect(outcome.figures.downstream.appendedWhileAway, 'replayed after the drop').toBeGreaterThan(
      0,
    );
    expect(outcome.figures.firstClose).toBe('1006 heartbeat timeout');
    // The black hole drops only what the client sends: the server's messages keep arriving
    // until its TCP window of unacknowledged data is full, and the heartbeat counts them. So
    // the socket is judged dead interval + timeout after the last of them, not after the
    // fault's start; still well inside the black hole.
    expect(outcome.figures.quietBeforeDropMs).toBeLessThanOrEqual(heartbeatBound);
    const { start, end } = outcome.window;
    expect(outcome.figures.detectMs).toBeLessThan(end - start);
    expect(outcome.figures.recoverMs).toBeLessThanOrEqual(recoveryBound);
    passed.add('black hole 10 s');
  }, 60_000);

  it('slow link, tbf 256 kbit/s for 20 s under more load than it carries: probes wait behind data, no false timeout, nothing lost', async () => {
    // During the fault the client sends a 24 kB message every 300 ms, 2.5 times what the link
    // carries: the backlog in the client's socket grows by seconds of queue per second, and each
    // message takes about 0.75 s to cross, so the server's acks come that far apart. The server
    // sends the client one small message a second meanwhile, so the client hears nothing for
    // most of a second at a time: a 300 ms quiet interval sends probes while data is queued
    // ahead of them, and their pongs come back only after that data. The timeout (5 s) is far
    // shorter than that queue grows (the test checks it did): a heartbeat that waited for the
    // pong itself, or that judged on a timer instead of on what arrives, would drop this live
    // link. lifeline counts any inbound frame (the acks, the server's messages) as an answer,
    // so it must keep the socket. (With the downstream over capacity too, the server's TCP,
    // losing packets to tbf, went silent for seconds at a time in its retransmission backoff:
    // that measures TCP's timers, and can silence a live link for longer than the timeout.)
    const slowHeartbeat = { interval: 300, timeout: 5000 };
    const fault = { every: 300, pad: 24_000, seconds: 20, downstreamEvery: 1000 };
    const outcome = await scenario(
      'slow link 20 s',
      async ({ network, client, server }) => {
        network.setRate('256kbit');
        const qdisc = network.clientQdisc();
        client.send({ cmd: 'send', every: fault.every, pad: fault.pad });
        server.send({ cmd: 'send', every: fault.downstreamEvery, pad: 0 });
        const start = Date.now();
        await sleep(fault.seconds * 1000);
        client.send({ cmd: 'send', every: sendEvery, pad: 0 });
        server.send({ cmd: 'send', every: sendEvery, pad: 0 });
        network.setRate(null);
        const bytes = fault.pad + 40;
        return {
          start,
          end: Date.now(),
          notes: [
            ['fault', `${qdisc.replace(/^qdisc /, '')} on both veth ends, ${fault.seconds} s`],
            [
              'offered load',
              `${bytes}-byte messages every ${fault.every} ms, about ${Math.round((bytes * 8) / fault.every)} kbit/s; downstream one small message every ${fault.downstreamEvery} ms`,
            ],
            ['heartbeat', `${slowHeartbeat.interval}/${slowHeartbeat.timeout} ms`],
          ],
        };
      },
      { heartbeat: slowHeartbeat },
    );
    const { figures } = outcome;
    // lifeline did not take the slow link for a dead one.
    expect(figures.drops, figures.timelineText).toBe(0);
    expect(figures.firstClose).toBe('-');
    expectNothingLost(outcome);
    // And the run could have failed: probes went out during the fault, and at least one waited
    // behind data for longer than the timeout (its own pong could not have come in time).
    expect(figures.faultProbes, 'probes read during the fault').toBeGreaterThan(0);
    expect(figures.worstProbeWaitMs, 'longest a probe waited behind data').toBeGreaterThan(
      slowHeartbeat.timeout,
    );
    passed.add('slow link 20 s');
  }, 120_000);

  it('server killed with SIGKILL, restarted 2 s later: resumes from what it persisted, nothing lost', async () => {
    const outcome = await scenario('server SIGKILL', async (rig) => {
      const killed = rig.server;
      killed.kill('SIGKILL');
      const start = Date.now();
      await killed.exited;
      await sleep(Math.max(0, start + 2000 - Date.now()));
      const restartAt = Date.now();
      rig.server = await rig.startServer();
      const end = Date.now();
      return {
        start,
        end,
        notes: [
          ['fault', 'SIGKILL to the server process, a new one started 2 s later'],
          ['restarted server listening after', `${end - restartAt} ms (node + tsx start-up)`],
        ],
      };
    });
    expectNothingLost(outcome);
    expect(outcome.figures.drops).toBe(1);
    expect(outcome.figures.downstream.appendedWhileAway, 'replayed after the drop').toBeGreaterThan(
      0,
    );
    expect(outcome.figures.detectMs).toBeLessThanOrEqual(500);
    expect(outcome.figures.recoverMs).toBeLessThanOrEqual(recoveryBound);
    // The restarted server read the session back from the store, stream and all.
    expect(outcome.figures.serverStarts).toHaveLength(2);
    expect(outcome.figures.serverStarts[1]).toBeGreaterThan(0);
    passed.add('server SIGKILL');
  }, 60_000);
});
