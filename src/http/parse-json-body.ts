import type { FastifyRequest } from 'fastify';
import { Errors } from '../core/errors.js';
import type { JsonParsePool } from './parse-json-off-thread.js';
import { parseJsonText, type ParsedJson } from './parse-json-text.js';
import { readBodyBytes } from './read-body-blocks.js';
import type { Readable } from 'node:stream';

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Bodies of at least this many bytes are parsed on a worker thread (`JsonParsePool`). Measured
 * on a 2-core host: decoding, scanning and parsing 1 MiB of JSON holds the main thread ~1.2 ms,
 * while a worker's round trip for it takes ~2.2 ms (4 MiB: ~7 ms on the main thread); smaller
 * bodies, every ordinary request, stay on the main thread and pay no round trip.
 */
export const OFF_THREAD_JSON_BYTES = 1024 * 1024;

/**
 * Parses a request body on the calling thread, answering through `done` synchronously: a request
 * message, or Google's 400 "Invalid JSON payload received. …" (see `parseJsonText`: empty bodies
 * are `{}`; nesting past protobuf's recursion limit is refused before `JSON.parse`, the same for
 * every route, method and field, so nothing after the parse has to guard its recursion).
 */
export function parseJsonBody(_req: FastifyRequest, body: string | Buffer, done: Done): void {
  answer(parseJsonText(typeof body === 'string' ? body : body.toString('utf8')), done);
}

/**
 * The Fastify content-type parser for every POST body (registered without `parseAs`: it reads
 * the stream itself, `readBodyBytes`), whatever its Content-Type: curl users often send JSON as
 * `application/x-www-form-urlencoded` (curl's `-d` default) or `text/plain`, and the SDKs send
 * `application/json` even on binary uploads (their default Content-Type stays on upload chunks:
 * `getDefaultHeaders` in js-genai src/_api_client.ts, `prepare_resumable_upload` in python-genai
 * google/genai/_extra_utils.py).
 *
 * Bodies of {@link OFF_THREAD_JSON_BYTES} or more are copied into blocks as they arrive, then
 * joined, decoded and parsed on `pool`'s workers with the same answers: a 50 MB body held the
 * event loop 120-150 ms for that (one text part). A worker that fails answers that request
 * Google's 500 INTERNAL.
 */
export function createJsonBodyParser(pool: JsonParsePool, offThreadBytes: number = OFF_THREAD_JSON_BYTES) {
  return (req: FastifyRequest, payload: Readable, done: Done): void => {
    readBodyBytes(req, payload, offThreadBytes, (err, body) => {
      if (err || !body) return done(err);
      if ('whole' in body) return parseJsonBody(req, body.whole, done);
      pool.parse(body.blocks, body.length).then((parsed) => answer(parsed, done), (e: unknown) => done(Errors.internal(e)));
    });
  };
}

function answer(parsed: ParsedJson, done: Done): void {
  if ('invalid' in parsed) done(Errors.malformedJson(parsed.invalid));
  else done(null, parsed.value);
}
