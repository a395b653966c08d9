import { resolveConnectionOptions } from '../src/client/resolve-options.js';
import { FaultProxy } from '../test/support/fault-proxy.js';
import { tally } from './loss.js';
import type { BenchClient, Peer } from './peers/index.js';
import * as peers from './peers/index.js';
import { BenchServer } from './support/server.js';
import { count, seconds } from './support/stats.js';
import { now, sleep, waitFor } from './support/time.js';
import type { BenchResult, Goal } from './support/types.js';

const limit = 60_000;
const tickEvery = 1000;
const sendEvery = 100;
const recoveryWait = 15_000;

const variants: Peer[] = [
  peers.ws,
  peers.lifeline,
  peers.lifelineAck,
  peers.reconnectingWebSocket,
  peers.partysocket,
  peers.socketIo,
];

interface Lane {
  peer: Peer;
  server: BenchServer;
  proxy: FaultProxy;
  client: BenchClient;
  noticedAt: number;
  recoveredAt: number;
  sent: number;
}

export async function runHalfOpen(): Promise<BenchResult> {
  const started = now();
  const heartbeat = resolveConnectionOptions({ url: 'ws://127.0.0.1/' }).heartbeat;
  const interval = heartbeat?.interval ?? Number.NaN;
  const timeout = heartbeat?.timeout ?? Number.NaN;
  const lanes: Lane[] = [];
  for (const peer of variants) {
    const server = await BenchServer.start(peer.server);
    server.ack = peer.id === 'lifeline-ack';
    const proxy = await FaultProxy.start(server.port);
    const url = peer.server === 'ws' ? proxy.url : `http://127.0.0.1:${proxy.port}`;
    const client = peer.connect(url);
    lanes.push({
      peer,
      server,
      proxy,
      client,
      noticedAt: Number.POSITIVE_INFINITY,
      recoveredAt: Number.POSITIVE_INFINITY,
      sent: 0,
    });
  }
  // The servers talk every second, so every client's last inbound frame is at most 1 s old when the hole opens.
  const ticks = setInterval(() => {
    for (const lane of lanes) lane.server.broadcast('tick');
  }, tickEvery);
  await waitFor(() => lanes.every((lane) => lane.client.isOpen), 10_000);
  await sleep(2000);
  const holeAt = now();
  for (const lane of lanes) {
    lane.proxy.blackhole(true);
    lane.client.onClose(() => {
      if (Number.isFinite(lane.noticedAt)) return;
      lane.noticedAt = now() - holeAt;
      // The old connection is gone; let the client reconnect through the proxy.
      lane.proxy.blackhole(false);
    });
    lane.client.onOpen(() => {
      if (Number.isFinite(lane.noticedAt) && !Number.isFinite(lane.recoveredAt)) {
        lane.recoveredAt = now() - holeAt;
      }
    });
  }
  // Every client sends into the hole, one message per 100 ms, until it notices.
  const sending = setInterval(() => {
    for (const lane of lanes) {
      if (Number.isFinite(lane.noticedAt)) continue;
      lane.sent += 1;
      lane.client.send(String(lane.sent));
    }
  }, sendEvery);
  await waitFor(() => lanes.every((lane) => Number.isFinite(lane.noticedAt)), limit, 50);
  clearInterval(sending);
  const noticedAll = now();
  // Those that noticed get time to reconnect and flush (ack mode: resend what was not acknowledged).
  await waitFor(
    () =>
      lanes.every(
        (lane) =>
          !Number.isFinite(lane.noticedAt) ||
          !lane.peer.reconnects ||
          (lane.client.isOpen && lane.client.pending() === 0),
      ),
    Math.max(0, recoveryWait - (now() - noticedAll)),
    50,
  );
  await sleep(500);
  clearInterval(ticks);
  const rows: (string | number)[][] = [];
  const outcome = new Map<string, { noticedAt: number; lost: number; sent: number }>();
  for (const lane of lanes) {
    const { lost } = tally(lane.server.received, lane.sent);
    outcome.set(lane.peer.id, { noticedAt: lane.noticedAt, lost, sent: lane.sent });
    rows.push([
      lane.peer.label,
      Number.isFinite(lane.noticedAt) ? seconds(lane.noticedAt) : `never (> ${limit / 1000} s)`,
      lane.peer.reconnects && Number.isFinite(lane.recoveredAt)
        ? seconds(lane.recoveredAt)
        : lane.peer.reconnects
          ? 'no'
          : 'never (does not reconnect)',
      count(lane.sent),
      `${count(lane.sent - lost)} / ${count(lost)}`,
      lane.client.extra?.() ?? '',
    ]);
    lane.client.close();
    await lane.proxy.close();
    await lane.server.close();
  }
  const plain = outcome.get('lifeline') as { noticedAt: number };
  const ack = outcome.get('lifeline-ack') as { noticedAt: number; lost: number; sent: number };
  const bound = Math.min(interval + timeout, 30_000);
  const goals: Goal[] = [
    {
      benchmark: 'half-open',
      goal: `lifeline's default notices within heartbeatInterval + heartbeatTimeout (${interval / 1000} s + ${timeout / 1000} s = ${(interval + timeout) / 1000} s) and at most 30 s`,
      measured: `default: ${seconds(plain.noticedAt)}; ack mode: ${seconds(ack.noticedAt)}`,
      met: plain.noticedAt <= bound && ack.noticedAt <= bound,
    },
    {
      benchmark: 'half-open',
      goal: 'lifeline ack mode loses none of the messages sent into the black hole',
      measured: `${ack.lost} lost of ${ack.sent}`,
      met: ack.lost === 0 && ack.sent > 0,
    },
  ];
  return {
    name: 'half-open',
    title: 'Half-open detection',
    method: [
      `Each library connects through its own TCP fault proxy; its server sends a frame every ${tickEvery / 1000} s. Then every proxy black-holes traffic both ways without closing anything (the TCP connections stay up: a half-open connection as the client sees it).`,
      `From then on each client sends a numbered message every ${sendEvery} ms until it notices (its library reports the connection lost). When it notices, its proxy lets traffic through again so it can reconnect; it then gets up to ${recoveryWait / 1000} s to deliver what it holds. Limit: ${limit / 1000} s.`,
      `lifeline runs with its default heartbeat: ping after heartbeat.interval = ${interval / 1000} s without an inbound frame, dead after heartbeat.timeout = ${timeout / 1000} s more without one. socket.io relies on its server's pings (pingInterval 25 s + pingTimeout 20 s, defaults). reconnecting-websocket, partysocket and raw ws have no liveness check.`,
      'All libraries run at the same time.',
    ],
    tables: [
      {
        title: 'Half-open connection: time until the client notices',
        columns: [
          'library',
          'noticed after',
          'reconnected after',
          'sent into the hole',
          'delivered / lost',
          'notes',
        ],
        rows,
        notes: [`lifeline heartbeat: interval ${interval} ms, timeout ${timeout} ms (defaults).`],
      },
    ],
    goals,
    charts: [
      {
        file: 'half-open.svg',
        title: `Time until a black-holed connection is noticed (limit ${limit / 1000} s)`,
        spec: {
          width: 520,
          height: 200,
          data: {
            values: variants.map((peer) => {
              const o = outcome.get(peer.id) as { noticedAt: number };
              const noticed = Number.isFinite(o.noticedAt);
              return {
                library: peer.label,
                seconds: (noticed ? o.noticedAt : limit) / 1000,
                noticed: noticed ? 'noticed' : 'never (limit)',
              };
            }),
          },
          layer: [
            {
              mark: 'bar',
              encoding: {
                y: { field: 'library', type: 'nominal', title: null, sort: null },
                x: {
                  field: 'seconds',
                  type: 'quantitative',
                  title: 's after the black hole opened',
                },
                color: { field: 'noticed', type: 'nominal', title: null },
              },
            },
            {
              data: { values: [{ bound: (interval + timeout) / 1000 }] },
              mark: { type: 'rule', strokeDash: [4, 4] },
              encoding: { x: { field: 'bound', type: 'quantitative' } },
            },
          ],
        },
      },
    ],
    durationMs: now() - started,
  };
}
