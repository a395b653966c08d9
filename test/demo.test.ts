import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer } from 'ws';

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

/** A stand-in for a running Stately inspector on 127.0.0.1, port 0: records the event types it receives. */
async function inspectorEndpoint() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const eventTypes: string[] = [];
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const record = JSON.parse(String(data)) as { type: string; event?: { type: string } };
      if (record.type === '@xstate.event' && record.event) eventTypes.push(record.event.type);
    });
  });
  onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, eventTypes };
}

describe('npm run demo', () => {
  it('tells the short story exactly once both ways, replays what the client missed, exits 0 by itself; --inspect streams it', async () => {
    const inspector = await inspectorEndpoint();
    const { code, output } = await runDemo(['--short', `--inspect=${inspector.url}`]);
    expect(output).toContain(`Stately inspector: streaming to ${inspector.url}`);
    expect(inspector.eventTypes).toEqual(expect.arrayContaining(['START', 'OPEN', 'DROP']));
    expect(output, output).toContain('── summary');
    // Both directions: client → server, then server → client.
    const counts = (label: string) => {
      const match = new RegExp(`^ {2}${label} +(\\d+) +(\\d+)`, 'm').exec(output);
      expect(match, `${label} row\n${output}`).not.toBeNull();
      return [Number(match?.[1]), Number(match?.[2])];
    };
    const [sentUp = 0, sentDown = 0] = counts('sent');
    expect(sentUp).toBeGreaterThan(0);
    expect(sentDown).toBeGreaterThan(0);
    expect(counts('delivered')).toEqual([sentUp, sentDown]);
    expect(counts('lost')).toEqual([0, 0]);
    expect(counts('duplicated')).toEqual([0, 0]);
    expect(counts('out of order')).toEqual([0, 0]);
    // The network cut and the black hole leave the server sending to a client that is away.
    const replayed = Number(/^ {2}replayed +(\d+) /m.exec(output)?.[1]);
    expect(replayed).toBeGreaterThan(0);
    expect(output).toMatch(/↻ \d+ server lines? replayed/);
    expect(output).toMatch(/heartbeat timeout/);
    expect(output).toContain('PASS: exactly once both ways');
    expect(output).not.toContain('\r');
    expect(code, output).toBe(0);
  }, 60_000);
});
