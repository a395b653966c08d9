import { FaultProxy } from '../test/support/fault-proxy.js';
import { cutEvery, messages, settleCap, type Tally, tally } from './loss.js';
import type { BenchClient, Peer } from './peers/index.js';
import * as peers from './peers/index.js';
import { BenchServer } from './support/server.js';
import { SessionBenchServer } from './support/session-server.js';
import { count } from './support/stats.js';
import { now, sleep, waitFor } from './support/time.js';
import type { BenchResult, Goal } from './support/types.js';

const rounds = 2;

const variants: Peer[] = [
  peers.ws,
  peers.lifeline,
  peers.lifelineAck,
  peers.lifelineSession,
  peers.reconnectingWebSocket,
  peers.partysocket,
  peers.socketIo,
];

/** What a lane's server does here, whichever kind it is. */
interface LaneServer {
  readonly port: number;
  readonly received: string[];
  broadcast(text: string): void;
  close(): Promise<void>;
}

interface Lane {
  peer: Peer;
  server: LaneServer;
  proxy: FaultProxy;
  client: BenchClient;
  /** What the client's application was given, in order. */
  downstream: string[];
}

interface Both {
  up: Tally;
  down: Tally;
}

const settles = (lane: Lane) =>
  !lane.peer.reconnects ||
  (lane.client.isOpen &&
    lane.client.pending() === 0 &&
    // Only the session recovers what the server sent: the others have nothing to wait for.
    (!lane.peer.session || new Set(lane.downstream).size >= messages));

async function openLane(peer: Peer): Promise<Lane> {
  let server: LaneServer;
  if (peer.session) server = await SessionBenchServer.start();
  else {
    const bench = await BenchServer.start(peer.server);
    bench.ack = peer.id === 'lifeline-ack';
    server = bench;
  }
  const proxy = await FaultProxy.start(server.port);
  const url = peer.server === 'ws' ? proxy.url : `http://127.0.0.1:${proxy.port}`;
  const client = peer.connect(url);
  const lane: Lane = { peer, server, proxy, client, downstream: [] };
  client.onMessage((text) => lane.downstream.push(text));
  return lane;
}

async function runRound(): Promise<Map<string, Both>> {
  const lanes: Lane[] = [];
  for (const peer of variants) lanes.push(await openLane(peer));
  await waitFor(() => lanes.every((lane) => lane.client.isOpen), 10_000);
  await sleep(200);
  // One clock for every lane: message n goes both ways at n ms; one timer cuts every proxy.
  const begin = now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const cuts = setInterval(() => {
      for (const lane of lanes) lane.proxy.cut();
    }, cutEvery);
    const tick = () => {
      const due = Math.min(messages, Math.floor(now() - begin));
      while (sent < due) {
        sent += 1;
        for (const lane of lanes) {
          lane.client.send(String(sent));
          lane.server.broadcast(String(sent));
        }
      }
      if (sent >= messages) {
        clearInterval(cuts);
        resolve();
      } else setTimeout(tick, 1);
    };
    tick();
  });
  await waitFor(() => lanes.every(settles), settleCap, 20);
  await sleep(500);
  const results = new Map<string, Both>();
  for (const lane of lanes) {
    results.set(lane.peer.id, {
      up: tally(lane.server.received, messages),
      down: tally(lane.downstream, messages),
    });
    lane.client.close();
    await lane.proxy.close();
    await lane.server.close();
  }
  return results;
}

function sum(tallies: Tally[]): Tally {
  const total: Tally = { delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0, lostRanges: [] };
  for (const t of tallies) {
    total.delivered += t.delivered;
    total.lost += t.lost;
    total.duplicated += t.duplicated;
    total.outOfOrder += t.outOfOrder;
  }
  return total;
}

const figures = (t: Tally) => [
  count(t.delivered),
  count(t.lost),
  count(t.duplicated),
  count(t.outOfOrder),
];

export async function runLossBoth(): Promise<BenchResult> {
  const started = now();
  const perRound: Map<string, Both>[] = [];
  for (let round = 0; round < rounds; round += 1) perRound.push(await runRound());
  const totals = new Map(
    variants.map((peer) => {
      const each = perRound.map((round) => round.get(peer.id) as Both);
      return [peer.id, { up: sum(each.map((b) => b.up)), down: sum(each.map((b) => b.down)) }];
    }),
  );
  const rows = variants.map((peer) => {
    const t = totals.get(peer.id) as Both;
    return [
      peer.label,
      ...figures(t.up),
      ...figures(t.down),
      perRound
        .map((round) => {
          const b = round.get(peer.id) as Both;
          return `${count(b.up.lost)} / ${count(b.down.lost)}`;
        })
        .join(', '),
    ];
  });
  const session = totals.get('lifeline-session') as Both;
  const clean = (t: Tally) => t.lost === 0 && t.duplicated === 0 && t.outOfOrder === 0;
  const others = variants
    .filter((peer) => peer.id !== 'lifeline-session')
    .map((peer) => {
      const t = totals.get(peer.id) as Both;
      return `${peer.label} ${count(t.up.lost)}/${count(t.down.lost)}`;
    })
    .join('; ');
  const sentTotal = rounds * messages;
  const goals: Goal[] = [
    {
      benchmark: 'loss-both',
      goal: 'lifeline session: 0 lost, 0 duplicated, 0 out of order in both directions (every peer next to it)',
      measured: `up ${session.up.lost} lost, ${session.up.duplicated} duplicated, ${session.up.outOfOrder} out of order; down ${session.down.lost} lost, ${session.down.duplicated} duplicated, ${session.down.outOfOrder} out of order, of ${count(sentTotal)} each way; others, lost up/down: ${others}`,
      met: clean(session.up) && clean(session.down),
    },
  ];
  return {
    name: 'loss-both',
    title: 'Loss under drops, both directions',
    method: [
      `The loss benchmark's workload with traffic both ways at once: each client sends ${count(messages)} numbered messages (message n at n ms) and, on the same clock, its server sends ${count(messages)} numbered messages to it, through the client's own TCP fault proxy, which destroys every connection every ${cutEvery} ms. All libraries run at the same time.`,
      `lifeline (session) is \`createConnection({ url, session: { clientId } })\` against lifeline-ws/server's \`createSessionServer\` with its defaults: the server \`send\`s each message to the client's session, connected or not, and the session replays what the client missed. The other servers (the loss benchmark's) send each message to whichever socket of the client is open: what is sent while none is, or is in flight at a cut, is lost, since none of these libraries recovers server-to-client messages (lifeline's ack mode acknowledges client-to-server messages only).`,
      `After sending, the cuts stop and each client gets up to ${settleCap / 1000} s to reconnect and flush (the session client also to receive the replay); then both sides' records are read as in the loss benchmark: delivered (distinct numbers), lost, duplicated, out of order. ${rounds} rounds, summed (${count(sentTotal)} messages each way per library).`,
    ],
    tables: [
      {
        title: `Loss under drops, both directions: ${count(messages)} messages each way x ${rounds} rounds, a cut every ${cutEvery} ms`,
        columns: [
          'library',
          'up: delivered',
          'up: lost',
          'up: duplicated',
          'up: out of order',
          'down: delivered',
          'down: lost',
          'down: duplicated',
          'down: out of order',
          'lost per round (up / down)',
        ],
        rows,
        notes: [
          'Up: client to server, as the server application saw it. Down: server to client, as the client application saw it.',
        ],
      },
    ],
    goals,
    charts: [],
    durationMs: now() - started,
  };
}
