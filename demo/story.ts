import type { EmbeddedNetwork } from './embedded-network.js';

/** What the client side of a story can do. */
export interface ChatStage {
  /** Both sides stop sending (the client, and the embedded server). */
  stopSending(): void;
  /** Resolves once every message sent so far has a final receipt, and every server line arrived. */
  allSettled(): Promise<void>;
}

/** What a story with scripted faults can also do. */
export interface FaultStage
  extends ChatStage,
    Pick<EmbeddedNetwork, 'cutNetwork' | 'stopServer' | 'startServer' | 'blackhole' | 'flap'> {}

/** One step of a story: a banner, an action at its start, and how long it lasts. */
export interface Phase<Stage> {
  title: string;
  /** One line for the banner: what happens and what to watch for. */
  why: string;
  /** How long the phase lasts at time scale 1, in ms (an upper bound when `endsWhen` is given). */
  lasts: number;
  act?: (stage: Stage) => void | Promise<void>;
  /** Ends the phase early once this resolves. */
  endsWhen?: (stage: Stage) => Promise<void>;
}

/** The quiet end of every story: nothing new is sent, and the outbox must empty. */
function drain<Stage extends ChatStage>(): Phase<Stage> {
  return {
    title: 'quiet drain',
    why: 'nothing new is sent; the phase ends once every line sent has arrived',
    lasts: 25_000,
    act: (stage) => stage.stopSending(),
    endsWhen: (stage) => stage.allSettled(),
  };
}

/** The scripted story against the embedded server, about 40 s at time scale 1. */
export const faultStory: readonly Phase<FaultStage>[] = [
  {
    title: 'normal traffic',
    why: 'chat lines flow up and are acknowledged; server lines flow down',
    lasts: 5000,
  },
  {
    title: 'the network drops',
    why: 'the proxy cuts every connection; the client backs off, reconnects, and gets the server lines it missed',
    lasts: 5000,
    act: (stage) => stage.cutNetwork(),
  },
  {
    title: 'the server restarts',
    why: 'it is down for 5 s; the client keeps queueing lines and retrying',
    lasts: 5000,
    act: (stage) => stage.stopServer(),
  },
  {
    title: 'the server is back',
    why: 'same port, same session store; the session resumes, then the client flushes its queue in order',
    lasts: 3000,
    act: (stage) => stage.startServer(),
  },
  {
    title: 'a half-open black hole',
    why: 'traffic vanishes, nothing closes: only the heartbeat can tell',
    lasts: 7000,
    act: (stage) => stage.blackhole(true),
  },
  {
    title: 'the black hole lifts',
    why: 'the client reconnects, resends what was not acked, and gets the server lines replayed',
    lasts: 4000,
    act: (stage) => stage.blackhole(false),
  },
  {
    title: 'the server flaps',
    why: 'it drops the connection, then accepts each new one and closes it at once; the backoff grows',
    lasts: 4000,
    act: (stage) => stage.flap(true),
  },
  {
    title: 'the server accepts again',
    why: 'the next attempt sticks',
    lasts: 3000,
    act: (stage) => stage.flap(false),
  },
  drain(),
];

/** Against someone else's server: no faults to script, just traffic for the same time, then the drain. */
export function remoteStory(lasts: number): readonly Phase<ChatStage>[] {
  return [
    {
      title: 'live traffic',
      why: 'sending chat lines; break the network yourself, or press Ctrl-C to stop',
      lasts,
    },
    drain(),
  ];
}

/** How long a story's timed phases last at time scale 1 (the drain is over when it is over). */
export function storyLength(story: readonly Phase<never>[]): number {
  return story.filter((phase) => !phase.endsWhen).reduce((total, phase) => total + phase.lasts, 0);
}
