/**
 * Client-side helpers: an `@google/genai` client pointed at a test server, and raw-HTTP helpers
 * that check Google's wire shapes (the error envelope, SSE framing) byte by byte.
 */
import assert from 'node:assert/strict';
import { ApiError, GoogleGenAI, type HttpOptions } from '@google/genai';

export const TEST_API_KEY = 'test-key';

/** The official SDK, unmodified, with only its base URL overridden (`httpOptions.baseUrl`). */
export function genai(baseUrl: string, opts: { apiKey?: string; httpOptions?: HttpOptions } = {}): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: opts.apiKey ?? TEST_API_KEY,
    httpOptions: { baseUrl, ...opts.httpOptions },
  });
}

/** google.rpc.Status as the server must serialise it. */
export interface ErrorEnvelope {
  error: {
    code: number;
    message: string;
    status: string;
    details?: Array<Record<string, unknown> & { '@type': string }>;
  };
}

/** Asserts Google's error envelope (cloud.google.com/apis/design/errors) and that `code` is the HTTP status. */
export function assertEnvelope(body: unknown, httpStatus: number, status: string): ErrorEnvelope {
  assert.ok(body !== null && typeof body === 'object', `error body is not an object: ${JSON.stringify(body)}`);
  const b = body as ErrorEnvelope;
  assert.ok(b.error && typeof b.error === 'object', `no "error" object in ${JSON.stringify(body)}`);
  assert.equal(b.error.code, httpStatus, `error.code in ${JSON.stringify(body)}`);
  assert.equal(b.error.status, status, `error.status in ${JSON.stringify(body)}`);
  assert.equal(typeof b.error.message, 'string');
  assert.ok(b.error.message.length > 0, 'error.message is empty');
  if (b.error.details !== undefined) {
    assert.ok(Array.isArray(b.error.details), 'error.details is not an array');
    for (const d of b.error.details) assert.equal(typeof d['@type'], 'string', 'a detail without @type');
  }
  return b;
}

/**
 * Awaits a rejected SDK call and returns the `ApiError` and the parsed body, after checking
 * what apps rely on: `status` is the HTTP status and `JSON.parse(err.message)` works (gemini-cli's
 * `parseGoogleApiError` does exactly this).
 */
export async function sdkError(
  call: Promise<unknown>, httpStatus: number, status: string,
): Promise<{ err: ApiError; body: ErrorEnvelope }> {
  let caught: unknown;
  try {
    await call;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, 'the SDK call succeeded; an error was expected');
  assert.ok(caught instanceof ApiError, `expected ApiError, got ${String(caught)}`);
  assert.equal(caught.status, httpStatus, `ApiError.status; message: ${caught.message}`);
  let parsed: unknown;
  assert.doesNotThrow(() => { parsed = JSON.parse(caught.message); }, `ApiError.message is not JSON: ${caught.message}`);
  return { err: caught, body: assertEnvelope(parsed, httpStatus, status) };
}

/** A raw error response: checks Content-Type and the envelope, returns the body. */
export async function rawError(res: Response, httpStatus: number, status: string): Promise<ErrorEnvelope> {
  const text = await res.text();
  assert.equal(res.status, httpStatus, `HTTP status; body: ${text}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/, 'error Content-Type');
  let parsed: unknown;
  assert.doesNotThrow(() => { parsed = JSON.parse(text); }, `error body is not JSON: ${text}`);
  return assertEnvelope(parsed, httpStatus, status);
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': TEST_API_KEY, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

/**
 * Parses an SSE body strictly, as both SDKs' parsers need it: only `data: ` + one line of
 * compact JSON + `\r\n\r\n` per event, no other lines, and the last event terminated
 * (`_iter_response_stream` in python-genai google/genai/_api_client.py; `processStreamResponse`
 * in js-genai src/_api_client.ts throws "Incomplete JSON segment at the end").
 * Returns the raw JSON texts (so callers can check key order) and the parsed events.
 */
export function parseStrictSse(body: string): { raw: string[]; events: any[] } {
  assert.ok(body.length > 0, 'empty SSE body');
  assert.ok(body.endsWith('\r\n\r\n'), `SSE body does not end with a terminated event: ${JSON.stringify(body.slice(-80))}`);
  const pieces = body.slice(0, -4).split('\r\n\r\n');
  const raw: string[] = [];
  const events: any[] = [];
  for (const piece of pieces) {
    assert.ok(piece.startsWith('data: '), `event not starting with "data: ": ${JSON.stringify(piece.slice(0, 80))}`);
    const json = piece.slice('data: '.length);
    assert.ok(!/[\r\n]/.test(json), `multi-line event: ${JSON.stringify(piece.slice(0, 120))}`);
    let parsed: unknown;
    assert.doesNotThrow(() => { parsed = JSON.parse(json); }, `event is not JSON: ${json.slice(0, 120)}`);
    assert.equal(json, JSON.stringify(parsed), 'event JSON is not compact single-line JSON.stringify output');
    raw.push(json);
    events.push(parsed);
  }
  return { raw, events };
}

/** Text of candidate `i` of a wire response (non-thought text parts, as `response.text` does). */
export function candidateText(res: any, i = 0): string {
  const parts: any[] = res?.candidates?.[i]?.content?.parts ?? [];
  return parts.filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text).join('');
}
