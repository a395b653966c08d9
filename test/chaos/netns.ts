import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChildChannel, type SpawnedScript } from './child-channel.js';

/**
 * Two network namespaces joined by a veth pair, made for one chaos test and
 * torn down after it: the server runs in one, the client in the other, and
 * traffic between them crosses only the veth addresses assigned here. Faults
 * are applied on the client's side (link down, black-hole route) or on both
 * ends of the veth (a token-bucket rate limit).
 *
 * Names carry the process id and a counter, and the /30 is chosen at random,
 * so runs in parallel cannot clash; namespaces left behind by a run that was
 * killed are removed by the next one (see {@link sweepStaleNamespaces}).
 */
export class ChaosNetwork {
  static readonly #live = new Set<ChaosNetwork>();
  static #counter = 0;
  static #hooked = false;

  readonly serverNs: string;
  readonly clientNs: string;
  readonly serverAddress: string;
  readonly clientAddress: string;
  readonly serverIf = 'chaos-srv';
  readonly clientIf = 'chaos-cli';
  /** A private directory for this test's files (the server's delivery log). */
  readonly dir: string;
  readonly #children = new Set<ChildChannel>();
  #destroyed = false;

  private constructor() {
    ChaosNetwork.#counter += 1;
    const base = `${namespacePrefix}${process.pid}-${ChaosNetwork.#counter}`;
    this.serverNs = `${base}-srv`;
    this.clientNs = `${base}-cli`;
    // 10.64.0.0 - 10.127.255.252: a random /30 (.1 server, .2 client).
    const block = 0x0a400000 + Math.floor(Math.random() * 0x100000) * 4;
    this.serverAddress = ipv4(block + 1);
    this.clientAddress = ipv4(block + 2);
    this.dir = mkdtempSync(path.join(tmpdir(), `${namespacePrefix}${process.pid}-`));
  }

  /** Creates both namespaces and the veth pair between them; throws (after cleaning up) if it cannot. */
  static create(): ChaosNetwork {
    requireRootAndIproute();
    ChaosNetwork.#hookExit();
    const network = new ChaosNetwork();
    ChaosNetwork.#live.add(network);
    try {
      run('ip', ['netns', 'add', network.serverNs]);
      run('ip', ['netns', 'add', network.clientNs]);
      // Both ends are created inside their namespaces: the names only need to be unique there.
      run('ip', [
        'link',
        'add',
        network.serverIf,
        'netns',
        network.serverNs,
        'type',
        'veth',
        'peer',
        'name',
        network.clientIf,
        'netns',
        network.clientNs,
      ]);
      for (const [ns, dev, address] of [
        [network.serverNs, network.serverIf, network.serverAddress],
        [network.clientNs, network.clientIf, network.clientAddress],
      ] as const) {
        run('ip', ['-n', ns, 'addr', 'add', `${address}/30`, 'dev', dev]);
        run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
        run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      }
    } catch (error) {
      network.destroy();
      throw error;
    }
    return network;
  }

  /** Starts `script` (a file in test/chaos) with node and tsx inside a namespace. */
  spawn(ns: string, script: string, args: string[], label: string): ChildChannel {
    const spawned: SpawnedScript = {
      command: 'ip',
      args: ['netns', 'exec', ns, process.execPath, '--import', 'tsx', script, ...args],
      label,
    };
    const child = new ChildChannel(spawned);
    this.#children.add(child);
    return child;
  }

  /** `ip link set <client veth> down` (or up) in the client's namespace. */
  setClientLink(up: boolean): void {
    run('ip', ['-n', this.clientNs, 'link', 'set', this.clientIf, up ? 'up' : 'down']);
  }

  /** Adds (or removes) `blackhole <server address>` in the client's namespace: a silent, half-open path. */
  setBlackhole(on: boolean): void {
    run('ip', ['-n', this.clientNs, 'route', on ? 'add' : 'del', 'blackhole', this.serverAddress]);
  }

  /** A token-bucket filter of `rate` on both ends of the veth, or none. */
  setRate(rate: string | null): void {
    for (const [ns, dev] of [
      [this.clientNs, this.clientIf],
      [this.serverNs, this.serverIf],
    ] as const) {
      if (rate === null) {
        run('tc', ['-n', ns, 'qdisc', 'del', 'dev', dev, 'root']);
      } else {
        run('tc', [
          ...['-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'tbf'],
          ...['rate', rate, 'burst', '16kb', 'latency', '400ms'],
        ]);
      }
    }
  }

  /** The qdisc on the client's end of the veth, as `tc` prints it. */
  clientQdisc(): string {
    return run('tc', ['-n', this.clientNs, 'qdisc', 'show', 'dev', this.clientIf]).trim();
  }

  /**
   * Kills every process started here, deletes both namespaces (the veth, its
   * qdiscs and routes go with them) and the temporary directory. Synchronous,
   * so it can run from an `exit` hook; safe to call twice.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    for (const child of this.#children) child.kill('SIGKILL');
    for (const ns of [this.clientNs, this.serverNs]) {
      try {
        run('ip', ['netns', 'del', ns]);
      } catch {
        // Never created, or already gone.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    ChaosNetwork.#live.delete(this);
  }

  /** Destroys every network still alive (after a test, or when the process ends). */
  static destroyAll(): void {
    for (const network of [...ChaosNetwork.#live]) network.destroy();
  }

  static #hookExit(): void {
    if (ChaosNetwork.#hooked) return;
    ChaosNetwork.#hooked = true;
    process.on('exit', () => ChaosNetwork.destroyAll());
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        ChaosNetwork.destroyAll();
        process.kill(process.pid, signal);
      });
    }
  }
}

const namespacePrefix = 'lifeline-chaos-';

function ipv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** Runs a command, returning its stdout; throws with its stderr when it fails. */
export function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr || String(error)}`);
  }
}

function requireRootAndIproute(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the chaos tests make network namespaces: run them as root (sudo npm run test:chaos)',
    );
  }
  for (const tool of ['ip', 'tc']) {
    try {
      execFileSync(tool, ['-V'], { stdio: 'ignore' });
    } catch {
      throw new Error(`the chaos tests need \`${tool}\` (Debian: apt-get install -y iproute2)`);
    }
  }
}

/**
 * Deletes the namespaces and temporary directories this suite left behind in
 * an earlier run whose process is gone (a run killed with SIGKILL cannot
 * clean up after itself). Returns the names removed.
 */
export function sweepStaleNamespaces(): string[] {
  const isStale = (name: string) => {
    if (!name.startsWith(namespacePrefix)) return false;
    const pid = Number(name.slice(namespacePrefix.length).split('-')[0]);
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processExists(pid);
  };
  const namespaces = run('ip', ['netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(isStale);
  for (const name of namespaces) run('ip', ['netns', 'del', name]);
  const directories = readdirSync(tmpdir()).filter(isStale);
  for (const name of directories)
    rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  return [...namespaces, ...directories];
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
