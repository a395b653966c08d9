import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../src/server/index.js';
import { rawClient, startSessions } from './server/session-support.js';
import { projectRoot } from './support/typecheck.js';

const doc = readFileSync(join(projectRoot, 'docs/protocol.md'), 'utf8');
const examples = [...doc.matchAll(/\n([^\n]+)\n\n```protocol\n([\s\S]*?)```/g)].map(
  ([, title, body]) => ({ title: title ?? '', lines: (body ?? '').trim().split('\n') }),
);

/** Replaces "<token>" and "<epoch>" by what the server sent, checking the shape and that a repeat is the same. */
function matchPlaceholders(expected: unknown, actual: ServerFrame, seen: Map<string, string>) {
  const filled = { ...(expected as Record<string, unknown>) };
  for (const [key, value] of Object.entries(filled)) {
    if (typeof value !== 'string' || !/^<\w+>$/.test(value)) continue;
    const got = (actual as unknown as Record<string, unknown>)[key];
    expect(got, key).toMatch(key === 'token' ? /^[A-Za-z0-9_-]{43}$/ : /^[A-Za-z0-9_-]+$/);
    if (seen.has(value)) expect(got, `${value} repeated`).toBe(seen.get(value));
    seen.set(value, got as string);
    filled[key] = got;
  }
  return filled;
}

describe('docs/protocol.md: every example, run against createSessionServer', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it.each(examples)('$title', async ({ lines }) => {
    const { url } = await startSessions();
    const client = await rawClient(url);
    const seen = new Map<string, string>();
    for (const line of lines) {
      const [, who, rest = ''] = /^(C:|S:|close) ?(.*)$/.exec(line) ?? [];
      if (who === 'C:') client.send(rest);
      else if (who === 'S:') {
        const frame = await client.next();
        expect(frame).toEqual(matchPlaceholders(JSON.parse(rest), frame, seen));
      } else if (who === 'close') expect((await client.closed).code).toBe(Number(rest));
      else throw new Error(`cannot read the example line ${JSON.stringify(line)}`);
    }
    expect(client.pending).toEqual([]);
  });
});
