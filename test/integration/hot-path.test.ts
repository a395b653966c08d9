import { describe, expect, it } from 'vitest';
import type { InspectedEventEvent } from 'xstate';
import { network, statusWhere, until } from '../support/integration.js';

describe('the hot path', () => {
  it('sends and receives on a live connection without a single machine event', async () => {
    const { server, connect } = await network();
    const events: InspectedEventEvent[] = [];
    const connection = connect({
      url: server.url,
      inspect: (event) => {
        if (event.type === '@xstate.event') events.push(event);
      },
    });
    await statusWhere(connection, (s) => s.state === 'connected');
    const received: unknown[] = [];
    connection.onMessage((data) => received.push(data));
    const before = events.length;
    expect(before).toBeGreaterThan(0);

    for (let i = 0; i < 1000; i += 1) connection.send(`out ${i}`);
    for (const client of server.clients) for (let i = 0; i < 1000; i += 1) client.send(`in ${i}`);
    await until(() => server.received.length === 1000 && received.length === 1000, 5000, 'traffic');

    expect(events.slice(before).map((event) => event.event.type)).toEqual([]);
  });
});
