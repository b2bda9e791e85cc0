import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Headers as Fastify's `reply.getHeaders()` returns them. */
export type ReplyHeaders = Record<string, string | number | string[] | undefined>;
import type { ErrorBody, GenerateContentResponse } from '../api/gemini/types.js';

/** `sse` for `?alt=sse` (what the SDKs use), `json-array` otherwise (curl, older clients). */
export type StreamFormat = 'sse' | 'json-array';

/**
 * Writes a `:streamGenerateContent` response in Google's framing:
 * - `sse`: each chunk is `data: <one-line JSON>\r\n\r\n` and nothing else — no comments,
 *   `event:`, `id:` or `retry:` lines, which the Python SDK would try to parse as JSON
 *   (`HttpResponse._iter_response_stream` in python-genai google/genai/_api_client.py);
 * - `json-array`: `[{…}\r\n,{…}\r\n]` with `Content-Type: application/json`.
 * Each write is flushed at once (Nagle off); a slow reader is waited for (`drain`), so memory
 * stays bounded. Writes after the client left are dropped.
 */
export class StreamWriter {
  readonly #res: ServerResponse;
  readonly #format: StreamFormat;
  #count = 0;

  constructor(res: ServerResponse, format: StreamFormat) {
    this.#res = res;
    this.#format = format;
    // A write after the peer reset must not become an unhandled 'error'.
    res.on('error', () => {});
  }

  /** Sends the status line and headers (`headers`: those already set on the reply, e.g. CORS). */
  start(headers: ReplyHeaders): void {
    const socket = this.#res.socket;
    if (typeof socket?.setNoDelay === 'function') socket.setNoDelay(true);
    const set: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) set[k] = v;
    this.#res.writeHead(200, {
      ...set,
      'content-type': this.#format === 'sse' ? 'text/event-stream' : 'application/json; charset=UTF-8',
      'cache-control': 'no-cache',
      // Proxies such as nginx would otherwise buffer the whole stream.
      'x-accel-buffering': 'no',
    });
    if (this.#format === 'json-array') this.#res.write('[');
  }

  /** Writes one chunk, resolving once the socket can take more. */
  write(chunk: GenerateContentResponse): Promise<void> {
    return this.#send(chunk);
  }

  /**
   * Ends the stream with an in-band error (the headers are gone, so the status cannot change):
   * `data: {"error":{…}}` for SSE, the last array element for JSON. `error` is the first key,
   * which is how the Python SDK recognises it.
   */
  async fail(body: ErrorBody): Promise<void> {
    // Failing before the headers went out (start threw) leaves no valid framing: just close.
    if (!this.#res.headersSent) return void this.#res.destroy();
    await this.#send(body);
    this.end();
  }

  /** Closes the stream after the last chunk. */
  end(): void {
    if (this.#gone()) return;
    this.#res.end(this.#format === 'json-array' ? '\r\n]' : undefined);
  }

  #gone(): boolean {
    return this.#res.destroyed || this.#res.writableEnded;
  }

  #send(value: unknown): Promise<void> {
    if (this.#gone()) return Promise.resolve();
    const json = JSON.stringify(value);
    const frame = this.#format === 'sse' ? `data: ${json}\r\n\r\n` : this.#count === 0 ? json : `\r\n,${json}`;
    this.#count++;
    if (this.#res.write(frame)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#res.off('drain', done);
        this.#res.off('close', done);
        resolve();
      };
      this.#res.on('drain', done);
      this.#res.on('close', done);
    });
  }
}
