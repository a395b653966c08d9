/** The 64-byte message of the overhead benchmark. */
export const payload = 'x'.repeat(64);

/**
 * The session rows of the overhead benchmark: the path of the server's fake
 * session endpoint (it acknowledges every `ackEvery` upstream messages, as
 * createSessionServer's `ackEvery` does), and the client's `session.ackEvery`
 * (undefined: the default).
 */
export const sessionVariants = {
  'lifeline-session': { path: '/session-64', ackEvery: undefined },
  'lifeline-session-ack1': { path: '/session-1', ackEvery: 1 },
} as const;

/** What the server acknowledges per ack, from the path of a session endpoint; 0 when not one. */
export function serverAckEvery(path: string | undefined): number {
  const match = /^\/session-(\d+)/.exec(path ?? '');
  return match ? Number(match[1]) : 0;
}

/** A library's connection as the overhead client drives it. */
export interface Direct {
  ready: Promise<void>;
  send(text: string): void;
  onMessage(listener: (text: string) => void): void;
  close(): void;
}

export interface Ports {
  ws: number;
  io: number;
}

export type Connector = (
  ports: Ports,
  options?: { inspect?: (event: { type: string }) => void },
) => Direct;
