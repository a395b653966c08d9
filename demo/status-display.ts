import { printable } from '../src/core/printable.js';
import { formatStatus, type Status } from '../src/index.js';
import type { TimelineEntry } from './connection-timeline.js';
import type { Phase } from './story.js';

/** Seconds since the start, fixed width so the timeline lines up: `+ 12.34 s`. */
function stamp(ms: number): string {
  return `+${(ms / 1000).toFixed(2).padStart(6)} s`;
}

/** Why the last socket went away, for a line that enters reconnecting. */
function closeNote(status: Status): string {
  const close = status.lastClose;
  if (status.state !== 'reconnecting' || !close) return '';
  const reason = printable(close.reason, 60);
  return `   (last close ${close.code}${reason ? ` ${reason}` : ''})`;
}

/**
 * What the demo prints: phase banners, a timeline line per status change and,
 * on a terminal, one live status line rewritten in place. Piped output (a
 * test, a CI log) gets the timeline only: `\r` rewrites would be noise there.
 */
export class StatusDisplay {
  readonly #out: NodeJS.WriteStream;
  readonly #startedAt: number;
  readonly #liveLine: () => string;
  #ticker: NodeJS.Timeout | undefined;
  #liveShown = false;

  /** `liveLine` renders the live line's text; it is called on every redraw. */
  constructor(out: NodeJS.WriteStream, startedAt: number, liveLine: () => string) {
    this.#out = out;
    this.#startedAt = startedAt;
    this.#liveLine = liveLine;
  }

  get #isTerminal(): boolean {
    return this.#out.isTTY === true;
  }

  /** Starts redrawing the live line (a countdown such as "reconnecting in 2 s" needs a clock). */
  startLiveLine(redrawEvery = 200): void {
    if (!this.#isTerminal || this.#ticker) return;
    this.#ticker = setInterval(() => this.#drawLive(), redrawEvery);
    this.#drawLive();
  }

  stopLiveLine(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    this.#clearLive();
  }

  banner(phase: Phase<never>, index: number, count: number): void {
    const title = `── ${index + 1}/${count} ${phase.title} `;
    this.print('');
    this.print(`${title}${'─'.repeat(Math.max(4, 72 - title.length))}`);
    this.print(`   ${phase.why}`);
  }

  transition({ at, status }: TimelineEntry): void {
    this.print(`${stamp(at)}  ${formatStatus(status)}${closeNote(status)}`);
  }

  /** A line for the record, stamped with the time since start. */
  note(text: string): void {
    this.print(`${stamp(Date.now() - this.#startedAt)}  ${text}`);
  }

  /** Prints a line above the live line, which is then redrawn below it. */
  print(line: string): void {
    this.#clearLive();
    this.#out.write(`${line}\n`);
    if (this.#ticker) this.#drawLive();
  }

  #drawLive(): void {
    // A line that wraps cannot be rewritten with \r: keep it within the terminal's width.
    const width = Math.max(20, (this.#out.columns || 80) - 1);
    const text = this.#liveLine();
    const fitted = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    // \x1b[K clears what a longer previous line left behind.
    this.#out.write(`\r${fitted}\x1b[K`);
    this.#liveShown = true;
  }

  #clearLive(): void {
    if (!this.#liveShown) return;
    this.#out.write('\r\x1b[K');
    this.#liveShown = false;
  }
}
