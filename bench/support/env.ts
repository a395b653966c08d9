import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Environment {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  loadAverage: number[];
  lifeline: string;
  commit: string;
  versions: { name: string; version: string; note?: string }[];
}

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The folder of package `name` as Node would find it from `fromDir`: the first
 * `node_modules/<name>/package.json` on the lookup path. Read from disk rather
 * than through `require.resolve('<name>/package.json')`, which fails for
 * packages whose `exports` do not list their package.json (vega, vega-lite,
 * partysocket).
 */
function packageDir(name: string, fromDir: string): string | undefined {
  const lookup = createRequire(path.join(fromDir, 'index.js')).resolve.paths(name) ?? [];
  for (const dir of lookup) {
    const candidate = path.join(dir, name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  return undefined;
}

/** The installed version of `name`, found from the package `from` when given (its own copy). */
export function versionOf(name: string, from?: string): string {
  const base = from === undefined ? here : packageDir(from, here);
  const dir = base === undefined ? undefined : packageDir(name, base);
  if (dir === undefined) return 'not installed';
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof version === 'string' ? version : 'unknown';
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** The machine and the versions a run was measured on (no paths of this machine). */
export function environment(): Environment {
  const cpus = os.cpus();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--untracked-files=no', '--', 'src']) !== '';
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    loadAverage: os.loadavg(),
    lifeline: (require('../../package.json') as { version: string }).version,
    commit: commit ? `${commit}${dirty ? ' with uncommitted changes in src/' : ''}` : 'unknown',
    versions: [
      {
        name: 'ws',
        version: versionOf('ws'),
        note: 'lifeline, reconnecting-websocket, partysocket, the raw baseline and the servers',
      },
      { name: 'reconnecting-websocket', version: versionOf('reconnecting-websocket') },
      { name: 'partysocket', version: versionOf('partysocket') },
      { name: 'socket.io-client', version: versionOf('socket.io-client') },
      { name: 'engine.io-client', version: versionOf('engine.io-client', 'socket.io-client') },
      {
        name: 'ws (in engine.io-client)',
        version: versionOf('ws', 'engine.io-client'),
        note: "socket.io-client's own copy",
      },
      { name: 'socket.io', version: versionOf('socket.io') },
      { name: 'xstate', version: versionOf('xstate') },
      { name: 'vega', version: versionOf('vega') },
      { name: 'vega-lite', version: versionOf('vega-lite') },
      { name: 'tsx', version: versionOf('tsx') },
    ],
  };
}
