/** How the demo was asked to run, from its command line and environment. */
export interface DemoOptions {
  /** A server to talk to instead of the embedded one; the scripted faults are skipped then. */
  url: string | undefined;
  /** Wrap messages in lifeline's ack envelope (always on against the embedded server). */
  ack: boolean;
  /** Run the `{"hello":..}` handshake as sync (always on against the embedded server). */
  hello: boolean;
  /** Multiplies every duration of the story and of the client's timers: 1 is the full ~40 s story. */
  timeScale: number;
  /** Stream the statechart to the Stately inspector: `true` for a local server, or an endpoint. */
  inspect: boolean | string;
}

/** The compressed story the test runs: the same phases, five times faster. */
export const shortTimeScale = 0.2;

export const usage = `usage: npm run demo -- [--short] [--inspect[=ws-url]] [--url ws://host/path [--ack] [--hello]]

  (no flags)   embedded server + fault proxy + client, a scripted ~40 s story
  --short      the same story, five times faster (also: LIFELINE_DEMO_SHORT=1)
  --url URL    connect to your own server instead; no scripted faults
  --ack        with --url: the server speaks the ack envelope {"id":n,"data":..} -> {"ack":n}
  --hello      with --url: sync by sending {"hello":"demo"} and waiting for {"welcome":true,..}
  --inspect    stream the statechart to the Stately inspector: starts its local server on
               port 8080 and prints the page to open; --inspect=ws://.. streams to a running one`;

/** Parses the arguments after `npm run demo --`; throws with the usage text on anything unknown. */
export function parseDemoOptions(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): DemoOptions {
  let url: string | undefined;
  let ack = false;
  let hello = false;
  let short = env.LIFELINE_DEMO_SHORT === '1';
  let inspect: boolean | string = false;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--short') short = true;
    else if (arg === '--ack') ack = true;
    else if (arg === '--hello') hello = true;
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
  if (url === undefined && (ack || hello)) {
    throw new Error(`--ack and --hello only apply with --url\n\n${usage}`);
  }
  // The embedded server speaks both protocols, so the demo can prove delivery against it.
  const embedded = url === undefined;
  return {
    url,
    ack: ack || embedded,
    hello: hello || embedded,
    timeScale: short ? shortTimeScale : 1,
    inspect,
  };
}
