/**
 * Generated sections inside hand-written Markdown: the text between
 * `<!-- generated: <name> ... -->` and `<!-- end generated: <name> -->` is
 * written by a script and checked by a test, the rest is prose.
 */
const markers = (name: string) => ({
  start: new RegExp(`<!-- generated: ${name}\\b[^>]*-->\\n`),
  end: `\n<!-- end generated: ${name} -->`,
});

function bounds(text: string, name: string): { from: number; to: number } {
  const { start, end } = markers(name);
  const opening = start.exec(text);
  if (!opening) throw new Error(`no "<!-- generated: ${name} -->" marker`);
  const from = opening.index + opening[0].length;
  const to = text.indexOf(end, from);
  if (to < 0) throw new Error(`no "${end.trim()}" marker after the generated section ${name}`);
  return { from, to };
}

/** The generated text of section `name`. */
export function readSection(text: string, name: string): string {
  const { from, to } = bounds(text, name);
  return text.slice(from, to);
}

/** `text` with section `name` replaced by `content`. */
export function replaceSection(text: string, name: string, content: string): string {
  const { from, to } = bounds(text, name);
  return text.slice(0, from) + content + text.slice(to);
}
