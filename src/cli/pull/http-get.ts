/**
 * A GET that follows redirects and hands back the response stream, on node:http(s) rather
 * than fetch: the downloader needs the raw system error codes (ENOTFOUND, ECONNRESET) and
 * the headers of every redirect hop (Hugging Face puts the file's SHA-256 in
 * `X-Linked-ETag` on the first hop, before redirecting to its CDN).
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A response whose body has not been read yet. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
  /** The final URL, after redirects. */
  url: URL;
  /** Headers of every response, the first request's first. */
  hops: IncomingHttpHeaders[];
}

/** Options of {@link httpGet}. */
export interface HttpGetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Socket idle time before giving up with ETIMEDOUT, while connecting or reading. */
  idleTimeoutMs?: number;
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The URL a failed {@link httpGet} was requesting when it failed (the last hop), if known. */
export function failedUrlOf(e: unknown): URL | undefined {
  const url = e && typeof e === 'object' ? (e as { url?: unknown }).url : undefined;
  return url instanceof URL ? url : undefined;
}

function once(url: URL, headers: Record<string, string>, opts: HttpGetOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
    if (!request) return reject(new Error(`unsupported URL scheme ${url.protocol} in ${url.href}`));
    const req = request(url, { method: 'GET', headers, signal: opts.signal }, resolve);
    req.setTimeout(opts.idleTimeoutMs ?? 30_000, () => {
      req.destroy(Object.assign(new Error(`no data from ${url.host} for ${(opts.idleTimeoutMs ?? 30_000) / 1000} s`), { code: 'ETIMEDOUT' }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * GETs `url`, following up to `maxRedirects` redirects. Credentials (`Authorization`) are
 * dropped when a redirect leaves the origin, as browsers and fetch do: Hugging Face redirects
 * to signed CDN URLs that must not receive the user's token.
 */
export async function httpGet(url: string | URL, opts: HttpGetOptions = {}): Promise<HttpResponse> {
  let current = new URL(url);
  const origin = current.origin;
  const hops: IncomingHttpHeaders[] = [];
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'gemserve', ...opts.headers };
    if (current.origin !== origin) {
      for (const k of Object.keys(headers)) if (k.toLowerCase() === 'authorization') delete headers[k];
    }
    let res: IncomingMessage;
    try {
      res = await once(current, headers, opts);
    } catch (e) {
      // Say which host failed: after a redirect it is not the one the user named.
      if (e && typeof e === 'object' && !('url' in e)) Object.defineProperty(e, 'url', { value: current });
      throw e;
    }
    hops.push(res.headers);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status) && res.headers.location) {
      res.resume();
      if (hop >= (opts.maxRedirects ?? 10)) throw new Error(`too many redirects fetching ${url}`);
      current = new URL(res.headers.location, current);
      continue;
    }
    return { status, headers: res.headers, body: res, url: current, hops };
  }
}
