import { describe, expect, it } from 'vitest';
import { type LifelineError, UserCallbackError } from '../../src/core/errors/index.js';
import { network, statusWhere, until } from '../support/integration.js';

/** The option and message of each UserCallbackError reported so far. */
function callbackErrors(errors: readonly LifelineError[]): string[] {
  return errors
    .filter((error) => error instanceof UserCallbackError)
    .map((error) => `${error.code} ${error.message}`);
}

describe('callbacks that break their contract, on a real connection', () => {
  it('reports a random source outside [0, 1) and keeps reconnecting with a safe draw', async () => {
    const { proxy, connect } = await network();
    const errors: LifelineError[] = [];
    const connection = connect({
      heartbeat: false,
      backoff: { initialDelay: 10, random: () => 2 },
    });
    connection.onError((error) => errors.push(error));
    await statusWhere(connection, (s) => s.state === 'connected');
    proxy.cut();
    await statusWhere(connection, (s) => s.state === 'reconnecting' && s.retryAt !== null);
    await statusWhere(connection, (s) => s.state === 'connected');
    expect(callbackErrors(errors)[0]).toMatch(/^ERR_LIFELINE_CALLBACK .*random.*returned 2/);
  });

  it('reports a classifyClose that throws and follows the default policy instead', async () => {
    const { server, connect } = await network();
    const errors: LifelineError[] = [];
    const connection = connect({
      heartbeat: false,
      backoff: { initialDelay: 10 },
      classifyClose: () => {
        throw new Error('policy bug');
      },
    });
    connection.onError((error) => errors.push(error));
    await statusWhere(connection, (s) => s.state === 'connected');
    server.closeClients(1008, 'policy violation');
    await statusWhere(connection, (s) => s.state === 'failed');
    await until(() => callbackErrors(errors).length > 0, 1000, 'a UserCallbackError');
    // One drop, one report: the machine asks the policy once, not in its guard and again in its action.
    expect(callbackErrors(errors)).toHaveLength(1);
    expect(callbackErrors(errors)[0]).toMatch(
      /^ERR_LIFELINE_CALLBACK .*classifyClose.*threw: policy bug/,
    );
  });
});
