import { createConnection } from 'node:net';

/** Tests only: the NATS server live-feed tests use (RAMPART_TEST_NATS_URL, or the local default). */
export const TEST_NATS_URL = process.env['RAMPART_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

/** Whether a NATS server answers at `url`; the reason when not. */
export function natsReachable(url: string = TEST_NATS_URL): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 4222) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer from ${url} within 1 s`);
    });
    socket.once('error', (error) => resolve(`${url}: ${error.message}`));
  });
}
