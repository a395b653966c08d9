/** connectionPaths and PathDriver of lifeline-ws/testing. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionMachine } from '../../src/core/machine.js';
import { createConnection } from '../../src/index.js';
import {
  connectionPaths,
  eventVariants,
  PathDriver,
  type PathStep,
  pathConfigurations,
} from '../../src/testing/index.js';
import { transitionSet } from '../support/transition-set.js';
import { projectRoot, typecheckSnippets, typescriptBlocks } from '../support/typecheck.js';

const paths = connectionPaths();

describe('connectionPaths', () => {
  it('makes paths for each default configuration, every one from createConnection (START first)', () => {
    const names = pathConfigurations.map(({ name }) => name);
    expect(names).toEqual(['stableAfter 5000', 'stableAfter 0']);
    expect(new Set(paths.map((path) => path.configuration))).toEqual(new Set(names));
    expect(paths.every((path) => path.steps[0]?.event.type === 'START')).toBe(true);
    expect(paths.length).toBeGreaterThan(transitionSet(connectionMachine).size);
    expect(new Set(paths.map((path) => path.description)).size).toBe(paths.length);
  });

  it('describes every step in words that chain: each starts where the one before ended', () => {
    for (const path of paths) {
      expect(path.steps[0]?.from).toBe('idle');
      path.steps.forEach((step, index) => {
        if (index > 0) expect(step.from).toBe(path.steps[index - 1]?.to);
        expect(step.description).toBe(`${step.from} --${step.label}--> ${step.to}`);
        expect(path.description).toContain(` --${step.label}--> ${step.to}`);
      });
      expect(path.description.startsWith(`[${path.configuration}] idle --START--> `)).toBe(true);
    }
  });

  it('includes timers, the stable state, and the events of the variants where they apply', () => {
    const labels = new Set(paths.flatMap((path) => path.steps.map((step) => step.label)));
    for (const timer of ['connectTimeout', 'syncTimeout', 'stableAfter', 'reconnectDelay']) {
      expect(labels).toContain(`after(${timer})`);
    }
    expect(paths.some((path) => path.steps.some((step) => step.to.includes('live.stable')))).toBe(
      true,
    );
    expect(labels).toContain('DROP(code: 1008, reason: "policy")');
    expect(labels).toContain('error(sync, error: "boom")');
    const refusals = paths.flatMap((path) => path.steps).filter((step) => 'status' in step.event);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((step) => /^session\.(re)?connecting/.test(step.from))).toBe(true);
  });

  it('takes a new payload from one more line in the variants', () => {
    const busy = { type: 'DROP', code: 4000, reason: 'busy' };
    const more = connectionPaths({ variants: [...eventVariants, { event: busy }] });
    const steps = more.flatMap((path) => path.steps).filter((step) => step.event === busy);
    expect(new Set(steps.map((step) => step.from.split(' ')[0]))).toEqual(
      new Set(
        ['session.connecting', 'session.reconnecting', 'session.connected.syncing'].concat(
          'session.connected.live.probation',
          'session.connected.live.stable',
        ),
      ),
    );
  });

  it('adds the paths that leave idle by another event only when asked', () => {
    const all = connectionPaths({ fromIdle: true });
    const extra = all.filter((path) => path.steps[0]?.event.type !== 'START');
    expect(extra.map((path) => path.steps.map((step) => step.event.type))).toEqual([
      ['CLOSE'],
      ['CLOSE'],
    ]);
    expect(all).toHaveLength(paths.length + extra.length);
  });

  it('refuses configurations it cannot keep finite, and variants for states that do not exist', () => {
    const [usual] = pathConfigurations;
    if (!usual) throw new Error('no default configuration');
    const unbounded = { name: 'unbounded', options: { ...usual.options, maxAttempts: Infinity } };
    expect(() => connectionPaths({ configurations: [unbounded] })).toThrow(/maxAttempts/);
    const typo = { event: { type: 'OPEN' }, in: ['session.conected'] };
    expect(() => connectionPaths({ variants: [typo] })).toThrow(/session\.conected/);
  });
});

describe('PathDriver', () => {
  const longest = paths.reduce((a, b) => (b.steps.length > a.steps.length ? b : a));

  it('takes a path through createConnection, step by step', async () => {
    const driver = new PathDriver(longest);
    const connection = createConnection(driver.options);
    for (const step of longest.steps) await driver.take(step, connection);
    connection.close();
    expect(driver.transport.sockets.length).toBeGreaterThan(0);
  });

  it('throws when the connection is not where the step says', async () => {
    const [path] = paths;
    const first = path?.steps[0];
    if (!path || !first) throw new Error('no path');
    const driver = new PathDriver(path);
    const connection = createConnection(driver.options);
    const wrong: PathStep = { ...first, to: 'failed', description: 'idle --START--> failed' };
    await expect(driver.take(wrong, connection)).rejects.toThrow(
      'after idle --START--> failed: the connection is in session.connecting',
    );
    connection.close();
  });

  it('sends a DROP with a field no socket produces straight to the actor', async () => {
    const [path] = paths;
    const start = path?.steps[0];
    if (!path || !start) throw new Error('no path');
    const verdict = { type: 'DROP', code: 1006, reason: 'x', verdict: { action: 'fatal' } };
    const driver = new PathDriver(path);
    const connection = createConnection(driver.options);
    await driver.take(start, connection);
    const step: PathStep = { ...start, event: verdict, to: 'failed (fatal-close)' };
    await driver.take(step, connection);
    expect(driver.transport.socket.readyState).toBe(3);
    expect(driver.transport.socket.terminated).toBe(true);
    connection.close();
  });

  it('says which step it could not take', async () => {
    const [path] = paths;
    const start = path?.steps[0];
    if (!path || !start) throw new Error('no path');
    const driver = new PathDriver(path);
    const connection = createConnection(driver.options);
    await driver.take(start, connection);
    const done: PathStep = {
      ...start,
      event: { type: 'xstate.done.actor.sync' },
      description: 'session.connecting --done(sync)--> session.connected.live.probation',
    };
    await expect(driver.take(done, connection)).rejects.toThrow(
      'session.connecting --done(sync)--> session.connected.live.probation: resolve(): no sync is running',
    );
    connection.close();
  });

  it('throws when a timer fires before its delay', async () => {
    const path = paths.find((candidate) => candidate.steps[1]?.label === 'after(connectTimeout)');
    const [start, timeout] = path?.steps ?? [];
    if (!path || !start || !timeout) throw new Error('no path that times out at once');
    const driver = new PathDriver(path);
    // A connection whose connect timeout is shorter than the one the driver will compute.
    const connection = createConnection({ ...driver.options, connectTimeout: 1000 });
    // The driver reads the delay from the machine's implementations: make them claim 3000 ms.
    const delays = connection.actor.logic.implementations.delays as Record<string, unknown>;
    const { connectTimeout } = delays;
    delays.connectTimeout = () => 3000;
    try {
      await driver.take(start, connection);
      await expect(driver.take(timeout, connection)).rejects.toThrow(
        /connectTimeout \(3000 ms\) fired early/,
      );
    } finally {
      delays.connectTimeout = connectTimeout;
      connection.close();
    }
  });
});

describe('the JSDoc examples of lifeline-ws/testing', () => {
  it('type-check against the source', () => {
    const folder = join(projectRoot, 'src', 'testing');
    const examples = readdirSync(folder).flatMap((file) =>
      typescriptBlocks(
        [...readFileSync(join(folder, file), 'utf8').matchAll(/@example\n([\s\S]*?)\*\//g)]
          .map((match) => (match[1] ?? '').replace(/^\s*\* ?/gm, ''))
          .join('\n'),
      ).map((code, index) => [`testing-example-${file}-${index}.mts`, code] as const),
    );
    expect(examples.length).toBeGreaterThanOrEqual(8);
    expect(typecheckSnippets(Object.fromEntries(examples))).toEqual([]);
  }, 60_000);
});
