import { gbnfCharClass, gbnfLiteral, type GbnfRuleSet } from './gbnf-rule-set.js';
import {
  complement, contains, normalize, parseRegex, subtract, UnsupportedPatternError, type CodePointRanges, type RegexNode,
} from './parse-regex.js';

/**
 * Repetition counts GBNF expands into this many rules at most (llama.cpp copies the repeated
 * element per count when it parses `{m,n}`); larger counts are left to validation.
 */
export const MAX_GRAMMAR_REPETITION = 10_000;

/** What a JSON string may hold unescaped (RFC 8259 §7): not `"`, not `\`, no control character; no lone surrogate. */
const RAW: CodePointRanges = complement([[0x00, 0x1f], [0x22, 0x22], [0x5c, 0x5c], [0xd800, 0xdfff]]);
const CONTROLS: CodePointRanges = [[0x00, 0x1f]];
const SHORT_ESCAPES: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

/**
 * A JSON Schema `pattern` → a GBNF rule for the JSON string literals (quotes included) whose
 * value the pattern matches, added to `rules` under `name`; returns the rule's name.
 *
 * - The regex matches decoded text but the model writes JSON, so every character is written as
 *   JSON encodes it: `"` as `\"`, `\` as `\\`, control characters as their escapes. Where a
 *   set is broad (a negated class, `.`, `\D \W \S`) it is narrowed to the characters a JSON
 *   string holds unescaped, plus `\"` and `\\` when the set has them: a narrower grammar still
 *   only writes matching strings.
 * - `pattern` is unanchored (it matches anywhere in the string): each top-level alternative
 *   without a leading `^` gets any characters before it, without a trailing `$` any after, so
 *   `red|blue` writes strings containing "red" or "blue" and `^[a-z]+$` exactly that.
 *   Anchors anywhere else are not supported.
 * - `charRule` is the grammar's rule for one JSON string character (escapes included), used
 *   for those unanchored ends.
 *
 * Throws {@link UnsupportedPatternError} for what a grammar cannot express (see parse-regex.ts,
 * plus anchors inside groups, repetition counts over {@link MAX_GRAMMAR_REPETITION}, an
 * unbounded repetition of something that can match nothing) and InvalidPatternError for
 * what is not a regular expression. With `superset`, the grammar may also write strings the
 * pattern refuses (lookarounds, word boundaries, backreferences and property escapes widened,
 * see parseRegex): the caller then validates. The same translation in llama.cpp is
 * `_visit_pattern` in common/json-schema-to-grammar.cpp, which requires `^...$` and writes
 * characters unescaped.
 */
export function convertRegexToGbnf(
  pattern: string, rules: GbnfRuleSet, name: string, charRule: string, { superset = false }: { superset?: boolean } = {},
): string {
  const tree = parseRegex(pattern, { superset });
  const options = tree.kind === 'alternation' ? tree.options : [tree];
  const bodies = options.map((option) => {
    const items = option.kind === 'sequence' ? [...option.items] : [option];
    let anchoredStart = false, anchoredEnd = false;
    while (items[0]?.kind === 'start') { items.shift(); anchoredStart = true; }
    while (items.at(-1)?.kind === 'end') { items.pop(); anchoredEnd = true; }
    const parts = [anchoredStart ? '' : `${charRule}*`, toGbnf({ kind: 'sequence', items }), anchoredEnd ? '' : `${charRule}*`];
    return parts.filter((p) => p && p !== '""').join(' ') || '""';
  });
  const content = bodies.length === 1 ? bodies[0] : `( ${bodies.join(' | ')} )`;
  return rules.add(name, `"\\"" ${content} "\\""`);
}

function toGbnf(node: RegexNode): string {
  switch (node.kind) {
    case 'start':
    case 'end':
      throw new UnsupportedPatternError('an anchor inside the pattern');
    case 'chars':
      return charsGbnf(node.ranges, node.broad);
    case 'alternation':
      return `( ${node.options.map(toGbnf).join(' | ')} )`;
    case 'repeat': {
      const { min, max } = node;
      if (min > MAX_GRAMMAR_REPETITION || (max !== Infinity && max > MAX_GRAMMAR_REPETITION)) {
        throw new UnsupportedPatternError(`a repetition count over ${MAX_GRAMMAR_REPETITION}`);
      }
      // llama.cpp's grammar refuses left recursion, which `(x)*` becomes when x can be empty.
      if (max === Infinity && nullable(node.node)) throw new UnsupportedPatternError('an unbounded repetition of an empty match');
      const inner = toGbnf(node.node);
      const element = `( ${inner} )`;
      if (max === 0) return '""';
      if (min === 0 && max === 1) return `${element}?`;
      if (min === 0 && max === Infinity) return `${element}*`;
      if (min === 1 && max === Infinity) return `${element}+`;
      return `${element}{${min},${max === Infinity ? '' : max}}`;
    }
    case 'sequence': {
      const out: string[] = [];
      let literal = '';
      for (const item of node.items) {
        const cp = singleRaw(item);
        if (cp !== undefined) {
          literal += String.fromCodePoint(cp);
          continue;
        }
        if (literal) out.push(gbnfLiteral(literal));
        literal = '';
        out.push(toGbnf(item));
      }
      if (literal) out.push(gbnfLiteral(literal));
      return out.length ? out.join(' ') : '""';
    }
  }
}

/** The code point of a one-character node a JSON string holds unescaped, else undefined. */
function singleRaw(node: RegexNode): number | undefined {
  if (node.kind !== 'chars' || node.ranges.length !== 1) return undefined;
  const [lo, hi] = node.ranges[0];
  return lo === hi && contains(RAW, lo) ? lo : undefined;
}

/** The JSON text of one character of `ranges`; see the function comment of convertRegexToGbnf. */
function charsGbnf(ranges: CodePointRanges, broad: boolean): string {
  const set = normalize(ranges);
  const parts: string[] = [];
  const raw = subtract(set, complement(RAW));
  if (raw.length === 1 && raw[0][0] === raw[0][1]) parts.push(gbnfLiteral(String.fromCodePoint(raw[0][0])));
  else if (raw.length > 0) parts.push(gbnfCharClass(raw));
  if (contains(set, 0x22)) parts.push(gbnfLiteral('\\"'));
  if (contains(set, 0x5c)) parts.push(gbnfLiteral('\\\\'));
  if (!broad) {
    for (const [lo, hi] of subtract(set, complement(CONTROLS))) {
      for (let cp = lo; cp <= hi; cp++) parts.push(gbnfLiteral(SHORT_ESCAPES[cp] ?? `\\u${cp.toString(16).padStart(4, '0')}`));
    }
  }
  if (parts.length === 0) throw new UnsupportedPatternError('a character class no JSON string character matches');
  return parts.length === 1 ? parts[0] : `( ${parts.join(' | ')} )`;
}

/** Whether `node` matches the empty string. */
function nullable(node: RegexNode): boolean {
  switch (node.kind) {
    case 'chars': return false;
    case 'start': case 'end': return true;
    case 'repeat': return node.min === 0 || nullable(node.node);
    case 'sequence': return node.items.every(nullable);
    case 'alternation': return node.options.some(nullable);
  }
}
