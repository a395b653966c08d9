import type { ChatMode } from './chat-client.js';

/** How the demo was asked to run, from its command line and environment. */
export interface DemoOptions {
  /** A server to talk to instead of the embedded one; the scripted faults are skipped then. */
  url: string | undefined;
  /** How the client talks: the session protocol against the embedded server; `--ack`, `--session` or plain with `--url`. */
  mode: ChatMode;
  /** Multiplies every duration of the story and of the client's timers: 1 is the full ~40 s story. */
  timeScale: number;
  /** Stream the statechart to the Stately inspector: `true` for a local server, or an endpoint. */
  inspect: boolean | string;
}

/** The compressed story the test runs: the same phases, five times faster. */
export const shortTimeScale = 0.2;

export const usage = `usage: npm run demo -- [--short] [--inspect[=ws-url]] [--url ws://host/path [--ack | --session]]

  (no flags)   embedded session server + fault proxy + client, a scripted ~40 s story
  --short      the same story, five times faster (also: LIFELINE_DEMO_SHORT=1)
  --url URL    connect to your own server instead; no scripted faults
  --ack        with --url: the server speaks the ack envelope {"id":n,"data":..} -> {"ack":n}
  --session    with --url: the server speaks the session protocol (createSessionServer)
  --inspect    stream the statechart to the Stately inspector: starts its local server on
               port 8080 and prints the page to open; --inspect=ws://.. streams to a running one`;

/** Parses the arguments after `npm run demo --`; throws with the usage text on anything unknown. */
export function parseDemoOptions(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): DemoOptions {
  let url: string | undefined;
  let ack = false;
  let session = false;
  let short = env.LIFELINE_DEMO_SHORT === '1';
  let inspect: boolean | string = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--short') short = true;
    else if (arg === '--ack') ack = true;
    else if (arg === '--session') session = true;
    else if (arg === '--inspect') inspect = true;
    else if (arg?.startsWith('--inspect=')) {
      inspect = arg.slice('--inspect='.length);
      if (!/^wss?:\/\//.test(inspect)) {
        throw new Error(`--inspect=<ws-url> needs a ws: or wss: URL, got ${inspect}\n\n${usage}`);
      }
    } else if (arg === '--url') {
      url = args[index + 1];
      index += 1;
      if (url === undefined) throw new Error(`--url needs a value\n\n${usage}`);
    } else if (arg?.startsWith('--url=')) url = arg.slice('--url='.length);
    else throw new Error(`unknown argument ${JSON.stringify(arg)}\n\n${usage}`);
  }
  if (url === undefined && (ack || session)) {
    throw new Error(`--ack and --session only apply with --url\n\n${usage}`);
  }
  if (ack && session) throw new Error(`--ack and --session cannot be used together\n\n${usage}`);
  // The embedded server speaks the session protocol, so the demo can prove exactly once both ways.
  const mode: ChatMode = url === undefined || session ? 'session' : ack ? 'ack' : 'plain';
  return { url, mode, timeScale: short ? shortTimeScale : 1, inspect };
}
