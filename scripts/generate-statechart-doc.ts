import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectionMachine } from '../src/core/machine.js';
import { renderStatechartDoc } from './statechart-doc.js';

const target = fileURLToPath(new URL('../docs/statechart.md', import.meta.url));
const generated = renderStatechartDoc(connectionMachine);

if (process.argv.includes('--check')) {
  const committed = readFileSync(target, 'utf8');
  if (committed !== generated) {
    console.error('docs/statechart.md is out of date: run `npm run docs`');
    process.exit(1);
  }
} else {
  writeFileSync(target, generated);
  console.log('wrote docs/statechart.md');
}
