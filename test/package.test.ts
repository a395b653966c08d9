import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestServer } from './support/test-server.js';
import { projectRoot } from './support/typecheck.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(command: string, args: string[], cwd: string, timeout = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, timeout, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        if (error && code === -1) reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

async function ok(command: string, args: string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

/** The files `npm pack` puts in the tarball, from `npm pack --json`. */
function packedFiles(json: string): string[] {
  const [pack] = JSON.parse(json.slice(json.indexOf('['))) as { files: { path: string }[] }[];
  return (pack?.files ?? []).map((file) => file.path).sort();
}

const allowed = /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/.+)$/;
const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  bin?: Record<string, string>;
};
const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
/** npm's errors when the registry cannot be reached (and the cache does not have a package). */
const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED/;

describe('the npm package', () => {
  it('packs only dist/, README.md, LICENSE (MIT), CHANGELOG.md and package.json', async () => {
    const files = packedFiles(
      await ok('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], projectRoot),
    );
    expect(files.filter((file) => !allowed.test(file))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']),
    );
    expect(manifest.license).toBe('MIT');
    expect(readFileSync(join(projectRoot, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) \d{4} lifeline contributors\n/,
    );
    expect(readFileSync(join(projectRoot, 'CHANGELOG.md'), 'utf8')).toContain(
      `## ${manifest.version}`,
    );
    expect(manifest.bin).toEqual({ lifeline: './dist/cli/main.js' });
  }, 60_000);

  describe('built, packed and installed into a fresh project', () => {
    const temp = mkdtempSync(join(tmpdir(), 'lifeline-package-'));
    const stage = join(temp, 'stage');
    const consumer = join(temp, 'consumer');
    let files: string[] = [];
    let installedWithNpm = false;
    let server: TestServer;

    beforeAll(async () => {
      server = await TestServer.start();
      // Build into a staging copy, so the repository's own dist/ is left alone.
      mkdirSync(stage);
      for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
        copyFileSync(join(projectRoot, file), join(stage, file));
      }
      await ok(
        process.execPath,
        [tsc, '-p', 'tsconfig.build.json', '--outDir', join(stage, 'dist')],
        projectRoot,
      );
      const packed = await ok(
        'npm',
        ['pack', '--json', '--ignore-scripts', '--pack-destination', temp],
        stage,
      );
      files = packedFiles(packed);
      const tarball = join(temp, `${manifest.name}-${manifest.version}.tgz`);

      mkdirSync(consumer);
      writeFileSync(
        join(consumer, 'package.json'),
        JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
      );
      const install = await run(
        'npm',
        ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
        consumer,
      );
      if (install.code === 0) {
        installedWithNpm = true;
      } else if (offline.test(install.stderr)) {
        // No registry and no cache: unpack the tarball by hand, with this repository's dependencies.
        console.warn(
          `npm install could not reach the registry; installing by hand:\n${install.stderr}`,
        );
        const modules = join(consumer, 'node_modules');
        mkdirSync(join(modules, 'lifeline-ws'), { recursive: true });
        await ok(
          'tar',
          ['-xzf', tarball, '-C', join(modules, 'lifeline-ws'), '--strip-components=1'],
          temp,
        );
        for (const dependency of ['xstate', 'ws']) {
          symlinkSync(
            join(projectRoot, 'node_modules', dependency),
            join(modules, dependency),
            'dir',
          );
        }
      } else {
        throw new Error(`npm install ${tarball} failed:\n${install.stdout}\n${install.stderr}`);
      }
      // Types for Node (lifeline-ws/server's declarations use node:http), without another download.
      mkdirSync(join(consumer, 'node_modules', '@types'), { recursive: true });
      symlinkSync(
        join(projectRoot, 'node_modules', '@types', 'node'),
        join(consumer, 'node_modules', '@types', 'node'),
        'dir',
      );
    }, 180_000);

    afterAll(async () => {
      await server?.close();
      rmSync(temp, { recursive: true, force: true });
    });

    it('has the entry points, the bin and nothing outside the allowed files', () => {
      expect(files.filter((file) => !allowed.test(file))).toEqual([]);
      expect(files).toEqual(
        expect.arrayContaining([
          'dist/index.js',
          'dist/index.d.ts',
          'dist/server/index.js',
          'dist/server/index.d.ts',
          'dist/cli/main.js',
          'dist/inspect/index.js',
          'dist/testing/index.js',
          'dist/testing/index.d.ts',
          'CHANGELOG.md',
          'LICENSE',
        ]),
      );
    });

    it('works when imported as ESM: connects, sends, gets the ack', async () => {
      writeFileSync(
        join(consumer, 'consumer.mjs'),
        `import { createConnection, formatStatus } from 'lifeline-ws';
import { createUpgradePacer } from 'lifeline-ws/server';
import { connectionPaths, FakeTransport, PathDriver } from 'lifeline-ws/testing';
if (typeof createUpgradePacer !== 'function') throw new Error('lifeline-ws/server has no createUpgradePacer');
// lifeline-ws/testing drives a path through the installed createConnection, with no network.
const [path] = connectionPaths();
const driver = new PathDriver(path);
const driven = createConnection(driver.options);
for (const step of path.steps) await driver.take(step, driven);
driven.close();
if (!(driver.transport instanceof FakeTransport)) throw new Error('lifeline-ws/testing has no FakeTransport');
const connection = createConnection({ url: process.argv[2], ack: true });
const receipt = await connection.send('from a consumer').settled;
console.log(receipt.state, formatStatus(connection.status));
connection.close();
`,
      );
      const output = await ok(process.execPath, ['consumer.mjs', server.url], consumer);
      expect(output.trim()).toBe('acked ● connected');
      expect(server.received).toContain('from a consumer');
    });

    const typedConsumer = `import { createActor } from 'xstate';
import {
  type Clock,
  type Connection,
  connectionMachine,
  createConnection,
  formatStatus,
  type Receipt,
  type ReceiptState,
  type Status,
} from 'lifeline-ws';
import {
  type ConnectionPath,
  connectionPaths,
  FakeTransport,
  type PathStep,
  pathConfigurations,
  TestClock,
} from 'lifeline-ws/testing';

const connection: Connection = createConnection({
  url: 'wss://example.com/socket',
  ack: true,
  backoff: { jitter: 'equal', initialDelay: 500 },
  sync: async ({ send, lastAckedId }) => {
    send(JSON.stringify({ hello: 'consumer', lastAckedId }));
    return { ackedThrough: lastAckedId };
  },
});
const status: Status = connection.status;
const line: string = formatStatus(status);
const receipt: Receipt = connection.send('hello');
const state: ReceiptState = receipt.state;
const id: number | undefined = receipt.id;
// @ts-expect-error: a receipt's internal methods are not part of its type
receipt.update('acked');
// @ts-expect-error: nor is its constructor's bookkeeping
receipt.numbered(1);
// A machine needs no input to be created.
createActor(connectionMachine).stop();
// The testing entry point's types: its clock is a lifeline Clock, its paths are data.
const paths: ConnectionPath[] = connectionPaths({ configurations: pathConfigurations });
const steps: readonly PathStep[] = paths[0]?.steps ?? [];
const clock: Clock = new TestClock();
createConnection({ url: 'wss://example.com/socket', clock, WebSocket: new FakeTransport().WebSocket });
// @ts-expect-error: a misspelt option is a type error
createConnection({ url: 'wss://example.com/socket', backof: {} });
// @ts-expect-error: jitter is one of four strings
createConnection({ url: 'wss://example.com/socket', backoff: { jitter: 'lots' } });
export { id, line, state, steps };
`;

    it.each([
      ['node16', { module: 'node16', moduleResolution: 'node16', types: ['node'] }, true],
      ['bundler', { module: 'esnext', moduleResolution: 'bundler', types: [] }, false],
    ])(
      'compiles a TypeScript consumer with moduleResolution %s',
      async (name, options, withServer) => {
        const source = `${name}.ts`;
        const serverImport = withServer
          ? `import { createUpgradePacer, type UpgradePacer } from 'lifeline-ws/server';\nexport const pacer: UpgradePacer = createUpgradePacer({ rate: 50 });\n`
          : '';
        writeFileSync(join(consumer, source), `${typedConsumer}${serverImport}`);
        writeFileSync(
          join(consumer, `tsconfig.${name}.json`),
          JSON.stringify({
            compilerOptions: {
              ...options,
              target: 'es2022',
              lib: ['es2022', 'dom'],
              strict: true,
              noEmit: true,
              skipLibCheck: false,
              skipDefaultLibCheck: true,
            },
            files: [source],
          }),
        );
        const result = await run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], consumer);
        expect(`${result.stdout}${result.stderr}`).toBe('');
        expect(result.code).toBe(0);
      },
      60_000,
    );

    it('loads with require() where Node can require an ES module', async () => {
      writeFileSync(
        join(consumer, 'consumer.cjs'),
        `const { createConnection, formatStatus } = require('lifeline-ws');
const { createUpgradePacer } = require('lifeline-ws/server');
console.log(typeof createConnection, typeof formatStatus, typeof createUpgradePacer);
`,
      );
      // Node 20.19+ and 22.12+ load an ES module with require() without a flag.
      const output = await ok(process.execPath, ['consumer.cjs'], consumer);
      expect(output.trim()).toBe('function function function');
    });

    it('ships source maps that carry their sources, and no map to a file it lacks', () => {
      const root = join(consumer, 'node_modules', 'lifeline-ws');
      const maps = files.filter((file) => file.endsWith('.map'));
      expect(maps.length).toBeGreaterThan(10);
      expect(maps.filter((file) => file.endsWith('.d.ts.map'))).toEqual([]);
      for (const file of maps) {
        const map = JSON.parse(readFileSync(join(root, file), 'utf8')) as {
          sources: string[];
          sourcesContent?: (string | null)[];
        };
        expect(map.sourcesContent?.length, file).toBe(map.sources.length);
        expect(
          map.sourcesContent?.every((content) => typeof content === 'string' && content.length > 0),
          file,
        ).toBe(true);
      }
    });

    it('runs its bin', async () => {
      const [command = '', ...prefix] = installedWithNpm
        ? [join(consumer, 'node_modules', '.bin', 'lifeline')]
        : [
            process.execPath,
            join(consumer, 'node_modules', 'lifeline-ws', 'dist', 'cli', 'main.js'),
          ];
      expect((await ok(command, [...prefix, '--version'], consumer)).trim()).toBe(manifest.version);
      const help = await run(command, [...prefix, '--help'], consumer);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('usage: lifeline');
    });
  });
});
