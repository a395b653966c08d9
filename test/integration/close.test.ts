import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FatalCloseError, type LifelineError } from '../../src/core/errors/index.js';
import { network, statusWhere, until } from '../support/integration.js';
import { projectRoot } from '../support/typecheck.js';

describe('failing and closing', () => {
  it('goes to failed on a fatal close, shows it, and retryNow() leaves failed', async () => {
    const { server, connect } = await network();
    const errors: LifelineError[] = [];
    const connection = connect({ backoff: { initialDelay: 10 } });
    connection.onError((error) => errors.push(error));
    await statusWhere(connection, (s) => s.state === 'connected');
    server.closeClients(4401, 'bad token');
    const failed = await statusWhere(connection, (s) => s.state === 'failed');
    expect(failed.lastClose).toEqual({ code: 4401, reason: 'bad token' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(FatalCloseError);
    expect((errors[0] as FatalCloseError).closeCode).toBe(4401);

    connection.retryNow();
    expect(connection.status.state).toBe('reconnecting');
    await statusWhere(connection, (s) => s.state === 'connected');
  });

  it('close() sends the code and reason, and the server sees a clean close', async () => {
    const { server, connect } = await network();
    const connection = connect({ url: server.url });
    await statusWhere(connection, (s) => s.state === 'connected');
    const closes: { code: number; reason: string }[] = [];
    for (const client of server.clients) {
      client.on('close', (code, reason) => closes.push({ code, reason: String(reason) }));
    }
    connection.close(4000, 'bye');
    expect(connection.status.state).toBe('closed');
    await until(() => closes.length === 1, 5000, 'the server to see the close');
    expect(closes).toEqual([{ code: 4000, reason: 'bye' }]);
  });

  it('rejects a close code a WebSocket may not send, naming it', async () => {
    const { connect } = await network();
    const connection = connect();
    expect(() => connection.close(1006)).toThrow(
      /`code` must be 1000 or an integer from 3000 to 4999, got 1006/,
    );
  });

  it('leaves no timer or socket behind: a child process exits by itself after close()', async () => {
    const { server } = await network();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'test/fixtures/close-and-exit.ts'), server.url],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    // Generous: on a loaded machine the child's start-up alone takes seconds. The point is that it
    // exits by itself, which a leftover timer or socket would prevent however long we wait.
    const exit = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 60_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(output).toContain('child: acked, then closed');
    expect(exit).toBe(0);
  }, 90_000);
});
