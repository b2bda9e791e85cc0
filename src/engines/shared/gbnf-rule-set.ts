/**
 * The rules of a GBNF grammar being written (llama.cpp's grammar format, grammars/README.md in
 * ggml-org/llama.cpp): `name ::= body` lines. Names are made of `[a-zA-Z0-9-]`, as llama.cpp's
 * parser reads them; every name gets the set's `prefix`, so a grammar can be spliced into
 * another one (node-llama-cpp's function-call grammars, function-call-params-grammar.ts) without
 * clashing with its rule names.
 */
export class GbnfRuleSet {
  readonly #rules = new Map<string, string>();

  constructor(readonly prefix = '') {}

  /**
   * Adds `body` as a rule named after `name` and returns the name used: the same name when it
   * is free or already holds this body, else the name with the first free number appended (as
   * llama.cpp's json-schema-to-grammar `_add_rule` does).
   */
  add(name: string, body: string): string {
    const base = this.#name(name);
    for (let i = -1; ; i++) {
      const candidate = i < 0 ? base : `${base}${i}`;
      const existing = this.#rules.get(candidate);
      if (existing === undefined || existing === body) {
        this.#rules.set(candidate, body);
        return candidate;
      }
    }
  }

  /** Takes a fresh name for a rule whose body is written later (`define`): a `$ref` being resolved. */
  reserve(name: string): string {
    const base = this.#name(name);
    let candidate = base;
    for (let i = 0; this.#rules.has(candidate); i++) candidate = `${base}${i}`;
    this.#rules.set(candidate, '');
    return candidate;
  }

  /** Writes the body of a reserved rule. */
  define(name: string, body: string): void {
    this.#rules.set(name, body);
  }

  /** Whether a rule of exactly this (prefixed) name exists. */
  has(name: string): boolean {
    return this.#rules.has(name);
  }

  /** The rules, in the order they were added. */
  entries(): IterableIterator<[string, string]> {
    return this.#rules.entries();
  }

  /** The grammar text, one rule a line. */
  format(): string {
    return [...this.#rules].map(([name, body]) => `${name} ::= ${body}\n`).join('');
  }

  #name(name: string): string {
    return this.prefix + (name.replace(/[^a-zA-Z0-9-]+/g, '-') || 'rule');
  }
}

/**
 * A GBNF string literal of `text`: `"` and `\` escaped, control characters as `\xHH`, the rest
 * as UTF-8 (llama.cpp's `parse_char` reads `\x`, `\u`, `\U`, `\t`, `\r`, `\n`, `\\`, `\"`).
 */
export function gbnfLiteral(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A GBNF character class of the inclusive code point ranges, every character escaped as hex. */
export function gbnfCharClass(ranges: ReadonlyArray<readonly [number, number]>, negated = false): string {
  const item = (cp: number) => (cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`);
  const plain = (cp: number) => (/[A-Za-z0-9]/.test(String.fromCodePoint(cp)) ? String.fromCodePoint(cp) : item(cp));
  const body = ranges.map(([lo, hi]) => (lo === hi ? plain(lo) : `${plain(lo)}-${plain(hi)}`)).join('');
  return `[${negated ? '^' : ''}${body}]`;
}

/**
 * `item` repeated between `min` and `max` times (`Infinity`: no upper bound), joined by
 * `separator` when given: llama.cpp's json-schema-to-grammar `build_repetition`, using GBNF's
 * `{m,n}` operators.
 */
export function gbnfRepetition(item: string, min: number, max: number, separator = ''): string {
  if (max === 0) return '""';
  if (min === 0 && max === 1) return `${item}?`;
  if (!separator) {
    if (min === 1 && max === Infinity) return `${item}+`;
    if (min === 0 && max === Infinity) return `${item}*`;
    if (min === max) return `${item}{${min}}`;
    return `${item}{${min},${max === Infinity ? '' : max}}`;
  }
  const rest = gbnfRepetition(`(${separator} ${item})`, Math.max(0, min - 1), max === Infinity ? Infinity : max - 1);
  const all = rest === '""' ? item : `${item} ${rest}`;
  return min === 0 ? `(${all})?` : all;
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
