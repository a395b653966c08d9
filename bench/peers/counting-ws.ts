import WebSocket from 'ws';

const hooks = new Map<string, () => void>();

/**
 * `ws`'s WebSocket, unchanged, except that each construction (one connection
 * attempt) is reported to the client that registered its URL. Each client
 * gets a URL of its own (`?client=n`), so one shared class serves them all.
 */
export class CountingWebSocket extends WebSocket {
  constructor(
    address: string | URL,
    protocols?: string | string[],
    options?: WebSocket.ClientOptions,
  ) {
    super(address, protocols, options);
    hooks.get(String(address))?.();
  }
}

let next = 0;

/** A URL unique to one client, and the hook its attempts are reported to. */
export function registerClient(url: string, onAttempt: () => void): string {
  next += 1;
  const unique = new URL(url);
  unique.searchParams.set('client', String(next));
  const text = unique.toString();
  hooks.set(text, onAttempt);
  return text;
}

export function unregisterClient(url: string): void {
  hooks.delete(url);
}
