import type { GbnfRuleSet } from './gbnf-rule-set.js';

/**
 * The building blocks of gemserve's JSON grammars, after llama.cpp's `PRIMITIVE_RULES` and
 * `STRING_FORMAT_RULES` (common/json-schema-to-grammar.cpp), with these differences:
 * - `space` is one optional space or one newline with indentation: never two newlines, so a
 *   grammar spliced into node-llama-cpp's function-call grammar (which ends a call on four
 *   newlines) cannot end it early.
 * - Numbers keep an exponent of at most two digits, so every number is finite (see
 *   bound-json-number-grammar.ts); integers have none.
 * - A `\u` escape never names a surrogate, so each escape is one code point, as lengths count.
 * - Dates have the days of their month (February up to 28), times their ranges: the grammar
 *   writes only what a format validator accepts.
 * Each entry is a body and the rules it refers to.
 */
const PRIMITIVES: Record<string, { body: string; deps: string[] }> = {
  space: { body: '| " " | "\\n" [ \\t]{0,20}', deps: [] },
  boolean: { body: '"true" | "false"', deps: [] },
  null: { body: '"null"', deps: [] },
  'integral-part': { body: '[0] | [1-9] [0-9]{0,15}', deps: [] },
  'decimal-part': { body: '[0-9]{1,16}', deps: [] },
  number: { body: '"-"? integral-part ( "." decimal-part )? ( [eE] [-+]? [0-9] [0-9]? )?', deps: ['integral-part', 'decimal-part'] },
  integer: { body: '"-"? integral-part', deps: ['integral-part'] },
  char: {
    body: '[^"\\\\\\x7F\\x00-\\x1F] | "\\\\" ( ["\\\\/bfnrt] | "u" ( [0-9a-cA-CefEF] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2} ) )',
    deps: [],
  },
  string: { body: '"\\"" char* "\\""', deps: ['char'] },
  value: { body: 'object | array | string | number | boolean | null', deps: ['object', 'array', 'string', 'number', 'boolean', 'null'] },
  object: { body: '"{" space ( string ":" space value ( "," space string ":" space value )* )? space "}"', deps: ['space', 'string', 'value'] },
  array: { body: '"[" space ( value ( "," space value )* )? space "]"', deps: ['space', 'value'] },
  // Formats (json-schema.org/draft/2020-12/json-schema-validation §7.3), as RFC 3339 and
  // ajv-formats' full mode read them.
  date: {
    body: '[0-9]{4} "-" ( ( "0" [13578] | "1" [02] ) "-" ( "0" [1-9] | [12] [0-9] | "3" [01] ) | ( "0" [469] | "11" ) "-" ( "0" [1-9] | [12] [0-9] | "30" ) | "02-" ( "0" [1-9] | "1" [0-9] | "2" [0-8] ) )',
    deps: [],
  },
  time: { body: '( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{1,6} )? ( "Z" | [+-] ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] )', deps: [] },
  'date-time': { body: 'date "T" time', deps: ['date', 'time'] },
  'date-string': { body: '"\\"" date "\\""', deps: ['date'] },
  'time-string': { body: '"\\"" time "\\""', deps: ['time'] },
  'date-time-string': { body: '"\\"" date-time "\\""', deps: ['date-time'] },
  'uuid-string': { body: '"\\"" [0-9a-f]{8} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{12} "\\""', deps: [] },
  'email-label': { body: '[a-zA-Z0-9]{1,63}', deps: [] },
  'email-string': { body: '"\\"" [a-zA-Z0-9_+-]{1,64} ( "." [a-zA-Z0-9_+-]{1,64} )? "@" email-label ( "." email-label ){1,3} "\\""', deps: ['email-label'] },
  'ipv4-octet': { body: '"25" [0-5] | "2" [0-4] [0-9] | "1" [0-9] [0-9] | [1-9] [0-9] | [0-9]', deps: [] },
  'ipv4-string': { body: '"\\"" ipv4-octet "." ipv4-octet "." ipv4-octet "." ipv4-octet "\\""', deps: ['ipv4-octet'] },
};

/** String formats the grammar writes exactly (a subset of what each format allows): the rest are validated. */
export const GRAMMAR_STRING_FORMATS: Record<string, string> = {
  date: 'date-string', time: 'time-string', 'date-time': 'date-time-string', uuid: 'uuid-string', email: 'email-string', ipv4: 'ipv4-string',
};

/** Adds primitive `name` and the rules it uses to `rules` (with its prefix); returns its rule name. */
export function addPrimitive(rules: GbnfRuleSet, name: string): string {
  const full = rules.prefix + name;
  if (rules.has(full)) return full;
  const { body, deps } = PRIMITIVES[name];
  rules.add(name, rules.prefix ? withPrefix(body, deps, rules.prefix) : body);
  for (const dep of deps) addPrimitive(rules, dep);
  return full;
}

/** `body` with the rule names in `deps` prefixed (words outside literals and classes only). */
function withPrefix(body: string, deps: string[], prefix: string): string {
  return body.replace(/"(?:\\.|[^"\\])*"|\[(?:\\.|[^\]\\])*\]|[a-z][a-z0-9-]*/g, (m) => (deps.includes(m) ? prefix + m : m));
}
