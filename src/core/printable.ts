// Whole ANSI escape sequences (CSI, OSC, two-byte), then any C0 or C1 control character or DEL.
const escapeSequences =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])|\u009b[0-?]*[ -/]*[@-~]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/g;
/** Marks and embeddings that reorder what a terminal shows (a reason could disguise itself). */
const bidiControls = /\p{Bidi_Control}/gu;

/**
 * Makes text from a server safe to print on a terminal: escape sequences,
 * control characters and bidirectional controls are removed, and it is cut to `max` characters.
 *
 * @example
 * ```ts
 * import { printable } from './printable.js'; // internal
 *
 * printable('bye\u001b[2J\u0007'); // 'bye'
 * ```
 */
export function printable(text: string, max = 120): string {
  const clean = text
    .replace(escapeSequences, '')
    .replace(controlCharacters, '')
    .replace(bidiControls, '');
  if (clean.length <= max) return clean;
  let end = max - 1;
  // Never keep half of a surrogate pair (an emoji): a terminal would show U+FFFD.
  const last = clean.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${clean.slice(0, end)}…`;
}
