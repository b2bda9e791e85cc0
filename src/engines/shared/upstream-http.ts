/**
 * One HTTP call to an upstream API (gemini-upstream, openai-compatible), on Node's fetch, with
 * the timeout both engines need: `timeoutMs` bounds the wait for the response headers and then
 * every silence between two body chunks (a stream may last long; a stalled one may not). The
 * caller's signal aborts at once. Failures are thrown as the classes below, for the engines to
 * classify (retry-policy.ts); a non-2xx answer is read whole and thrown as UpstreamHttpError.
 */
import { linkAbortSignals } from './link-abort-signals.js';
import { parseSseData } from './parse-sse-data.js';

/** A non-2xx answer, body read. */
export class UpstreamHttpError extends Error {
  constructor(readonly status: number, readonly body: string, readonly headers: Headers) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'UpstreamHttpError';
  }
}

/** The connection failed before an answer, or broke during one. */
export class UpstreamConnectionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UpstreamConnectionError';
  }
}

/** No headers, or no next chunk, within the timeout. */
export class UpstreamTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'UpstreamTimeoutError';
  }
}

/** A request to send. */
export interface UpstreamRequest {
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body: unknown;
  /** The caller's signal (client gone, engine disposed). */
  signal: AbortSignal;
  /** Headers and each chunk must arrive within this. */
  timeoutMs: number;
}

/** An answer with a 2xx status, its body not yet read. */
export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** The body's server-sent events' `data` payloads (call once). */
  sseData(): AsyncGenerator<string>;
  /** The whole body as text. */
  text(): Promise<string>;
  /** Frees the connection (also when the body is only partly read). */
  close(): void;
}

function describe(e: unknown): string {
  const cause = (e as { cause?: { message?: string; code?: string } })?.cause;
  const base = e instanceof Error ? e.message : String(e);
  if (!cause?.message) return base;
  return `${base}: ${cause.message}${cause.code ? ` (${cause.code})` : ''}`;
}

/** POSTs JSON; resolves with a 2xx answer; throws UpstreamHttpError, UpstreamConnectionError, UpstreamTimeoutError or the caller's abort reason. */
export async function postUpstream(req: UpstreamRequest): Promise<UpstreamResponse> {
  const link = linkAbortSignals(req.signal);
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { timedOut = true; link.abort(new UpstreamTimeoutError(req.timeoutMs)); }, req.timeoutMs);
  };
  const done = () => { clearTimeout(timer); link[Symbol.dispose](); };
  /** What a thrown error means: the caller's abort, our timeout, or a broken connection. */
  const translate = (e: unknown): unknown => {
    if (req.signal.aborted) return req.signal.reason;
    if (timedOut) return new UpstreamTimeoutError(req.timeoutMs);
    if (e instanceof UpstreamHttpError) return e;
    return new UpstreamConnectionError(describe(e), { cause: e });
  };
  arm();
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...req.headers },
      body: JSON.stringify(req.body),
      signal: link.signal,
    });
  } catch (e) {
    done();
    throw translate(e);
  }
  if (res.status < 200 || res.status >= 300) {
    try {
      const body = await res.text();
      throw new UpstreamHttpError(res.status, body, res.headers);
    } catch (e) {
      throw translate(e);
    } finally {
      done();
    }
  }
  const body = res.body;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (!body) return;
    try {
      arm();
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        yield chunk;
      }
    } catch (e) {
      throw translate(e);
    } finally {
      done();
    }
  }
  return {
    status: res.status,
    headers: res.headers,
    sseData: () => parseSseData(chunks() as AsyncIterable<Buffer>),
    text: async () => {
      const parts: Uint8Array[] = [];
      for await (const c of chunks()) parts.push(c);
      return Buffer.concat(parts).toString('utf8');
    },
    close: () => {
      done();
      link.abort(new Error('closed'));
    },
  };
}
