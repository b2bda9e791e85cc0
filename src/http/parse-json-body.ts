import type { FastifyRequest } from 'fastify';
import { Errors } from '../core/errors.js';
import { describeJsonNestingExcess, findJsonNestingExcess } from '../api/gemini/find-json-nesting-excess.js';

/**
 * Fastify content-type parser for every POST body, whatever its Content-Type: curl users often
 * send JSON as `application/x-www-form-urlencoded` (curl's `-d` default) or `text/plain`, and
 * the SDKs send `application/json` even on binary uploads (their default Content-Type stays on
 * upload chunks: `getDefaultHeaders` in js-genai src/_api_client.ts, `prepare_resumable_upload`
 * in python-genai google/genai/_extra_utils.py).
 *
 * An empty body is an empty request message (`{}`), as with Google. Invalid JSON gets Google's
 * text: "Invalid JSON payload received. Unexpected token.\n<line>\n^" (seen verbatim in public
 * reports), with the offending line and a caret when the position is known.
 *
 * A body nested deeper than `MAX_JSON_NESTING_DEPTH` (protobuf's recursion limit, which Google's
 * parser applies) is refused here, before `JSON.parse`, the same for every route, method and
 * field, so nothing after the parse has to guard its recursion.
 */
export function parseJsonBody(_req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void): void {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.trim() === '') return done(null, {});
  const excess = findJsonNestingExcess(text);
  if (excess) return done(Errors.malformedJson(describeJsonNestingExcess(excess)));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return done(Errors.malformedJson(describeSyntaxError(text, e as Error)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return done(Errors.malformedJson('Unknown name "": Root element must be a message.'));
  }
  done(null, value);
}

function describeSyntaxError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  if (/end of JSON input/.test(e.message)) return `Unexpected end of string. Expected a value.\n${excerpt(text, text.length)}`;
  return `Unexpected token.\n${excerpt(text, m ? Number(m[1]) : 0)}`;
}

/** The line around `pos` (at most ~60 characters of it) and a caret under `pos`. */
function excerpt(text: string, pos: number): string {
  // lastIndexOf reads a negative start as 0: at pos 0 a leading newline is no line before pos.
  const lineStart = pos === 0 ? 0 : text.lastIndexOf('\n', pos - 1) + 1;
  const lineEnd = text.indexOf('\n', pos) === -1 ? text.length : text.indexOf('\n', pos);
  const from = Math.max(lineStart, pos - 30);
  const to = Math.min(lineEnd, pos + 30);
  return `${text.slice(from, to)}\n${' '.repeat(pos - from)}^`;
}
