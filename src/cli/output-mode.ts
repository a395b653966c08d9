/**
 * How the status reaches stderr: JSON lines (--json); the prompt of an
 * interactive session (stdin and stderr are terminals: typing is not torn
 * by redraws); a live line rewritten in place (stderr is a terminal, stdin
 * is piped); or one line per change (stderr is piped).
 */
export type OutputMode = 'json' | 'prompt' | 'live' | 'lines';

/** The output mode for this process's terminals. */
export function outputMode(json: boolean): OutputMode {
  if (json) return 'json';
  if (process.stderr.isTTY !== true) return 'lines';
  return process.stdin.isTTY === true ? 'prompt' : 'live';
}
