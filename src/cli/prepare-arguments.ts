import { flags, isFlagName } from './flags.js';

/** The command line made ready for `parseArgs`, and what it could not express. */
export interface PreparedArguments {
  args: string[];
  /** The `<ws-url>` of the last `--inspect=<ws-url>`; undefined after a bare `--inspect`. */
  inspectUrl: string | undefined;
}

/**
 * Rewrites the two spellings strict `parseArgs` would misread:
 * - `--inspect=<ws-url>` becomes `--inspect` (the URL is returned apart):
 *   the flag's value is optional, and `--inspect <ws-url>` must leave the
 *   URL to be the positional one;
 * - `--initial-delay -5` becomes `--initial-delay=-5`: parseArgs takes a
 *   value that starts with a dash for a forgotten value, and lifeline would
 *   rather say why -5 is out of range.
 * Everything after `--` is left as it is.
 */
export function prepareArguments(args: readonly string[]): PreparedArguments {
  const prepared: string[] = [];
  let inspectUrl: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    if (arg === '--') {
      prepared.push(...args.slice(index));
      break;
    }
    const next = args[index + 1];
    if (arg === '--inspect') {
      inspectUrl = undefined;
      prepared.push(arg);
    } else if (arg.startsWith('--inspect=')) {
      inspectUrl = arg.slice('--inspect='.length);
      prepared.push('--inspect');
    } else if (takesValue(arg) && next !== undefined && isNegativeNumber(next)) {
      prepared.push(`${arg}=${next}`);
      index += 1;
    } else {
      prepared.push(arg);
    }
  }
  return { args: prepared, inspectUrl };
}

function takesValue(arg: string): boolean {
  const name = arg.slice(2);
  return arg.startsWith('--') && isFlagName(name) && flags[name].type === 'string';
}

function isNegativeNumber(text: string): boolean {
  return text.startsWith('-') && !Number.isNaN(Number(text));
}
