import type net from 'node:net';

/** Listens on 127.0.0.1 (port 0: a free one) and resolves with the port; rejects if the port is taken. */
export async function listenLocally(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}
