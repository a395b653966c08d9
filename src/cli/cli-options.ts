import type { HeartbeatOptions } from '../client/options.js';
import type { BackoffOptions } from '../core/backoff.js';

/** What the command line asked for. */
export interface CliOptions {
  url: string;
  ack: boolean;
  /** Speak the session protocol: exactly once both ways (not with `ack`). */
  session: boolean;
  json: boolean;
  heartbeat: HeartbeatOptions | false;
  backoff: BackoffOptions;
  maxAttempts: number | undefined;
  connectTimeout: number | undefined;
  drainTimeout: number | undefined;
  keepOpen: boolean;
  inspect: { url: string | undefined; port: number | undefined } | undefined;
}

/** Whether the server acknowledges each message (--ack or --session): delivery is then read from acks. */
export function acknowledged(options: Pick<CliOptions, 'ack' | 'session'>): boolean {
  return options.ack || options.session;
}
