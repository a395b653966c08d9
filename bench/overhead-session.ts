import WebSocket from 'ws';
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

/**
 * The reference for the session rows: raw ws speaking the session envelope
 * with no bookkeeping, against the same endpoint as lifeline's batched row.
 * It says `hello` and waits for `replayed`, then writes each message as
 * `{"id":n,"data":<JSON string>}` (the id a counter, nothing kept), and
 * JSON.parses every frame it receives, handing a data frame's `data` on:
 * no outbox, no receipts, no offset check, no acks of its own. What it costs
 * over raw ws is the envelope itself, which any session client pays.
 */
const rawEnvelope: Connector = (ports) => {
  const { path } = sessionVariants['lifeline-session'];
  const socket = new WebSocket(`ws://127.0.0.1:${ports.ws}${path}`);
  socket.on('error', () => undefined);
  let id = 0;
  let listener: (text: string) => void = () => undefined;
  let replayed: () => void = () => undefined;
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const frame = JSON.parse(data.toString()) as { type?: string; data?: string };
    if (frame.type === undefined) listener(frame.data as string);
    else if (frame.type === 'replayed') replayed();
  });
  return {
    ready: new Promise<void>((resolve) => {
      replayed = resolve;
      socket.once('open', () => {
        const hello = {
          type: 'hello',
          v: 1,
          clientId: 'raw',
          ackedThrough: 0,
          lastId: 0,
          offset: 0,
        };
        socket.send(JSON.stringify(hello));
      });
    }),
    send: (text) => {
      id += 1;
      socket.send(`{"id":${id},"data":${JSON.stringify(text)}}`);
    },
    onMessage: (next) => {
      listener = next;
    },
    close: () => socket.terminate(),
  };
};

export const sessionConnectors: Record<string, Connector> = {
  'lifeline-session': sessionConnector('lifeline-session'),
  'lifeline-session-ack1': sessionConnector('lifeline-session-ack1'),
  'ws-envelope': rawEnvelope,
};
