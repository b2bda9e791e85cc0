/**
 * The subset of ECMAScript regular expressions (ECMA-262 §22.2, the dialect of JSON Schema's
 * `pattern`: json-schema.org/draft/2020-12/json-schema-validation §6.3.3) that a context-free
 * grammar can express, parsed into a small tree: alternation, sequences, groups (capturing,
 * non-capturing and named, all alike), the quantifiers `* + ? {n} {n,} {n,m}` (lazy or not:
 * the same strings match), character classes with ranges, `.`, the class escapes
 * `\d \D \w \W \s \S`, character escapes, and the anchors `^` and `$`.
 *
 * What a grammar cannot express (lookaround, backreferences, word boundaries, Unicode property
 * escapes) is an {@link UnsupportedPatternError}; what is not a regular expression at all is an
 * {@link InvalidPatternError}. Patterns are read as with the `u` flag, code point by code point,
 * leniently as Annex B allows a lone `]`, `{` or `}` as a literal.
 */

/** A set of code points: sorted, disjoint, inclusive ranges. */
export type CodePointRanges = Array<[number, number]>;

export type RegexNode =
  | { kind: 'sequence'; items: RegexNode[] }
  | { kind: 'alternation'; options: RegexNode[] }
  | { kind: 'repeat'; node: RegexNode; min: number; max: number }
  /** Characters; `broad` when written as a negation, `.` or `\D \W \S` (what it excludes is what matters). */
  | { kind: 'chars'; ranges: CodePointRanges; broad: boolean }
  | { kind: 'start' }
  | { kind: 'end' };

/** A valid pattern whose language a grammar cannot express. */
export class UnsupportedPatternError extends Error {}
/** Not a regular expression. */
export class InvalidPatternError extends Error {}

export const MAX_CODE_POINT = 0x10ffff;
const DIGIT: CodePointRanges = [[0x30, 0x39]];
const WORD: CodePointRanges = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
/** ECMAScript's WhiteSpace and LineTerminator (§12.2, §12.3). */
const SPACE: CodePointRanges = [
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029],
  [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const LINE_TERMINATORS: CodePointRanges = [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]];
const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d, '0': 0x00 };
/** The nesting a pattern may have; deeper ones are refused rather than risk the stack. */
const MAX_DEPTH = 100;

/**
 * Parses `pattern`; see the module comment. With `superset`, what a grammar cannot express is
 * widened instead of refused, so the tree matches every string the pattern matches and maybe
 * more: lookarounds and word boundaries match nothing (as if always true), a backreference any
 * text, a Unicode property escape any character. The caller then validates.
 */
export function parseRegex(pattern: string, { superset = false }: { superset?: boolean } = {}): RegexNode {
  const cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  let i = 0;
  let depth = 0;
  const peek = (k = 0) => cps[i + k];
  const at = (c: string, k = 0) => cps[i + k] === c.codePointAt(0);

  function disjunction(): RegexNode {
    const options = [alternative()];
    while (at('|')) {
      i++;
      options.push(alternative());
    }
    return options.length === 1 ? options[0] : { kind: 'alternation', options };
  }

  function alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (i < cps.length && !at('|') && !at(')')) {
      const atom = term();
      items.push(quantified(atom));
    }
    return items.length === 1 ? items[0] : { kind: 'sequence', items };
  }

  function term(): RegexNode {
    const c = String.fromCodePoint(peek());
    if (c === '^') { i++; return { kind: 'start' }; }
    if (c === '$') { i++; return { kind: 'end' }; }
    if (c === '.') { i++; return { kind: 'chars', ranges: complement(LINE_TERMINATORS), broad: true }; }
    if (c === '(') return group();
    if (c === '[') return charClass();
    if (c === '\\') return escape();
    if (c === '*' || c === '+' || c === '?') throw new InvalidPatternError(`nothing to repeat at ${i}`);
    if (c === '{' && quantifierAt(i)) throw new InvalidPatternError(`nothing to repeat at ${i}`);
    i++;
    return single(peekBack());
  }

  const peekBack = () => cps[i - 1];

  function group(): RegexNode {
    i++; // (
    if (at('?')) {
      if (at(':', 1)) i += 2;
      else if (at('<', 1) && !at('=', 2) && !at('!', 2)) {
        const close = cps.indexOf('>'.codePointAt(0)!, i);
        if (close < 0) throw new InvalidPatternError('unterminated group name');
        i = close + 1;
      } else if (superset && /^\?(=|!|<=|<!)/.test(String.fromCodePoint(...cps.slice(i, i + 3)))) {
        // A lookaround only narrows what matches: parsed to skip it, then nothing.
        i += at('<', 1) ? 3 : 2;
        if (++depth > MAX_DEPTH) throw new UnsupportedPatternError('nesting too deep');
        disjunction();
        depth--;
        if (!at(')')) throw new InvalidPatternError('unbalanced parentheses');
        i++;
        return EMPTY;
      } else throw new UnsupportedPatternError('lookaround or inline flags');
    }
    if (++depth > MAX_DEPTH) throw new UnsupportedPatternError('nesting too deep');
    const inner = disjunction();
    depth--;
    if (!at(')')) throw new InvalidPatternError('unbalanced parentheses');
    i++;
    return inner;
  }

  function quantified(node: RegexNode): RegexNode {
    if (i >= cps.length) return node;
    let min: number, max: number;
    if (at('*')) { min = 0; max = Infinity; i++; }
    else if (at('+')) { min = 1; max = Infinity; i++; }
    else if (at('?')) { min = 0; max = 1; i++; }
    else if (at('{') && quantifierAt(i)) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(String.fromCodePoint(...cps.slice(i, i + 24)))!;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) throw new InvalidPatternError('numbers out of order in {} quantifier');
      i += m[0].length;
    } else return node;
    if (at('?')) i++; // lazy: the same strings match
    if (node.kind === 'start' || node.kind === 'end') throw new UnsupportedPatternError('a quantified anchor');
    if (node.kind === 'repeat' && (at('*') || at('+') || at('?'))) throw new InvalidPatternError('nothing to repeat');
    return { kind: 'repeat', node, min, max };
  }

  function quantifierAt(k: number): boolean {
    return /^\{\d+(,\d*)?\}/.test(String.fromCodePoint(...cps.slice(k, k + 24)));
  }

  function escape(): RegexNode {
    i++; // backslash
    if (i >= cps.length) throw new InvalidPatternError('trailing backslash');
    const c = String.fromCodePoint(peek());
    if (c === 'b' || c === 'B') {
      if (!superset) throw new UnsupportedPatternError('word boundary');
      i++;
      return EMPTY;
    }
    if (/[1-9]/.test(c) || (c === 'k' && at('<', 1))) {
      if (!superset) throw new UnsupportedPatternError('backreference');
      if (c === 'k') i = cps.indexOf('>'.codePointAt(0)!, i) + 1;
      else while (/[0-9]/.test(String.fromCodePoint(peek() ?? 0x20))) i++;
      return { kind: 'repeat', node: ANY, min: 0, max: Infinity };
    }
    const cls = classEscape(c);
    if (cls) { i++; return cls; }
    return single(characterEscape());
  }

  /** `\d \D \w \W \s \S` at `c`, or undefined. */
  function classEscape(c: string): Extract<RegexNode, { kind: 'chars' }> | undefined {
    if (c === 'p' || c === 'P') {
      if (!superset) throw new UnsupportedPatternError('Unicode property escape');
      if (at('{', 1)) i = cps.indexOf('}'.codePointAt(0)!, i);
      return ANY;
    }
    const base = c.toLowerCase() === 'd' ? DIGIT : c.toLowerCase() === 'w' ? WORD : c.toLowerCase() === 's' ? SPACE : undefined;
    if (!base) return undefined;
    const negated = c !== c.toLowerCase();
    return { kind: 'chars', ranges: negated ? complement(base) : base, broad: negated };
  }

  /** The code point of the character escape at `i` (after the backslash); advances past it. */
  function characterEscape(): number {
    const c = String.fromCodePoint(peek());
    if (c in CONTROL_ESCAPES && !(c === '0' && /[0-9]/.test(String.fromCodePoint(peek(1) ?? 0)))) { i++; return CONTROL_ESCAPES[c]; }
    if (c === 'x') {
      const h = hexAt(i + 1, 2);
      if (h === undefined) throw new InvalidPatternError('invalid \\x escape');
      i += 3;
      return h;
    }
    if (c === 'u') {
      if (at('{', 1)) {
        const close = cps.indexOf('}'.codePointAt(0)!, i);
        const h = close < 0 ? undefined : parseHex(cps.slice(i + 2, close));
        if (h === undefined || h > MAX_CODE_POINT) throw new InvalidPatternError('invalid \\u{} escape');
        i = close + 1;
        return h;
      }
      const h = hexAt(i + 1, 4);
      if (h === undefined) throw new InvalidPatternError('invalid \\u escape');
      i += 5;
      // A surrogate pair written as two escapes is one code point.
      if (h >= 0xd800 && h <= 0xdbff && at('\\') && at('u', 1)) {
        const lo = hexAt(i + 2, 4);
        if (lo !== undefined && lo >= 0xdc00 && lo <= 0xdfff) {
          i += 6;
          return 0x10000 + ((h - 0xd800) << 10) + (lo - 0xdc00);
        }
      }
      if (h >= 0xd800 && h <= 0xdfff) throw new UnsupportedPatternError('a lone surrogate');
      return h;
    }
    if (c === 'c') throw new UnsupportedPatternError('control escape \\c');
    if (/[A-Za-z0-9]/.test(c)) throw new InvalidPatternError(`invalid escape \\${c}`);
    i++;
    return c.codePointAt(0)!; // identity escape: \. \- \/ \\ ...
  }

  function charClass(): RegexNode {
    i++; // [
    const negated = at('^');
    if (negated) i++;
    let ranges: CodePointRanges = [];
    while (i < cps.length && !at(']')) {
      const lo = classAtom();
      if (at('-') && i + 1 < cps.length && !at(']', 1)) {
        i++;
        const hi = classAtom();
        if (typeof lo !== 'number' || typeof hi !== 'number') throw new InvalidPatternError('a class escape in a range');
        if (hi < lo) throw new InvalidPatternError('range out of order in character class');
        ranges.push([lo, hi]);
      } else if (typeof lo === 'number') ranges.push([lo, lo]);
      else ranges.push(...lo);
    }
    if (!at(']')) throw new InvalidPatternError('unterminated character class');
    i++;
    ranges = normalize(ranges);
    return { kind: 'chars', ranges: negated ? complement(ranges) : ranges, broad: negated };
  }

  /** One code point of a class, or the ranges of a class escape in it. */
  function classAtom(): number | CodePointRanges {
    if (!at('\\')) return cps[i++];
    i++;
    if (i >= cps.length) throw new InvalidPatternError('trailing backslash');
    const c = String.fromCodePoint(peek());
    if (c === 'b') { i++; return 0x08; }
    if (c === '-') { i++; return 0x2d; }
    const cls = classEscape(c);
    if (cls) { i++; return cls.ranges; }
    return characterEscape();
  }

  function hexAt(k: number, n: number): number | undefined {
    return k + n <= cps.length ? parseHex(cps.slice(k, k + n)) : undefined;
  }

  const tree = disjunction();
  if (i < cps.length) throw new InvalidPatternError('unbalanced parentheses');
  return tree;
}

const EMPTY: RegexNode = { kind: 'sequence', items: [] };
const ANY: Extract<RegexNode, { kind: 'chars' }> = { kind: 'chars', ranges: [[0, MAX_CODE_POINT]], broad: true };

function single(cp: number): RegexNode {
  return { kind: 'chars', ranges: [[cp, cp]], broad: false };
}

function parseHex(digits: number[]): number | undefined {
  const s = String.fromCodePoint(...digits);
  return /^[0-9A-Fa-f]+$/.test(s) ? parseInt(s, 16) : undefined;
}

/** Sorted, merged ranges. */
export function normalize(ranges: CodePointRanges): CodePointRanges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: CodePointRanges = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The code points not in `ranges` (which must be normalized). */
export function complement(ranges: CodePointRanges): CodePointRanges {
  const out: CodePointRanges = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

/** `ranges` without the code points of `minus`. */
export function subtract(ranges: CodePointRanges, minus: CodePointRanges): CodePointRanges {
  const keep = complement(minus);
  const out: CodePointRanges = [];
  for (const [lo, hi] of normalize(ranges)) {
    for (const [klo, khi] of keep) {
      const a = Math.max(lo, klo), b = Math.min(hi, khi);
      if (a <= b) out.push([a, b]);
    }
  }
  return normalize(out);
}

/** Whether `cp` is in `ranges`. */
export function contains(ranges: CodePointRanges, cp: number): boolean {
  return ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
}
