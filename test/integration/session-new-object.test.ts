// Without a durable store, a new connection object (a page reload, a process
// restart) is a new client. The bug this guards against: ids that start at 1
// again on a server that remembers the old client's highest id made every
// receipt say acked while the server dropped every message as a resend.
import { describe, expect, it } from 'vitest';
import { createConnection, type Receipt } from '../../src/index.js';
import { startSessions } from '../server/session-support.js';

async function sendFive(url: string, label: string, clientId?: string): Promise<Receipt[]> {
  const connection = createConnection({
    url,
    session: clientId === undefined ? true : { clientId },
    backoff: { initialDelay: 1, maxDelay: 20 },
    watchNetwork: false,
  });
  try {
    const receipts = [1, 2, 3, 4, 5].map((n) => connection.send(`${label}${n}`));
    await Promise.all(receipts.map((receipt) => receipt.settled));
    return receipts;
  } finally {
    connection.close();
  }
}

/** Every receipt acked, and the server's handler took a1..a5 then b1..b5, once each; returns the client ids it saw. */
function expectAllTenOnce(receipts: Receipt[], received: [string, unknown][]): string[] {
  expect(receipts.map((receipt) => receipt.state)).toEqual(Array(receipts.length).fill('acked'));
  expect(received.map(([, data]) => data)).toEqual(
    ['a', 'b'].flatMap((label) => [1, 2, 3, 4, 5].map((n) => `${label}${n}`)),
  );
  return received.map(([clientId]) => clientId);
}

describe('session mode: a new connection object is a new client (no durable store)', () => {
  it('a second object delivers its 5 messages too: 10 acked, 10 handled, in order', async () => {
    const { url, received } = await startSessions();
    const first = await sendFive(url, 'a');
    const second = await sendFive(url, 'b');
    const clientIds = expectAllTenOnce([...first, ...second], received);
    expect(new Set(clientIds).size).toBe(2);
  });

  it('a second object given the same clientId (and no token) is refused that session and delivers under a fresh id', async () => {
    const { url, received } = await startSessions();
    const first = await sendFive(url, 'a', 'kiosk-7');
    const second = await sendFive(url, 'b', 'kiosk-7');
    const clientIds = expectAllTenOnce([...first, ...second], received);
    expect(clientIds.slice(0, 5)).toEqual(Array(5).fill('kiosk-7'));
    expect(clientIds.slice(5).every((clientId) => clientId !== 'kiosk-7')).toBe(true);
  });
});
