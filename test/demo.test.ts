import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run demo -- ...args` as a fresh process would, capturing everything it prints. */
function runDemo(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'demo/index.ts', ...args], {
      cwd: repositoryRoot,
      // Not a terminal: the demo must print a plain timeline, no \r live line.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run demo', () => {
  it('tells the short story, loses nothing, accepts nothing twice, exits 0 by itself', async () => {
    const { code, output } = await runDemo(['--short']);
    expect(output, output).toContain('── summary');
    expect(output).toMatch(/^ {2}lost +0 /m);
    expect(output).toMatch(/^ {2}duplicated after de-dup +0 /m);
    expect(output).toMatch(/heartbeat timeout/);
    expect(output).not.toContain('\r');
    expect(code, output).toBe(0);
  }, 60_000);
});
