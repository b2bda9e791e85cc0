/**
 * A small HTTP client for one llama-server on loopback, on node:http rather than fetch: no
 * response timeouts (a long prompt on a CPU may take minutes before the first byte, where
 * fetch's undici gives up after 300 s), one keep-alive agent, and an abort that destroys the
 * socket, which is how llama-server learns a client left and frees its slot (server-http.cpp
 * polls `is_connection_closed`).
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import { parseSseData } from '../shared/parse-sse-data.js';

/** A non-2xx answer; llama-server's body is `{"error": {"code", "message", "type"}}`. */
export class LlamaServerHttpError extends Error {
  constructor(readonly status: number, message: string, readonly errorType?: string) {
    super(message);
    this.name = 'LlamaServerHttpError';
  }
}

/** The connection failed or broke (refused, reset): the child died or is restarting. */
export class LlamaServerConnectionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LlamaServerConnectionError';
  }
}

/** Talks to one llama-server child. */
export class LlamaServerClient {
  readonly #agent = new Agent({ keepAlive: true });

  constructor(readonly baseUrl: string) {}

  /** GET a JSON resource. */
  async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.#send('GET', path, undefined, signal);
    return JSON.parse(await readBody(res)) as T;
  }

  /** POST JSON, read a JSON answer. */
  async postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const res = await this.#send('POST', path, body, signal);
    return JSON.parse(await readBody(res)) as T;
  }

  /**
   * POST JSON and iterate the server-sent events' `data` payloads, parsed as JSON, until
   * `[DONE]` or the end of the stream. An `{"error": ...}` event is thrown as LlamaServerHttpError.
   * Stopping the iteration (or aborting `signal`) closes the connection.
   */
  async *streamJson<T>(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<T> {
    const res = await this.#send('POST', path, body, signal);
    try {
      for await (const data of parseSseData(res)) {
        if (data === '[DONE]') return;
        const event = JSON.parse(data) as { error?: { code?: number; message?: string; type?: string } } | null;
        if (event?.error) {
          throw new LlamaServerHttpError(event.error.code ?? 500, event.error.message ?? 'llama-server error', event.error.type);
        }
        yield event as T;
      }
      if (!res.complete) throw new LlamaServerConnectionError('llama-server closed the stream before its end');
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (e instanceof LlamaServerHttpError || e instanceof LlamaServerConnectionError) throw e;
      if (e instanceof SyntaxError) throw e;
      throw new LlamaServerConnectionError(`the stream from llama-server broke: ${(e as Error).message}`, { cause: e });
    } finally {
      res.destroy();
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }

  #send(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(`${this.baseUrl}${path}`, {
        method,
        agent: this.#agent,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      });
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (e) => {
        if (signal?.aborted) reject(signal.reason);
        else reject(new LlamaServerConnectionError(`cannot reach llama-server at ${this.baseUrl}: ${e.message}`, { cause: e }));
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(res);
          return;
        }
        readBody(res).then((text) => {
          let message = text.trim() || `HTTP ${status}`;
          let type: string | undefined;
          try {
            const parsed = JSON.parse(text) as { error?: { message?: string; type?: string } };
            message = parsed.error?.message ?? message;
            type = parsed.error?.type;
          } catch { /* not JSON: keep the text */ }
          reject(new LlamaServerHttpError(status, message, type));
        }, reject);
      });
      req.end(payload);
    });
  }
}

async function readBody(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
