/** What gemserve answered, in the recording's terms: the status, the headers and the body as segments. */
export interface ReplayedResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** One JSON value, or one per SSE event; a body that is not JSON is kept as a string. */
  bodySegments: unknown[];
}

/** The request to send: a recorded one after resource names were rewritten. */
export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Request headers the recording kept that must not be replayed: hop-by-hop and length headers
 * (fetch sets its own), the proxy's `Test-Name` tag, and the browser-only `Sec-Fetch-*`.
 */
const DROPPED_HEADERS = new Set(['accept-encoding', 'connection', 'content-length', 'host', 'test-name', 'sec-fetch-mode']);

/** The recorded headers worth sending again, plus the API key when one is given. */
export function replayHeaders(recorded: Record<string, string> | undefined, key: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(recorded ?? {})) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  if (key !== undefined) headers['x-goog-api-key'] = key;
  return headers;
}

/** The recorded body as it goes on the wire: JSON segments serialised, text segments as they are. */
export function serializeBody(segments: unknown[] | undefined): string | undefined {
  if (!segments || segments.length === 0) return undefined;
  return segments.map((s) => (typeof s === 'string' ? s : JSON.stringify(s))).join('');
}

/** Sends one request to `base` and reads the whole answer. */
export async function sendRequest(base: string, request: OutgoingRequest, timeoutMs: number): Promise<ReplayedResponse> {
  const res = await fetch(new URL(request.url, base), {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined && request.method !== 'GET' ? { body: request.body } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => { headers[name] = value; });
  return { statusCode: res.status, headers, bodySegments: parseBody(text, headers['content-type'] ?? '') };
}

/** An SSE body becomes its events' data (streamGenerateContent?alt=sse), anything else one segment. */
export function parseBody(text: string, contentType: string): unknown[] {
  if (text === '') return [];
  if (contentType.startsWith('text/event-stream')) {
    return text.split(/\r?\n\r?\n/)
      .map((event) => event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n'))
      .filter((data) => data !== '')
      .map(parseJsonOrText);
  }
  return [parseJsonOrText(text)];
}

function parseJsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
