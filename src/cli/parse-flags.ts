import { parseArgs } from 'node:util';
import { explainParseError, type Token } from './explain-parse-error.js';
import { flags } from './flags.js';
import { UsageError } from './usage-error.js';

function strictParse(args: string[]) {
  return parseArgs({ args, options: flags, strict: true, allowPositionals: true, tokens: true });
}

/** The flags' values and the positional arguments. */
export type ParsedFlags = Pick<ReturnType<typeof strictParse>, 'values' | 'positionals'>;

/**
 * Parses `args` with strict `parseArgs`. `--help` and `--version` win over
 * any argument after them, the first one given over the other; a bad flag
 * before them throws a `UsageError` that names it.
 */
export function parseFlags(args: string[]): ParsedFlags | 'help' | 'version' {
  let parsed: ReturnType<typeof strictParse>;
  try {
    parsed = strictParse(args);
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    const { tokens } = parseArgs({
      args,
      options: flags,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    const problem = explainParseError(error.code, tokens);
    const before = problem?.argument ?? args.length;
    const request = requestIn(tokens.filter((token) => token.index < before));
    if (request) return request;
    throw new UsageError(problem?.message ?? error.message);
  }
  return requestIn(parsed.tokens) ?? { values: parsed.values, positionals: parsed.positionals };
}

function requestIn(tokens: readonly Token[]): 'help' | 'version' | undefined {
  for (const token of tokens) {
    if (token.kind === 'option' && (token.name === 'help' || token.name === 'version')) {
      return token.name;
    }
  }
  return undefined;
}

function isParseArgsError(error: unknown): error is TypeError & { code: string } {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
