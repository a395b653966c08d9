import type { parseArgs } from 'node:util';
import { flags, isFlagName } from './flags.js';

/** A token of the command line, as `parseArgs` splits it. */
export type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];

/** The first argument at fault, and a message that names it. */
export interface ParseProblem {
  /** Its index in the arguments (short flags grouped in one share it). */
  argument: number;
  message: string;
}

/**
 * Finds the token behind a strict `parseArgs` error (known by its `code`) in
 * the tokens of a lenient parse, and says what is wrong in lifeline's words:
 * parseArgs' own messages are written for a program's author (`Option
 * '--heartbeat <value>' argument missing`), some over three lines.
 */
export function explainParseError(
  code: string,
  tokens: readonly Token[],
): ParseProblem | undefined {
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const message =
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? unknownOption(token) : invalidValue(token);
    if (message !== undefined) return { argument: token.index, message };
  }
  return undefined;
}

type OptionToken = Extract<Token, { kind: 'option' }>;

function unknownOption(token: OptionToken): string | undefined {
  return isFlagName(token.name) ? undefined : `unknown option ${token.rawName}`;
}

function invalidValue({ name, rawName, value, inlineValue }: OptionToken): string | undefined {
  if (!isFlagName(name)) return undefined;
  if (flags[name].type === 'boolean') {
    return value === undefined ? undefined : `${rawName} takes no value`;
  }
  if (value === undefined) return `${rawName} needs a value`;
  if (!inlineValue && value.length > 1 && value.startsWith('-')) {
    return `${rawName} needs a value, got the option ${value} (write ${rawName}=${value} if it is the value)`;
  }
  return undefined;
}
