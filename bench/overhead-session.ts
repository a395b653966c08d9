import { createConnection } from '../src/client/create-connection.js';
import { type Connector, sessionVariants } from './overhead-shared.js';

/**
 * lifeline in session mode for the overhead benchmark, against the server's
 * fake session endpoint: with its default acks (the client acknowledges
 * every 32 downstream messages, the endpoint every 64 upstream ones), or an
 * ack per message both ways. The send loop writes 200,000 messages before
 * any ack can be read, and the session keeps each in its outbox until acked:
 * the outbox bounds are lifted so that none is refused.
 */
function sessionConnector(variant: keyof typeof sessionVariants): Connector {
  const { path, ackEvery } = sessionVariants[variant];
  return (ports) => {
    const connection = createConnection({
      url: `ws://127.0.0.1:${ports.ws}${path}`,
      session: ackEvery === undefined ? true : { ackEvery },
      outbox: { maxMessages: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY },
    });
    return {
      ready: new Promise<void>((resolve) => {
        connection.subscribe((status) => {
          if (status.state === 'connected') resolve();
        });
      }),
      send: (text) => {
        connection.send(text);
      },
      onMessage: (listener) => {
        connection.onMessage((data) => listener(data as string));
      },
      close: () => connection.close(),
    };
  };
}

export const sessionConnectors: Record<string, Connector> = {
  'lifeline-session': sessionConnector('lifeline-session'),
  'lifeline-session-ack1': sessionConnector('lifeline-session-ack1'),
};
