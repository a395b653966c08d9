import WebSocket from 'ws';
import type { ConnectionOptions } from '../client/options.js';
import type { WebSocketConstructor } from '../client/websocket-like.js';
import type { CliOptions } from './cli-options.js';

/** The options of the connection the command line asked for. */
export function connectionOptionsOf(
  options: CliOptions,
  inspect?: ConnectionOptions['inspect'],
): ConnectionOptions {
  return {
    url: options.url,
    // `ws` even where Node has a global WebSocket (22+): its ping frames keep the heartbeat
    // active against servers that stay quiet; the global one would make it passive.
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    // The session protocol has its own acks: `ack` must then be left out.
    ...(options.session ? { session: true } : { ack: options.ack }),
    heartbeat: options.heartbeat,
    backoff: options.backoff,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.connectTimeout === undefined ? {} : { connectTimeout: options.connectTimeout }),
    ...(inspect ? { inspect } : {}),
  };
}
