import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

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

function versionOf(name: string, from?: string): string {
  try {
    const path = from
      ? require.resolve(`${name}/package.json`, { paths: [require.resolve(from)] })
      : require.resolve(`${name}/package.json`);
    return (require(path) as { version: string }).version;
  } catch {
    return 'not installed';
  }
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
