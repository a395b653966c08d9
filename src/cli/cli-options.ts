import type { HeartbeatOptions } from '../client/options.js';
import type { BackoffOptions } from '../core/backoff.js';

/** What the command line asked for. */
export interface CliOptions {
  url: string;
  ack: boolean;
  json: boolean;
  heartbeat: HeartbeatOptions | false;
  backoff: BackoffOptions;
  maxAttempts: number | undefined;
  connectTimeout: number | undefined;
  drainTimeout: number | undefined;
  keepOpen: boolean;
  inspect: { url: string | undefined; port: number | undefined } | undefined;
}
