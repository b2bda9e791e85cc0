import { describeJsonNestingExcess, findJsonNestingExcess } from '../api/gemini/find-json-nesting-excess.js';

/**
 * What a request body's text parses to: the request message (a JSON object), or why it is not
 * one, in Google's words after its "Invalid JSON payload received. " (`Errors.malformedJson`).
 */
export type ParsedJson = { readonly value: object } | { readonly invalid: string };

/**
 * Parses a request body's text as the body parser does, on whichever thread calls it (the main
 * thread for small bodies, the parse worker for large ones, so both give the same answers):
 * an empty body is an empty message (`{}`), as with Google; a body nested deeper than protobuf's
 * recursion limit is refused before `JSON.parse` (`findJsonNestingExcess`); invalid JSON gets
 * Google's text, "Unexpected token.\n<line>\n^" (seen verbatim in public reports), with the
 * offending line and a caret when the position is known; a root that is not an object is
 * Google's "Root element must be a message."
 */
export function parseJsonText(text: string): ParsedJson {
  if (text.trim() === '') return { value: {} };
  const excess = findJsonNestingExcess(text);
  if (excess) return { invalid: describeJsonNestingExcess(excess) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { invalid: describeSyntaxError(text, e as Error) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { invalid: 'Unknown name "": Root element must be a message.' };
  }
  return { value };
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
