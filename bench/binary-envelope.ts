import { decodeServerFrame, encodeServerFrame } from '../src/protocol/index.js';
import { count, median, ratio } from './support/stats.js';
import { now } from './support/time.js';
import type { BenchResult, Goal } from './support/types.js';

/** Payload sizes measured, bytes. */
const sizes = [1024, 64 * 1024];
const rounds = 7;
/** Time per way and size in one round, ms. */
const roundMs = 150;

type Way = 'binary' | 'base64';

/** Decoded bytes, summed: the work cannot be skipped. */
let sink = 0;

/**
 * One message through the envelope and back, as the library does it for a
 * downstream data frame: encode on the server, the frame as the socket's
 * bytes, decode on the client, the application's bytes in hand. Returns the
 * bytes of the frame's payload on the wire.
 */
function roundTrip(way: Way, offset: number, payload: Uint8Array): number {
  if (way === 'binary') {
    const frame = encodeServerFrame({ type: 'data', offset, data: payload }) as Uint8Array;
    const decoded = decodeServerFrame(frame);
    if (decoded.type !== 'data' || typeof decoded.data === 'string') throw new Error('binary');
    sink += decoded.data.byteLength;
    return frame.byteLength;
  }
  // base64 in the JSON text frame: a text frame is UTF-8 on the wire (ws encodes and decodes it).
  const base64 = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString(
    'base64',
  );
  const wire = Buffer.from(encodeServerFrame({ type: 'data', offset, data: base64 }) as string);
  const decoded = decodeServerFrame(wire.toString());
  if (decoded.type !== 'data' || typeof decoded.data !== 'string') throw new Error('base64');
  const bytes = Buffer.from(decoded.data, 'base64');
  sink += bytes.byteLength;
  return wire.byteLength;
}

/** Round trips per ms of `way` over about `ms`. */
function rate(way: Way, payload: Uint8Array, ms: number): number {
  let done = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 50; i += 1) roundTrip(way, done + i + 1, payload);
    done += 50;
    elapsed = now() - start;
  }
  return done / elapsed;
}

interface Figures {
  size: number;
  wire: Record<Way, number>;
  /** Median time per encode + decode, us. */
  time: Record<Way, number>;
  /** base64's time over binary's, per round (paired). */
  paired: number[];
}

function measure(size: number): Figures {
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) payload[i] = (i * 7919) & 0xff;
  const perRound: Record<Way, number[]> = { binary: [], base64: [] };
  rate('binary', payload, roundMs);
  rate('base64', payload, roundMs);
  for (let round = 0; round < rounds; round += 1) {
    const order: Way[] = round % 2 === 0 ? ['binary', 'base64'] : ['base64', 'binary'];
    for (const way of order) perRound[way].push(1000 / rate(way, payload, roundMs));
  }
  return {
    size,
    wire: { binary: roundTrip('binary', 1, payload), base64: roundTrip('base64', 1, payload) },
    time: { binary: median(perRound.binary), base64: median(perRound.base64) },
    paired: perRound.base64.map((t, i) => t / (perRound.binary[i] as number)),
  };
}

const kib = (bytes: number) => `${bytes / 1024} KiB`;

export async function runBinaryEnvelope(): Promise<BenchResult> {
  const started = now();
  const figures = sizes.map(measure);
  if (sink === 0) throw new Error('nothing decoded');
  const rows = figures.flatMap((f) => [
    [
      kib(f.size),
      'binary frame, 9-byte header',
      count(f.wire.binary),
      `+${count(f.wire.binary - f.size)}`,
      `${f.time.binary.toFixed(2)} us`,
      '1.00x',
    ],
    [
      kib(f.size),
      'base64 in a JSON text frame',
      count(f.wire.base64),
      `+${count(f.wire.base64 - f.size)} (${ratio(f.wire.base64 / f.wire.binary)})`,
      `${f.time.base64.toFixed(2)} us`,
      ratio(median(f.paired)),
    ],
  ]);
  const fewerBytes = figures.every((f) => f.wire.binary < f.wire.base64);
  const faster = figures.every((f) => median(f.paired) > 1);
  const goals: Goal[] = [
    {
      benchmark: 'binary-envelope',
      goal: 'binary data in the 9-byte binary envelope takes fewer bytes and less time (encode + decode) than base64 in JSON',
      measured: figures
        .map(
          (f) =>
            `${kib(f.size)}: ${count(f.wire.binary)} vs ${count(f.wire.base64)} bytes, base64 ${ratio(median(f.paired))} the time`,
        )
        .join('; '),
      met: fewerBytes && faster,
    },
  ];
  return {
    name: 'binary-envelope',
    title: 'Binary envelope',
    method: [
      "docs/protocol.md sends binary application data as a binary frame: a kind byte and the offset (or id) as 8 bytes, then the bytes unchanged. The alternative it rejects is base64 in the JSON text envelope. Both ways use the library's own codec (src/protocol: `encodeServerFrame`, `decodeServerFrame`), in one process, no socket.",
      `One round trip of a downstream message: binary: encode the frame, decode it, the payload is a view on the frame (no copy); base64: Buffer's base64 of the payload, the JSON text frame, the frame as UTF-8 bytes (what ws writes for a text frame), back to a string, JSON decoding, base64 decoding to bytes. Payloads of ${sizes.map(kib).join(' and ')} of mixed bytes.`,
      `Bytes on the wire are the WebSocket frame's payload (the WebSocket header is the same few bytes either way). Time per encode + decode is the median of ${rounds} rounds of ${roundMs} ms each way, alternating which goes first, after a warm-up; the ratio is per round, base64 over binary.`,
    ],
    tables: [
      {
        title: 'Binary envelope vs base64 in JSON, one downstream message encoded and decoded',
        columns: [
          'payload',
          'envelope',
          'bytes on the wire',
          'added to the payload',
          'encode + decode',
          'time vs binary',
        ],
        rows,
      },
    ],
    goals,
    charts: [],
    durationMs: now() - started,
  };
}
