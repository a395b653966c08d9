import type { SyncResult } from '../src/client/sync-context.js';
import type { IncomingData, SyncContext } from '../src/index.js';

interface Welcome {
  welcome: true;
  ackedThrough: number;
}

function readWelcome(data: IncomingData): Welcome | undefined {
  if (typeof data !== 'string' || !data.startsWith('{')) return undefined;
  try {
    const message = JSON.parse(data) as Partial<Welcome>;
    return message.welcome === true && typeof message.ackedThrough === 'number'
      ? (message as Welcome)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The demo's `sync`: says hello on the fresh socket and waits for the welcome,
 * whose `ackedThrough` tells lifeline which in-flight messages the server
 * already has, so that only the others are resent.
 */
export function helloSync({ send, onMessage, signal }: SyncContext): Promise<SyncResult> {
  return new Promise((resolve, reject) => {
    const stopListening = onMessage((data) => {
      const welcome = readWelcome(data);
      if (!welcome) return;
      stopListening();
      resolve({ ackedThrough: welcome.ackedThrough });
    });
    // lifeline aborts a sync that timed out or whose socket dropped; settle so nothing dangles.
    signal.addEventListener(
      'abort',
      () => {
        stopListening();
        reject(signal.reason);
      },
      { once: true },
    );
    send(JSON.stringify({ hello: 'demo' }));
  });
}
