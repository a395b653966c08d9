/**
 * `npm run demo`: lifeline keeping a chat alive through a scripted series of
 * network faults, with a live status line, a timeline and a measured summary.
 * See options.ts for the flags.
 */

import { redactUrl } from '../src/client/socket-url.js';
import { formatStatus } from '../src/index.js';
import { type RunningInspector, startInspector } from '../src/inspect/index.js';
import { ChatClient } from './chat-client.js';
import { clientTimings } from './client-timings.js';
import { ConnectionTimeline } from './connection-timeline.js';
import { EmbeddedNetwork } from './embedded-network.js';
import { type DemoOptions, parseDemoOptions, usage } from './options.js';
import { runStory, type StoryRun } from './run-story.js';
import { StatusDisplay } from './status-display.js';
import { type ChatStage, type FaultStage, faultStory, remoteStory, storyLength } from './story.js';
import { type Measurements, passed, renderSummary, summarize, verdict } from './summary.js';

function optionsOrExit(): DemoOptions {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  try {
    return parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
}

async function startInspectorOrExit(inspect: true | string): Promise<RunningInspector> {
  try {
    return await startInspector(inspect === true ? {} : { url: inspect });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

/** First Ctrl-C: stop the story and summarise what was measured. Second: leave at once. */
function interruptOnCtrlC(onInterrupt: () => void): { signal: AbortSignal; dispose(): void } {
  const interrupt = new AbortController();
  const listener = () => {
    if (interrupt.signal.aborted) process.exit(130);
    onInterrupt();
    interrupt.abort();
  };
  process.on('SIGINT', listener);
  return { signal: interrupt.signal, dispose: () => process.off('SIGINT', listener) };
}

function announce(display: StatusDisplay, options: DemoOptions, network: EmbeddedNetwork | null) {
  if (network) {
    const { server, proxy } = network;
    display.print(
      `lifeline demo: session server on :${server.port}, fault proxy on :${proxy.port}`,
    );
    display.print('client → proxy → server: numbered chat lines up, numbered server lines down,');
    display.print('both at a steady pace, over the session protocol (exactly once both ways)');
  } else {
    display.print(`lifeline demo against ${redactUrl(options.url ?? '')} (no scripted faults)`);
    display.print(
      `speaking ${options.mode === 'plain' ? 'plain frames' : options.mode === 'ack' ? 'the ack envelope' : 'the session protocol'}`,
    );
  }
  if (options.timeScale !== 1) display.print(`time scale ${options.timeScale}: a compressed story`);
}

/** Plays the fault story on the embedded network, or plain traffic against someone else's server. */
function playStory(client: ChatClient, network: EmbeddedNetwork | null, run: StoryRun) {
  const server = network?.server;
  const chat: ChatStage = {
    stopSending: () => {
      client.stopSending();
      server?.stopSending();
    },
    allSettled: async () => {
      await client.allSettled();
      if (!server) return;
      await server.appended();
      await client.receivedAll(server.record.sent);
    },
  };
  if (!network) return runStory(remoteStory(storyLength(faultStory)), chat, run);
  const stage: FaultStage = {
    ...chat,
    cutNetwork: () => network.cutNetwork(),
    stopServer: () => network.stopServer(),
    startServer: () => network.startServer(),
    blackhole: (on) => network.blackhole(on),
    flap: (on) => network.flap(on),
  };
  return runStory(faultStory, stage, run);
}

function measure(
  client: ChatClient,
  network: EmbeddedNetwork | null,
  timeline: ConnectionTimeline,
  runTimeMs: number,
): Measurements {
  const server = network?.server;
  return {
    sentLines: client.sentLines,
    receiptStates: client.receipts.map((receipt) => receipt.state),
    server: server ? server.record : null,
    receivedLines: client.receivedLines,
    replayed: client.replayed,
    reconnects: timeline.reconnects,
    longestOutageMs: timeline.everConnected ? timeline.longestOutage(runTimeMs) : null,
    runTimeMs,
  };
}

async function main(): Promise<number> {
  const options = optionsOrExit();
  const startedAt = Date.now();
  const inspector = options.inspect ? await startInspectorOrExit(options.inspect) : null;
  const timings = clientTimings(options.timeScale);
  const network =
    options.url === undefined ? await EmbeddedNetwork.start(timings.serverSendEvery) : null;
  const client = new ChatClient({
    url: options.url ?? network?.url ?? '',
    mode: options.mode,
    timings,
    inspect: inspector?.inspect,
  });
  let phaseTitle = 'starting';
  const display = new StatusDisplay(process.stdout, startedAt, () => {
    const status = formatStatus(client.connection.status);
    const counts = `sent ${client.sentLines.length}, unsettled ${client.unsettled}, got ${client.receivedLines.length}`;
    return `${status}  │ ${phaseTitle} │ ${counts}`;
  });
  announce(display, options, network);
  if (inspector) {
    display.print(
      inspector.page
        ? `Stately inspector: open ${inspector.page} (events stream to ${inspector.endpoint})`
        : `Stately inspector: streaming to ${inspector.endpoint}`,
    );
  }

  const timeline = new ConnectionTimeline(client.connection, startedAt);
  for (const entry of timeline.entries) display.transition(entry);
  timeline.onEntry((entry) => {
    display.transition(entry);
    const replayed = entry.status.state === 'connected' ? client.takeReplayed() : 0;
    if (replayed > 0)
      display.note(`↻ ${replayed} server lines replayed: sent while the client was away`);
  });
  client.connection.onError((error) => display.note(`! ${error.code}: ${error.message}`));
  const ctrlC = interruptOnCtrlC(() => display.note('interrupted: summarising what was measured'));

  client.startSending();
  network?.server.startSending();
  display.startLiveLine();
  await playStory(client, network, {
    timeScale: options.timeScale,
    signal: ctrlC.signal,
    onPhase: (phase, index, count) => {
      phaseTitle = phase.title;
      display.banner(phase, index, count);
    },
    onEndedEarly: (phase, afterMs) =>
      display.note(`${phase.title}: done after ${(afterMs / 1000).toFixed(2)} s`),
    onOverrun: (phase) =>
      display.note(`${phase.title}: time is up with ${client.unsettled} receipts unsettled`),
  });
  client.stopSending();
  network?.server.stopSending();
  display.stopLiveLine();

  // Measure before closing: close() settles what is left, and closing is not an outage.
  const unsettled = client.unsettled;
  const summary = summarize(measure(client, network, timeline, Date.now() - startedAt));
  client.close();
  await network?.close();
  inspector?.stop();
  ctrlC.dispose();

  display.print('');
  display.print(renderSummary(summary));
  display.print('');
  if (ctrlC.signal.aborted) {
    // Lines still on their way were not lost, just not given the time: no verdict, the shell's code.
    display.print(`INTERRUPTED during "${phaseTitle}", lines still on their way: ${unsettled}`);
    return 130;
  }
  display.print(verdict(summary));
  return passed(summary) ? 0 : 1;
}

// exitCode, not exit(): the process ends by itself once everything is closed, which proves it is.
process.exitCode = await main();
