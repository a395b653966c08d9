import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderStatechartDoc } from '../scripts/statechart-doc.js';
import { connectionMachine } from '../src/core/machine.js';

describe('docs/statechart.md', () => {
  it('is exactly what `npm run docs` generates from the machine', () => {
    const committed = readFileSync(new URL('../docs/statechart.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderStatechartDoc(connectionMachine));
  });

  it('lists every transition of the machine in its table', () => {
    const doc = renderStatechartDoc(connectionMachine);
    const rows = doc.split('## Transitions')[1]?.split('\n## ')[0] ?? '';
    const count = rows.split('\n').filter((line) => line.startsWith('| `')).length;
    expect(doc).toContain(`has 15 states and ${count} transitions`);
    expect(count).toBe(30);
  });
});
