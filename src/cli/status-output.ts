import type { Interface } from 'node:readline';
import { formatStatus, type Status } from '../client/status.js';
import { printable } from '../core/printable.js';
import type { OutputMode } from './output-mode.js';

/** Writes the status, errors and the outcome to stderr, as its `OutputMode` says. */
export class StatusOutput {
  #mode: OutputMode;
  #prompt: Interface | undefined;
  #shown = false;
  #stopped = false;
  #ticker: NodeJS.Timeout | undefined;
  #last: Status | undefined;

  constructor(mode: OutputMode) {
    this.#mode = mode;
  }

  get mode(): OutputMode {
    return this.#mode;
  }

  /** Prompt mode: the status becomes the prompt of this readline interface, until it closes. */
  attach(prompt: Interface): void {
    this.#prompt = prompt;
    prompt.once('close', () => {
      this.#prompt = undefined;
      this.#shown = false;
      if (this.#mode === 'prompt') this.#mode = 'live';
    });
    this.#draw();
  }

  status(status: Status): void {
    const previous = this.#last;
    this.#last = status;
    if (this.#mode === 'json') {
      const retryIn = status.retryAt === null ? null : Math.max(0, status.retryAt - Date.now());
      this.record({ type: 'status', ...status, retryIn, text: formatStatus(status) });
    } else if (this.#mode !== 'lines') {
      this.#draw();
      this.#tick(status.retryAt !== null);
    } else if (
      !previous ||
      previous.state !== status.state ||
      previous.attempt !== status.attempt ||
      previous.retryAt !== status.retryAt
    ) {
      const close = status.lastClose;
      const why =
        status.state === 'reconnecting' && close && close !== previous?.lastClose
          ? `  (last close ${close.code}${close.reason ? ` ${printable(close.reason, 80)}` : ''})`
          : '';
      this.line(`${formatStatus(status)}${why}`);
    }
  }

  /** A JSON line (in --json mode). */
  record(value: Record<string, unknown>): void {
    if (this.#mode === 'json') {
      process.stderr.write(`${JSON.stringify({ ...value, at: new Date().toISOString() })}\n`);
    }
  }

  /** A human line (not in --json mode), above the status line. */
  line(text: string): void {
    if (this.#mode === 'json') return;
    this.#clear();
    process.stderr.write(`${text}\n`);
    this.#draw();
  }

  /** Writes to stdout without tearing the status line (when both are the same terminal). */
  stdout(text: string): void {
    const shared = this.#shown && process.stdout.isTTY === true;
    if (shared) this.#clear();
    process.stdout.write(text);
    if (shared) this.#draw();
  }

  /** After a line was typed and echoed: show the prompt again. */
  typed(): void {
    this.#shown = true;
    this.#draw();
  }

  stop(): void {
    this.#tick(false);
    this.#clear();
    this.#stopped = true;
  }

  #tick(on: boolean): void {
    if (on && !this.#ticker) this.#ticker = setInterval(() => this.#draw(), 250);
    if (!on && this.#ticker) {
      clearInterval(this.#ticker);
      this.#ticker = undefined;
    }
  }

  #draw(): void {
    if (this.#stopped || !this.#last || this.#mode === 'json' || this.#mode === 'lines') return;
    const text = formatStatus(this.#last);
    if (this.#prompt) {
      this.#prompt.setPrompt(`${text} › `);
      this.#prompt.prompt(true);
    } else {
      // A line that wraps cannot be rewritten with \r: keep it within the terminal's width.
      const width = Math.max(20, (process.stderr.columns || 80) - 1);
      const fitted = text.length > width ? `${text.slice(0, width - 1)}…` : text;
      process.stderr.write(`\r${fitted}\x1b[K`);
    }
    this.#shown = true;
  }

  #clear(): void {
    if (!this.#shown) return;
    process.stderr.write('\r\x1b[K');
    this.#shown = false;
  }
}
