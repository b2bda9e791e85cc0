/**
 * The deepest nesting of objects and arrays a request body may have, counting the body itself
 * as level 1. Google parses request JSON with protobuf's JSON parser, whose default recursion
 * limit is 100 (`kDefaultMaxRecursionDepth` in protobuf's util/internal/json_stream_parser.h;
 * ESP, Google's transcoder on the same library, refuses at 100 levels: cloudendpoints/esp
 * issue #648). Legitimate requests stay far below it: a function whose JSON Schema nests 20
 * objects deep, sent as `tools[0].functionDeclarations[0].parametersJsonSchema`, is 46
 * levels (6 to the schema, 2 per level: `properties` and the property), and Google itself
 * refuses schemas long before that ("A schema in GenerationConfig in the request exceeds the
 * maximum allowed nesting depth", googleapis/js-genai issue #882).
 */
export const MAX_JSON_NESTING_DEPTH = 100;

/** Where a JSON text first nests deeper than allowed. */
export interface JsonNestingExcess {
  /** Index in the text of the `{` or `[` that went too deep. */
  readonly position: number;
  /** The last object key seen before it (raw, as written; `''` when there was none). */
  readonly key: string;
}

/**
 * Finds the first `{` or `[` of `text` that nests deeper than `maxDepth`, before the text is
 * parsed: `JSON.parse` would build the whole tree first, and every recursive walk after it
 * (field checks, converters, canonical JSON, stores) would overflow the stack on it. One linear
 * pass without recursion: brackets inside strings are skipped by jumping from quote to quote.
 * The text need not be valid JSON; what is not is left for `JSON.parse` to describe.
 */
export function findJsonNestingExcess(text: string, maxDepth: number = MAX_JSON_NESTING_DEPTH): JsonNestingExcess | undefined {
  let depth = 0;
  let stringStart = -1;
  let stringEnd = -1;
  let keyStart = -1;
  let keyEnd = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = closingQuote(text, i);
      if (end < 0) return undefined;
      stringStart = i + 1;
      stringEnd = end;
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return { position: i, key: keyStart < 0 ? '' : text.slice(keyStart, keyEnd) };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x3a /* : */) {
      keyStart = stringStart;
      keyEnd = stringEnd;
    }
  }
  return undefined;
}

/** The index of the quote closing the string opened at `open`, or -1 if it never closes. */
function closingQuote(text: string, open: number): number {
  let j = text.indexOf('"', open + 1);
  while (j >= 0) {
    let backslashes = 0;
    for (let k = j - 1; text.charCodeAt(k) === 0x5c /* \ */; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
  return -1;
}

/**
 * The reason for a body nested too deep, in protobuf's JSON parser's words ("Message too deep.
 * Max recursion depth reached for key '…'", `IncrementRecursionDepth` in
 * json_stream_parser.cc; quoted in cloudendpoints/esp issue #648); callers put Google's
 * "Invalid JSON payload received." before it.
 */
export function describeJsonNestingExcess(excess: JsonNestingExcess): string {
  return `Message too deep. Max recursion depth reached for key '${excess.key}'`;
}
