import { convertRegexToGbnf, MAX_GRAMMAR_REPETITION } from './convert-regex-to-gbnf.js';
import { gbnfLiteral, gbnfRepetition, GbnfRuleSet } from './gbnf-rule-set.js';
import { integerRangeGbnf } from './integer-range-gbnf.js';
import { addPrimitive, GRAMMAR_STRING_FORMATS } from './json-grammar-primitives.js';
import {
  ASSERTIONS, BOUNDS, constrains, count, DIGIT_LIMIT, escapePointer, hasRef, inferType, INT32, isObject, jsonType, KEYWORD_TYPES,
  numericBounds, omit, VALIDATED_STRING_FORMATS, type Json,
} from './json-schema-keywords.js';
import { mergeJsonSchemas } from './merge-json-schemas.js';
import { notStringsGbnf } from './not-strings-gbnf.js';
import { numberRangeGbnf, type NumberBounds } from './number-range-gbnf.js';
import { InvalidPatternError, UnsupportedPatternError } from './parse-regex.js';
import { resolveJsonSchemaRef } from './resolve-json-schema-ref.js';


/** A JSON Schema as a GBNF grammar; see {@link convertJsonSchemaToGbnf}. */
export interface JsonSchemaGrammar {
  /** The grammar: one `name ::= body` line per rule. */
  gbnf: string;
  /** The rule that writes one value (`root`, with the prefix asked for). */
  root: string;
  /**
   * Where the schema asks for what the grammar does not enforce, as JSON Pointers to the
   * keyword (e.g. `#/properties/email/format`). Empty: every value the grammar writes is valid.
   * Otherwise the output must be validated against the schema.
   */
  unenforced: string[];
}

/** Merges within merges allowed (see #merged). */
const MAX_MERGE_DEPTH = 32;

/**
 * A JSON Schema → a GBNF grammar for the JSON texts valid against it, in the manner of
 * llama.cpp's own converter (common/json-schema-to-grammar.cpp, the one llama-server applies to
 * `json_schema` and to tool parameters), which this follows rule for rule where it can.
 *
 * Enforced in the grammar: `type` (and type lists), `enum`, `const`, `anyOf` and `oneOf` (as
 * anyOf), `allOf` and `$ref` (local pointers, `$defs`, `definitions`, `$anchor`; recursion
 * allowed) merged with the keywords beside them, `nullable`; strings' `pattern` (see
 * convert-regex-to-gbnf.ts), `minLength`/`maxLength` and the formats date, time, date-time,
 * uuid, email and ipv4; integers' `minimum`, `maximum`, `exclusiveMinimum`,
 * `exclusiveMaximum` (draft-04's boolean forms too) and format int32; numbers' bounds when
 * they are whole numbers; objects' `properties` in `propertyOrdering` order (Gemini's
 * ordering hint) then their own, `required`, `additionalProperties`; arrays' `items`,
 * `prefixItems`, `minItems`, `maxItems`.
 *
 * Choices (each sound: every value the grammar writes is valid):
 * - Every property is written, required or not, as gemserve's grammars always have (and
 *   node-llama-cpp's do): except a property that is not required and leads through a `$ref`,
 *   which may be left out, since writing it could recurse without end (a linked list's `next`).
 * - With `properties`, no other property is written unless `additionalProperties` allows it.
 * - Where a keyword cannot be enforced (a pattern with lookaround, a fractional bound, a
 *   length beside a pattern, `multipleOf`, `uniqueItems`, `not`, ...), the grammar writes the
 *   nearest superset and the keyword is listed in `unenforced`.
 *
 * `prefix` is put before every rule name (see GbnfRuleSet). The schema is a validated one
 * (src/api/gemini/validate-json-schema.ts: references resolve, patterns compile, counts are
 * counts, no reference loops back to itself without writing anything); anything else is
 * treated leniently (as absent and unenforced) rather than refused.
 */
export function convertJsonSchemaToGbnf(schema: unknown, options: { prefix?: string } = {}): JsonSchemaGrammar {
  const converter = new SchemaConverter(schema, new GbnfRuleSet(options.prefix ?? ''));
  return converter.convert();
}

class SchemaConverter {
  readonly #unenforced = new Set<string>();
  readonly #refRules = new Map<string, string>();
  /** References entered since the grammar last wrote a character: one of them again is left recursion. */
  #leftRefs = new Set<string>();
  /** Nested merges (a chain of $refs with keywords beside them); a cycle of them stops here. */
  #mergeDepth = 0;

  constructor(readonly root: unknown, readonly rules: GbnfRuleSet) {}

  convert(): JsonSchemaGrammar {
    const root = this.rules.reserve('root');
    this.rules.define(root, this.#body(this.root, root, '#'));
    return { gbnf: this.rules.format(), root, unenforced: [...this.#unenforced] };
  }

  #primitive(name: string): string {
    return addPrimitive(this.rules, name);
  }

  #unenforce(ptr: string, keyword: string): void {
    this.#unenforced.add(`${ptr}/${escapePointer(keyword)}`);
  }

  /** A rule for `schema`, named after `name`. */
  #visit(schema: unknown, name: string, ptr: string): string {
    const body = this.#body(schema, name, ptr);
    return /^[a-zA-Z0-9-]+$/.test(body) ? body : this.rules.add(name, body);
  }

  /** The GBNF expression of `schema`; `name` names its sub-rules, `ptr` its keywords in `unenforced`. */
  #body(schema: unknown, name: string, ptr: string): string {
    if (!isObject(schema)) {
      if (schema === false) this.#unenforce(ptr, 'false'); // callers skip false schemas; a lone one is unsatisfiable
      return this.#primitive('value');
    }
    const handled = new Set<string>();
    const body = this.#dispatch(schema, name, ptr, handled);
    for (const key of Object.keys(schema)) if (ASSERTIONS.has(key) && !handled.has(key)) this.#unenforce(ptr, key);
    return body;
  }

  #dispatch(s: Json, name: string, ptr: string, handled: Set<string>): string {
    const delegate = () => Object.keys(s).forEach((k) => handled.add(k));
    if (typeof s.$ref === 'string') {
      delegate();
      const others = omit(s, ['$ref']);
      if (!constrains(others)) return this.#refRule(s.$ref, ptr);
      return this.#merged([this.#target(s.$ref, ptr), others], name, ptr);
    }
    if (Array.isArray(s.allOf)) {
      delegate();
      const parts = s.allOf.map((p) => (isObject(p) && typeof p.$ref === 'string' && !constrains(omit(p, ['$ref'])) ? this.#target(p.$ref, ptr) : p));
      return this.#merged([...parts, omit(s, ['allOf'])], name, ptr);
    }
    const alternatives = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
    if (alternatives) {
      const keyword = Array.isArray(s.anyOf) ? 'anyOf' : 'oneOf';
      delegate();
      if (keyword === 'anyOf' && s.oneOf !== undefined) handled.delete('oneOf');
      const others = omit(s, ['anyOf', 'oneOf']);
      const rules = alternatives.flatMap((alt, i) => {
        if (alt === false) return [];
        const schema = constrains(others) ? { allOf: [others, alt] } : alt;
        return [this.#visit(schema, `${name}-${i}`, `${ptr}/${keyword}/${i}`)];
      });
      if (rules.length === 0) {
        handled.delete(keyword);
        return this.#primitive('value');
      }
      return rules.join(' | ');
    }
    if (s.nullable === true) {
      delegate();
      const { nullable: _, ...rest } = s;
      return `${this.#visit(rest, `${name}-value`, ptr)} | ${this.#primitive('null')}`;
    }
    handled.add('nullable');
    if (Array.isArray(s.type) && s.type.length !== 1) {
      delegate();
      const types = s.type.filter((t) => typeof t === 'string' && !(t === 'integer' && s.type instanceof Array && s.type.includes('number')));
      return types.map((t) => this.#visit({ ...s, type: t }, `${name}-${String(t)}`, ptr)).join(' | ');
    }
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    if ('const' in s) {
      handled.add('const');
      if (type === undefined || jsonType(s.const) === type || (type === 'number' && jsonType(s.const) === 'integer')) handled.add('type');
      return gbnfLiteral(JSON.stringify(s.const));
    }
    if (Array.isArray(s.enum)) {
      handled.add('enum');
      const ofType = type === undefined ? s.enum : s.enum.filter((v) => jsonType(v) === type || (type === 'number' && jsonType(v) === 'integer'));
      if (ofType.length) handled.add('type');
      const values = ofType.length ? ofType : s.enum;
      return values.map((v) => gbnfLiteral(JSON.stringify(v))).join(' | ') || this.#primitive('value');
    }
    handled.add('type');
    const kind = typeof type === 'string' ? type : inferType(s);
    // A keyword about another type of value holds for this one (json-schema-validation §6).
    for (const [key, types] of Object.entries(KEYWORD_TYPES)) if (!types.includes(kind ?? '')) handled.add(key);
    switch (kind) {
      case 'string': return this.#string(s, name, ptr, handled);
      case 'integer': return this.#integer(s, ptr, handled);
      case 'number': return this.#number(s, ptr, handled);
      case 'boolean': return this.#primitive('boolean');
      case 'null': return this.#primitive('null');
      case 'object': return this.#object(s, name, ptr, handled);
      case 'array': return this.#array(s, name, ptr, handled);
      default: return this.#primitive('value');
    }
  }

  /** The rule of the schema a `$ref` points to: one rule per reference, so recursion works. */
  #refRule(ref: string, ptr: string): string {
    if (this.#leftRefs.has(ref)) throw new Error(`$ref ${ref} at ${ptr} refers back to itself before writing anything`);
    const known = this.#refRules.get(ref);
    if (known) return known;
    const target = resolveJsonSchemaRef(this.root, ref);
    if (target === undefined) {
      this.#unenforce(ptr, '$ref');
      return this.#primitive('value');
    }
    const name = this.rules.reserve(`ref${ref.slice(1)}`);
    this.#refRules.set(ref, name);
    this.#leftRefs.add(ref);
    try {
      this.rules.define(name, this.#body(target, name, ref.startsWith('#/') ? ref : ptr));
    } finally {
      this.#leftRefs.delete(ref);
    }
    return name;
  }

  #target(ref: string, ptr: string): unknown {
    const target = resolveJsonSchemaRef(this.root, ref);
    if (target === undefined) this.#unenforce(ptr, '$ref');
    return target ?? true;
  }

  /** The conjunction of `parts` (allOf, or a $ref with keywords beside it) as one schema. */
  #merged(parts: unknown[], name: string, ptr: string): string {
    if (parts.includes(false) || this.#mergeDepth >= MAX_MERGE_DEPTH) {
      this.#unenforce(ptr, 'allOf');
      return this.#primitive('value');
    }
    const { merged, conflicts } = mergeJsonSchemas(parts.filter(isObject));
    for (const k of conflicts) this.#unenforce(ptr, k);
    // A $ref or allOf the parts had is merged in turn, one level a step.
    this.#mergeDepth++;
    try {
      return this.#body(merged, name, ptr);
    } finally {
      this.#mergeDepth--;
    }
  }

  #string(s: Json, name: string, ptr: string, handled: Set<string>): string {
    const char = this.#primitive('char');
    if (typeof s.pattern === 'string') {
      try {
        const rule = convertRegexToGbnf(s.pattern, this.rules, `${name}-pattern`, char);
        handled.add('pattern');
        return rule;
      } catch (e) {
        if (!(e instanceof UnsupportedPatternError || e instanceof InvalidPatternError)) throw e;
      }
      // What the grammar cannot say exactly (a lookahead...), it writes widened; validation does the rest.
      try {
        return convertRegexToGbnf(s.pattern, this.rules, `${name}-pattern`, char, { superset: true });
      } catch (e) {
        if (!(e instanceof UnsupportedPatternError || e instanceof InvalidPatternError)) throw e;
      }
    }
    const format = typeof s.format === 'string' ? s.format : undefined;
    // A format no validator checks is an annotation.
    if (format !== undefined && !VALIDATED_STRING_FORMATS.has(format)) handled.add('format');
    if (format && GRAMMAR_STRING_FORMATS[format]) {
      handled.add('format');
      return this.#primitive(GRAMMAR_STRING_FORMATS[format]);
    }
    const min = count(s.minLength) ?? 0;
    const max = count(s.maxLength) ?? Infinity;
    if (min === 0 && max === Infinity) {
      handled.add('minLength');
      return this.#primitive('string');
    }
    const lo = min <= MAX_GRAMMAR_REPETITION ? min : 0;
    const hi = max <= MAX_GRAMMAR_REPETITION && max >= lo ? max : Infinity;
    if (lo === min) handled.add('minLength');
    if (hi === max) handled.add('maxLength');
    return `"\\"" ${gbnfRepetition(char, lo, hi)} "\\""`;
  }

  #integer(s: Json, ptr: string, handled: Set<string>): string {
    const b = numericBounds(s, handled);
    // int32 is a range; the other numeric formats (int64, float, double) hold for every JSON integer.
    handled.add('format');
    let lo = Math.max(b.minimum === undefined ? -Infinity : Math.ceil(b.minimum), b.exclusiveMinimum === undefined ? -Infinity : Math.floor(b.exclusiveMinimum) + 1);
    let hi = Math.min(b.maximum === undefined ? Infinity : Math.floor(b.maximum), b.exclusiveMaximum === undefined ? Infinity : Math.ceil(b.exclusiveMaximum) - 1);
    if (s.format === 'int32') {
      lo = Math.max(lo, INT32.minimum);
      hi = Math.min(hi, INT32.maximum);
    }
    if (lo <= -DIGIT_LIMIT) lo = -Infinity;
    if (hi >= DIGIT_LIMIT) hi = Infinity;
    if (lo > hi || lo >= DIGIT_LIMIT || hi <= -DIGIT_LIMIT) {
      BOUNDS.forEach((k) => handled.delete(k));
      return this.#primitive('integer');
    }
    if (lo === -Infinity && hi === Infinity) return this.#primitive('integer');
    return `( ${integerRangeGbnf(lo === -Infinity ? undefined : lo, hi === Infinity ? undefined : hi)} )`;
  }

  #number(s: Json, ptr: string, handled: Set<string>): string {
    const b = numericBounds(s, handled);
    // int32 and int64 ask for an integer (left to validation); float and double hold for every number.
    if (s.format !== 'int32' && s.format !== 'int64') handled.add('format');
    const unhandleBounds = () => BOUNDS.forEach((k) => handled.delete(k));
    const lower = [b.minimum, b.exclusiveMinimum].filter((v): v is number => v !== undefined);
    const upper = [b.maximum, b.exclusiveMaximum].filter((v): v is number => v !== undefined);
    // Past the digits the grammar writes, a lower bound cannot be met and an upper one always is.
    if (lower.some((v) => v >= DIGIT_LIMIT) || upper.some((v) => v <= -DIGIT_LIMIT)) {
      unhandleBounds();
      return this.#primitive('number');
    }
    const bounds: NumberBounds = {};
    for (const k of BOUNDS) if (b[k] !== undefined && Math.abs(b[k]) < DIGIT_LIMIT) bounds[k] = b[k];
    const values = Object.values(bounds) as number[];
    if (values.length === 0) return this.#primitive('number');
    let range: string | undefined;
    if (values.every((v) => Number.isInteger(v))) range = numberRangeGbnf(bounds);
    else {
      // A fractional bound: the grammar writes the range rounded outwards; validation does the rest.
      unhandleBounds();
      const lo = [bounds.minimum, bounds.exclusiveMinimum].filter((v): v is number => v !== undefined);
      const hi = [bounds.maximum, bounds.exclusiveMaximum].filter((v): v is number => v !== undefined);
      range = numberRangeGbnf({
        ...(lo.length ? { minimum: Math.floor(Math.max(...lo)) } : {}),
        ...(hi.length ? { maximum: Math.ceil(Math.min(...hi)) } : {}),
      });
    }
    if (!range) {
      unhandleBounds();
      return this.#primitive('number');
    }
    return `( ${range} )`;
  }

  #object(s: Json, name: string, ptr: string, handled: Set<string>): string {
    for (const k of ['properties', 'required', 'additionalProperties']) handled.add(k);
    const props = isObject(s.properties) ? s.properties : {};
    const required = new Set(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
    const ordering = Array.isArray(s.propertyOrdering) ? s.propertyOrdering.filter((p): p is string => typeof p === 'string' && Object.hasOwn(props, p)) : [];
    const names = [...new Set([...ordering, ...Object.keys(props)])].filter((p) => props[p] !== false);
    if ([...required].some((r) => !names.includes(r))) handled.delete('required');
    const extraSchema = s.additionalProperties ?? (isObject(s.properties) ? false : true);
    if (names.length === 0 && extraSchema === true && s.minProperties === undefined && s.maxProperties === undefined) {
      return this.#primitive('object');
    }
    const saved = this.#leftRefs;
    this.#leftRefs = new Set();
    try {
      const space = this.#primitive('space');
      const items = names.map((p) => {
        const value = this.#visit(props[p], `${name}-${p}`, `${ptr}/properties/${escapePointer(p)}`);
        const kv = this.rules.add(`${name}-${p}-kv`, `${gbnfLiteral(JSON.stringify(p))} ${space} ":" ${space} ${value}`);
        return { kv, optional: !required.has(p) && hasRef(props[p]) };
      });
      const mandatory = items.filter((i) => !i.optional).length;
      const minP = count(s.minProperties), maxP = count(s.maxProperties);
      let extra: { kv: string; min: number; max: number } | undefined;
      if (extraSchema !== false) {
        const value = extraSchema === true || (isObject(extraSchema) && Object.keys(extraSchema).length === 0)
          ? this.#primitive('value')
          : this.#visit(extraSchema, `${name}-additional-value`, `${ptr}/additionalProperties`);
        const key = names.length ? this.rules.add(`${name}-additional-k`, notStringsGbnf(names, this.#primitive('char'))) : this.#primitive('string');
        const kv = this.rules.add(`${name}-additional-kv`, `${key} ${space} ":" ${space} ${value}`);
        const simple = mandatory === items.length;
        const min = simple && minP !== undefined ? Math.max(0, minP - items.length) : 0;
        const max = simple && maxP !== undefined && maxP >= items.length ? maxP - items.length : Infinity;
        extra = { kv, min: Math.min(min, MAX_GRAMMAR_REPETITION, max), max: max > MAX_GRAMMAR_REPETITION ? Infinity : max };
        if (simple && (minP === undefined || min <= MAX_GRAMMAR_REPETITION)) handled.add('minProperties');
        if (simple && (maxP === undefined || (maxP >= items.length && maxP - items.length <= MAX_GRAMMAR_REPETITION))) handled.add('maxProperties');
      } else {
        if ((minP ?? 0) <= mandatory) handled.add('minProperties');
        if (maxP === undefined || maxP >= items.length) handled.add('maxProperties');
      }
      const inner = this.#members(items, extra, name);
      return inner ? `"{" ${space} ${inner} ${space} "}"` : `"{" ${space} "}"`;
    } finally {
      this.#leftRefs = saved;
    }
  }

  /**
   * Object members in order, joined by commas: mandatory ones always, optional ones maybe, then
   * `extra` members (between its min and max). Returns '' when there can be none.
   */
  #members(items: Array<{ kv: string; optional: boolean }>, extra: { kv: string; min: number; max: number } | undefined, name: string): string {
    const space = this.#primitive('space');
    const sep = `"," ${space}`;
    const extras = extra && extra.max > 0 ? { ...extra } : undefined;
    const first = items.findIndex((i) => !i.optional);
    if (first >= 0) {
      const before = items.slice(0, first).map((i) => `( ${i.kv} ${sep} )?`);
      const after = items.slice(first + 1).map((i) => (i.optional ? `( ${sep} ${i.kv} )?` : `${sep} ${i.kv}`));
      const tail = extras ? [gbnfRepetition(`( ${sep} ${extras.kv} )`, extras.min, extras.max)] : [];
      return [...before, items[first].kv, ...after, ...tail].filter((p) => p !== '""').join(' ');
    }
    // Every member is optional: the first one present starts the list.
    const list: string[] = items.map((i) => i.kv);
    if (extras) list.push(gbnfRepetition(extras.kv, Math.max(1, extras.min), extras.max, sep));
    if (list.length === 0) return '';
    let rest = '';
    const starts: string[] = [];
    for (let k = list.length - 1; k >= 0; k--) {
      starts.unshift(rest ? `${list[k]} ${rest}` : list[k]);
      const step = `( ${sep} ${list[k]} )?`;
      rest = this.rules.add(`${name}-rest-${k}`, rest ? `${step} ${rest}` : step);
    }
    const all = `( ${starts.join(' | ')} )`;
    return extras && extras.min > 0 ? all : `${all}?`;
  }

  #array(s: Json, name: string, ptr: string, handled: Set<string>): string {
    for (const k of ['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems']) handled.add(k);
    const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
    const extraSchema = Array.isArray(s.prefixItems) ? s.items : Array.isArray(s.items) ? s.additionalItems : s.items;
    let minItems = count(s.minItems) ?? 0;
    let maxItems = count(s.maxItems) ?? Infinity;
    if (minItems > maxItems) {
      handled.delete('minItems');
      minItems = maxItems;
    }
    const blocked = prefix.findIndex((p) => p === false);
    const written = Math.min(prefix.length, maxItems, blocked < 0 ? Infinity : blocked);
    const extrasAllowed = extraSchema !== false && written === prefix.length;
    if (written < minItems && !extrasAllowed) handled.delete('minItems');
    if (written === 0 && extrasAllowed && (extraSchema === undefined || extraSchema === true) && minItems === 0 && maxItems === Infinity) {
      return this.#primitive('array');
    }
    const saved = this.#leftRefs;
    this.#leftRefs = new Set();
    try {
      const space = this.#primitive('space');
      const sep = `"," ${space}`;
      const tuple = prefix.slice(0, written).map((p, i) => this.#visit(p, `${name}-tuple-${i}`, `${ptr}/${Array.isArray(s.prefixItems) ? 'prefixItems' : 'items'}/${i}`));
      let eMin = Math.max(0, minItems - written);
      let eMax = extrasAllowed ? maxItems - written : 0;
      if (eMin > MAX_GRAMMAR_REPETITION) { handled.delete('minItems'); eMin = 0; }
      if (eMax !== Infinity && eMax > MAX_GRAMMAR_REPETITION) { handled.delete('maxItems'); eMax = Infinity; }
      const item = eMax > 0
        ? (extraSchema === undefined || extraSchema === true ? this.#primitive('value') : this.#visit(extraSchema, `${name}-item`, `${ptr}/items`))
        : '';
      let inner: string;
      if (tuple.length) {
        inner = [tuple.join(` ${sep} `), eMax > 0 ? gbnfRepetition(`( ${sep} ${item} )`, eMin, eMax) : ''].filter((p) => p && p !== '""').join(' ');
      } else {
        inner = eMax > 0 ? gbnfRepetition(item, eMin, eMax, sep) : '';
      }
      return inner && inner !== '""' ? `"[" ${space} ${inner} ${space} "]"` : `"[" ${space} "]"`;
    } finally {
      this.#leftRefs = saved;
    }
  }
}
