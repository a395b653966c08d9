import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { defaultClassifyClose } from '../../src/core/close-policy.js';
import { gapCloseCode, TestServer } from '../support/test-server.js';

/** A raw `ws` client that queues what it receives, so the test can await each frame in turn. */
async function rawClient(url: string) {
  const socket = new WebSocket(url);
  const inbox: string[] = [];
  const waiting: ((frame: string) => void)[] = [];
  socket.on('message', (data) => {
    const frame = String(data);
    const next = waiting.shift();
    if (next) next(frame);
    else inbox.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
  });
  onTestFinished(() => socket.terminate());
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    send: (id: number, data: string) => socket.send(JSON.stringify({ id, data })),
    next: () => {
      const frame = inbox.shift();
      if (frame !== undefined) return Promise.resolve(frame);
      return new Promise<string>((resolve) => waiting.push(resolve));
    },
    closed,
    inbox,
  };
}

describe('the reference test server refuses gaps in the ids', () => {
  it('accepts only highestId + 1, re-acks resends, closes on a gap with a retryable code, and announces its ackedThrough', async () => {
    const server = await TestServer.start();
    onTestFinished(() => server.close());

    const first = await rawClient(server.url);
    first.send(1, 'one');
    expect(await first.next()).toBe('{"ack":1}');

    // 2 never came: 3 is a gap. Nothing is acked past 1, and 2 on the same socket is ignored.
    first.send(3, 'three');
    first.send(2, 'two, too late');
    const close = await first.closed;
    expect(close).toEqual({ code: gapCloseCode, reason: 'gap: expected id 2, got 3' });
    expect(first.inbox).toEqual([]);
    expect(server.gaps).toBe(1);
    expect(server.outOfOrder).toBe(1);
    expect(server.highestId).toBe(1);
    expect(server.received).toEqual(['one']);
    expect(defaultClassifyClose(close)).toEqual({ action: 'retry' });

    // A new socket hears the server's ackedThrough first; a resend at or below it is re-acked only.
    const second = await rawClient(server.url);
    expect(await second.next()).toBe('{"ack":1}');
    second.send(1, 'one, resent');
    expect(await second.next()).toBe('{"ack":1}');
    expect(server.duplicates).toBe(1);
    second.send(2, 'two');
    expect(await second.next()).toBe('{"ack":2}');
    second.send(3, 'three');
    expect(await second.next()).toBe('{"ack":3}');
    expect(server.received).toEqual(['one', 'two', 'three']);
    expect(server.gaps).toBe(1);
    expect(server.duplicates).toBe(1);
    expect(server.outOfOrder).toBe(1);
  });
});
