import { createServer } from 'node:net';

/**
 * A TCP port free on `host` right now: the kernel picks one for a throw-away listener, which is
 * then closed. Another process may take it before llama-server binds it; the caller retries
 * with a new port when the bind fails (start-llama-server.ts).
 */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
