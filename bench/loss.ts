import { FaultProxy } from '../test/support/fault-proxy.js';
import type { BenchClient, Peer } from './peers/index.js';
import * as peers from './peers/index.js';
import { BenchServer } from './support/server.js';
import { count, ratio } from './support/stats.js';
import { now, sleep, waitFor } from './support/time.js';
import type { BenchResult, Goal } from './support/types.js';

export const messages = 5000;
export const cutEvery = 250;
export const settleCap = 30_000;

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
  opensBefore: number;
  opens: number;
}

export interface Tally {
  delivered: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** The numbers lost, as ranges. */
  lostRanges: string[];
}

/** Reads what the server's application saw: `received` holds the message numbers as text. */
export function tally(received: readonly string[], sent: number): Tally {
  const seen = new Uint8Array(sent + 1);
  let distinct = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let highest = 0;
  for (const text of received) {
    const id = Number(text);
    if (!Number.isInteger(id) || id < 1 || id > sent) continue;
    if (seen[id]) {
      duplicated += 1;
      continue;
    }
    seen[id] = 1;
    distinct += 1;
    if (id < highest) outOfOrder += 1;
    else highest = id;
  }
  const lostRanges: string[] = [];
  for (let id = 1; id <= sent; id += 1) {
    if (seen[id]) continue;
    let end = id;
    while (end < sent && !seen[end + 1]) end += 1;
    lostRanges.push(end === id ? String(id) : `${id}-${end}`);
    id = end;
  }
  return { delivered: distinct, lost: sent - distinct, duplicated, outOfOrder, lostRanges };
}

function proxyUrl(kind: Peer['server'], proxy: FaultProxy): string {
  return kind === 'ws' ? proxy.url : `http://127.0.0.1:${proxy.port}`;
}

const rounds = 3;

interface RoundResult {
  tally: Tally;
  reconnections: number;
  settled: string;
  notes: string;
}

async function runRound(): Promise<Map<string, RoundResult>> {
  const lanes: Lane[] = [];
  for (const peer of variants) {
    const server = await BenchServer.start(peer.server);
    server.ack = peer.id === 'lifeline-ack';
    const proxy = await FaultProxy.start(server.port);
    const client = peer.connect(proxyUrl(peer.server, proxy));
    const lane: Lane = { peer, server, proxy, client, opensBefore: 0, opens: 0 };
    client.onOpen(() => {
      lane.opens += 1;
    });
    lanes.push(lane);
  }
  await waitFor(() => lanes.every((lane) => lane.client.isOpen), 10_000);
  await sleep(200);
  for (const lane of lanes) lane.opensBefore = lane.opens;
  // All libraries at once: one clock sends message n at n ms, one timer cuts every proxy.
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
        for (const lane of lanes) lane.client.send(String(sent));
      }
      if (sent >= messages) {
        clearInterval(cuts);
        resolve();
      } else setTimeout(tick, 1);
    };
    tick();
  });
  const endedAt = now();
  // Settle: no more cuts; wait until every reconnecting client is open with nothing held back.
  const settledAt = new Map<Lane, number>();
  await waitFor(
    () => {
      for (const lane of lanes) {
        if (settledAt.has(lane)) continue;
        const done = !lane.peer.reconnects || (lane.client.isOpen && lane.client.pending() === 0);
        if (done) settledAt.set(lane, now());
      }
      return settledAt.size === lanes.length;
    },
    settleCap,
    20,
  );
  await sleep(500);
  const results = new Map<string, RoundResult>();
  for (const lane of lanes) {
    const result = tally(lane.server.received, messages);
    const settle = settledAt.get(lane);
    results.set(lane.peer.id, {
      tally: result,
      reconnections: lane.opens - lane.opensBefore,
      settled:
        settle === undefined ? `>${settleCap / 1000}` : ((settle - endedAt) / 1000).toFixed(1),
      notes: [
        result.lostRanges.length > 0 && lane.peer.reconnects
          ? `lost ${result.lostRanges.slice(0, 3).join(', ')}${result.lostRanges.length > 3 ? ` +${result.lostRanges.length - 3} runs` : ''}`
          : '',
        lane.peer.id === 'lifeline-ack'
          ? `${lane.server.resentDropped} resent envelopes dropped by id`
          : '',
        lane.client.extra?.() ?? '',
      ]
        .filter(Boolean)
        .join('; '),
    });
    lane.client.close();
    await lane.proxy.close();
    await lane.server.close();
  }
  return results;
}

export async function runLoss(): Promise<BenchResult> {
  const started = now();
  const perRound: Map<string, RoundResult>[] = [];
  for (let round = 0; round < rounds; round += 1) perRound.push(await runRound());
  const total = (id: string): Tally => {
    const sum: Tally = { delivered: 0, lost: 0, duplicated: 0, outOfOrder: 0, lostRanges: [] };
    for (const round of perRound) {
      const t = (round.get(id) as RoundResult).tally;
      sum.delivered += t.delivered;
      sum.lost += t.lost;
      sum.duplicated += t.duplicated;
      sum.outOfOrder += t.outOfOrder;
    }
    return sum;
  };
  const results = new Map(variants.map((peer) => [peer.id, total(peer.id)]));
  const rows = variants.map((peer) => {
    const t = results.get(peer.id) as Tally;
    const each = perRound.map((round) => round.get(peer.id) as RoundResult);
    return [
      peer.label,
      count(t.delivered),
      count(t.lost),
      count(t.duplicated),
      count(t.outOfOrder),
      each.map((r) => count(r.tally.lost)).join(' / '),
      each.map((r) => r.reconnections).join(' / '),
      each.map((r) => r.settled).join(' / '),
      each
        .map((r, i) => (r.notes ? `round ${i + 1}: ${r.notes}` : ''))
        .filter(Boolean)
        .join(' | '),
    ];
  });
  const ack = results.get('lifeline-ack') as Tally;
  const peerFigures = ['reconnecting-websocket', 'partysocket', 'socket.io', 'lifeline', 'ws']
    .map((id) => {
      const t = results.get(id) as Tally;
      const label = variants.find((p) => p.id === id)?.label;
      return `${label} ${count(t.lost)}/${count(t.duplicated)}/${count(t.outOfOrder)}`;
    })
    .join('; ');
  const baseline = results.get('ws') as Tally;
  const goals: Goal[] = [
    {
      benchmark: 'loss',
      goal: 'lifeline ack mode: 0 lost, 0 duplicated, 0 out of order (every peer next to it)',
      measured: `${ack.lost} lost, ${ack.duplicated} duplicated, ${ack.outOfOrder} out of order of ${count(rounds * messages)}; others, lost/duplicated/out of order: ${peerFigures}`,
      met: ack.lost === 0 && ack.duplicated === 0 && ack.outOfOrder === 0,
    },
  ];
  const sentTotal = rounds * messages;
  return {
    name: 'loss',
    title: 'Loss under drops',
    method: [
      `Each library sends ${count(messages)} numbered messages, message n at n ms after the start (about one per ms), through its own TCP fault proxy (test/support/fault-proxy.ts) to its own server; every ${cutEvery} ms every proxy destroys every connection (${messages / cutEvery} cuts). All libraries run at the same time on the same clock.`,
      `When sending ends the cuts stop and each client gets up to ${settleCap / 1000} s to reconnect and flush what it holds; then the server's record is read: delivered (distinct numbers), lost, duplicated (a number seen again), out of order (a first arrival below a number already seen).`,
      `Loss is bursty (a reconnect that flushes a backlog into a socket that is cut a moment later loses the whole batch), so the benchmark runs ${rounds} rounds; the table sums them (${count(sentTotal)} messages per library) and shows each round.`,
      'lifeline ack mode: the server speaks lifeline\'s default envelope ({"id":n,"data":...} in, {"ack":n} out) and drops an envelope whose id it already has, as the protocol intends (the count is shown); the table counts what the application saw. Without ack mode, lifeline\'s receipts say which messages may be lost (`unconfirmed`).',
      'Raw ws is the baseline: it does not reconnect, so everything after the first cut is lost.',
    ],
    tables: [
      {
        title: `Loss under drops: ${count(messages)} messages x ${rounds} rounds, a cut every ${cutEvery} ms`,
        columns: [
          'library',
          'delivered',
          'lost',
          'duplicated',
          'out of order',
          'lost per round',
          'reconnections per round',
          'settled after sending (s)',
          'notes',
        ],
        rows,
        notes: [`Delivered vs the raw ws baseline: ${lanesRatio(results, baseline)}`],
      },
    ],
    goals,
    charts: [
      {
        file: 'loss.svg',
        title: `Messages lost out of ${count(sentTotal)} (${rounds} rounds), a cut every ${cutEvery} ms`,
        spec: {
          width: 520,
          height: 200,
          data: {
            values: variants.map((peer) => ({
              library: peer.label,
              lost: (results.get(peer.id) as Tally).lost,
            })),
          },
          mark: 'bar',
          encoding: {
            y: { field: 'library', type: 'nominal', title: null, sort: null },
            x: { field: 'lost', type: 'quantitative', title: 'messages lost' },
          },
        },
      },
    ],
    durationMs: now() - started,
  };
}

function lanesRatio(results: Map<string, Tally>, baseline: Tally): string {
  return [...results]
    .filter(([id]) => id !== 'ws')
    .map(
      ([id, t]) =>
        `${variants.find((p) => p.id === id)?.label} ${ratio(t.delivered / Math.max(1, baseline.delivered))}`,
    )
    .join(', ');
}
