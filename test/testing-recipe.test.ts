// The README's recipe "Test your app against every path of the statechart",
// verbatim from the first import on (test/readme.test.ts checks it): it uses
// only the package's public entry points.
import { type ConnectionOptions, createConnection, type LifelineError } from 'lifeline-ws';
import { connectionPaths, PathDriver, TransitionCoverage } from 'lifeline-ws/testing';
import { expect, it } from 'vitest';

// Your app: here, a chat that shows a connection badge and reports problems.
function createChat(options: ConnectionOptions) {
  const connection = createConnection(options);
  const chat = { connection, badge: '', problems: [] as LifelineError[] };
  connection.subscribe((status) => {
    chat.badge = status.state;
  });
  connection.onError((error) => chat.problems.push(error));
  return chat;
}

const coverage = new TransitionCoverage();

for (const path of connectionPaths()) {
  it(path.description, async () => {
    // A simulated clock, a fake socket per attempt and a sync the path ends.
    const driver = new PathDriver(path, { coverage });
    const chat = createChat(driver.options);
    chat.connection.send('hello');
    let synced = false;
    for (const step of path.steps) {
      await driver.take(step, chat.connection); // throws if the connection strays from the path
      synced ||= step.to.includes('.live');
      // The badge never lags behind the connection.
      expect(chat.badge).toBe(chat.connection.status.state);
      // 'hello' is written once a sync is done: never before, never twice.
      const hellos = driver.transport.sent.filter((frame) => frame === 'hello');
      expect(hellos).toHaveLength(synced ? 1 : 0);
      // Giving up is reported.
      if (step.to.startsWith('failed')) expect(chat.problems).not.toEqual([]);
    }
    chat.connection.close();
  });
}

it('took every transition of the statechart', () => {
  expect(coverage.missing).toEqual([]);
});
