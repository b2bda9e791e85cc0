import { Agent, request } from 'node:http';
import { nowMs } from './stats.js';

/** A keep-alive client for `POST` JSON benchmarks on `node:http` (less client cost than fetch). */
export class KeepAliveClient {
  readonly #agent: Agent;
  readonly #port: number;
  readonly #apiKey: string;
  #connections = 0;

  constructor(port: number, maxSockets: number, apiKey = 'bench') {
    this.#port = port;
    this.#apiKey = apiKey;
    this.#agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    // Count TCP connections, so a results file can show keep-alive held (one per worker).
    const create = this.#agent.createConnection.bind(this.#agent);
    this.#agent.createConnection = ((...args: Parameters<typeof create>) => {
      this.#connections++;
      return create(...args);
    }) as typeof create;
  }

  /** TCP connections opened so far. */
  get connections(): number {
    return this.#connections;
  }

  /** Sends one request and resolves with its latency in ms once the whole body is read. */
  post(path: string, body: string): Promise<{ ms: number; status: number; body: string }> {
    const t0 = nowMs();
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: this.#port, path, method: 'POST', agent: this.#agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-goog-api-key': this.#apiKey },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ms: nowMs() - t0, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
