#!/usr/bin/env node
/**
 * `lifeline <ws-url>`: a resilient wscat. Every stdin line is sent (queued
 * while the connection is down), inbound messages go to stdout, the status
 * goes to stderr. See `help` for the flags and exit codes.
 */
import { readFileSync } from 'node:fs';
import { help } from './help.js';
import { optionUsageError } from './option-usage-error.js';
import { parseArguments } from './parse-arguments.js';
import { run } from './run.js';
import { UsageError } from './usage-error.js';

async function main(args: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseArguments>;
  try {
    options = parseArguments(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(error);
  }
  if (options === 'help') {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (options === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  try {
    return await run(options);
  } catch (error) {
    const usage = optionUsageError(error);
    if (usage) return usageError(usage);
    process.stderr.write(`lifeline: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function usageError(error: UsageError): number {
  const after = error.showUsage ? help : 'run lifeline --help for usage';
  process.stderr.write(`lifeline: ${error.message}\n\n${after}\n`);
  return 2;
}

function version(): string {
  // From dist/cli/main.js as from src/cli/main.ts, the manifest is two folders up.
  const manifest = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function flush(): Promise<void> {
  const drained = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => stream.write('', () => resolve()));
  return Promise.all([drained(process.stdout), drained(process.stderr)]).then(() => undefined);
}

// Exits once stdout and stderr are written: process.exit would cut a piped output short.
main(process.argv.slice(2)).then(
  async (code) => {
    await flush();
    process.exit(code);
  },
  async (error: unknown) => {
    process.stderr.write(`lifeline: ${error instanceof Error ? error.stack : String(error)}\n`);
    await flush();
    process.exit(1);
  },
);
