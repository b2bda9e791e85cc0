import type { FieldViolation } from './status.js';

type Json = Record<string, unknown>;

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);
/** Keywords whose value is a count (json-schema.org/draft/2020-12/json-schema-validation §6). */
const COUNTS = ['minLength', 'maxLength', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minContains', 'maxContains'];
/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS = ['additionalProperties', 'additionalItems', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
/** Keywords whose value is a map of schemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'];
/** Keywords whose value is a non-empty array of schemas. */
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/**
 * The rules a JSON Schema (`responseJsonSchema`, a function's `parametersJsonSchema`) must meet
 * for gemserve to generate from it. Every keyword Google's structured output documents
 * (ai.google.dev/gemini-api/docs/structured-output: types and type lists, enum, const,
 * properties, required, additionalProperties, items, prefixItems, min/maxItems, lengths,
 * pattern, format, numeric bounds, anyOf, `$ref` and `$defs`) and every other JSON Schema
 * keyword is accepted; refused is only a schema that is not one:
 * - a subschema that is neither an object nor a boolean;
 * - a `type` that is not one of the seven JSON types (or a list of them), in either case;
 * - a `pattern` that is not an ECMAScript regular expression (JSON Schema's dialect, §6.3.3);
 * - a count that is not a non-negative integer, a bound that is not a number, an `enum` that is
 *   not a non-empty list, a `required` that is not a list of names;
 * - a `$ref` that does not point into the schema itself (`#`, `#/$defs/name`,
 *   `#/definitions/name`, an `$anchor`): gemserve never fetches schemas;
 * - references that lead back to themselves before any value is written (`{"$ref": "#"}`,
 *   `anyOf: [{"$ref": "#"}, ...]`), which describe no value a grammar can write.
 * `path` is the schema's field path (e.g. `generation_config.response_json_schema`); inside it
 * the violation's field follows the schema's keys: `.properties[name].pattern`, `.anyOf[0]`.
 */
export function validateJsonSchema(schema: unknown, path: string): FieldViolation | undefined {
  const refs = new Set<string>();
  const bad = walk(schema, path, schema, refs);
  if (bad) return bad;
  for (const start of [undefined, ...refs]) {
    const loop = start === undefined ? leftLoop(schema, schema, new Set()) : leftLoop(resolveRef(schema, start), schema, new Set([start]));
    if (loop) {
      return { field: path, description: `The $ref ${loop} in ${path} refers back to itself before any value is written: the schema describes no value.` };
    }
  }
  return undefined;
}

function walk(node: unknown, path: string, root: unknown, refs: Set<string>): FieldViolation | undefined {
  if (typeof node === 'boolean') return undefined;
  if (!isObject(node)) return violation(path, 'must be a JSON Schema (an object or a boolean)');
  const s = node;
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    // Google's upper-case Schema names (`OBJECT`) are accepted here too (convert/lowercase-json-schema-types.ts).
    if (types.length === 0 || types.some((t) => typeof t !== 'string' || !TYPES.has(t.toLowerCase()))) {
      return violation(`${path}.type`, `must be one of ${[...TYPES].join(', ')} (or a list of them), got ${JSON.stringify(s.type)}`);
    }
  }
  if (s.$ref !== undefined) {
    if (typeof s.$ref !== 'string' || resolveRef(root, s.$ref) === undefined) {
      return violation(`${path}.$ref`, `${JSON.stringify(s.$ref)} does not point into this schema (only references within it, like #/$defs/name, are supported)`);
    }
    refs.add(s.$ref);
  }
  if (s.pattern !== undefined) {
    const why = regexError(s.pattern);
    if (why) return violation(`${path}.pattern`, `is not a valid regular expression: ${why}`);
  }
  for (const k of COUNTS) {
    if (s[k] !== undefined && !(Number.isSafeInteger(Number(s[k])) && Number(s[k]) >= 0 && typeof s[k] !== 'boolean')) {
      return violation(`${path}.${k}`, `must be a non-negative integer, got ${JSON.stringify(s[k])}`);
    }
  }
  for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']) {
    const v = s[k];
    const ok = typeof v === 'number' ? Number.isFinite(v) && (k !== 'multipleOf' || v > 0) : typeof v === 'boolean' && k.startsWith('exclusive');
    if (v !== undefined && !ok) return violation(`${path}.${k}`, `must be a${k === 'multipleOf' ? ' positive' : ''} number, got ${JSON.stringify(v)}`);
  }
  if (s.enum !== undefined && (!Array.isArray(s.enum) || s.enum.length === 0)) return violation(`${path}.enum`, 'must be a non-empty list of values');
  if (s.required !== undefined && (!Array.isArray(s.required) || s.required.some((r) => typeof r !== 'string'))) {
    return violation(`${path}.required`, 'must be a list of property names');
  }
  for (const k of SCHEMA_KEYWORDS) {
    if (s[k] === undefined) continue;
    const bad = walk(s[k], `${path}.${k}`, root, refs);
    if (bad) return bad;
  }
  for (const k of SCHEMA_MAPS) {
    if (s[k] === undefined) continue;
    if (!isObject(s[k])) return violation(`${path}.${k}`, 'must be an object of schemas');
    for (const [name, sub] of Object.entries(s[k] as Json)) {
      const bad = walk(sub, `${path}.${k}[${name}]`, root, refs);
      if (bad) return bad;
    }
  }
  for (const k of SCHEMA_LISTS) {
    if (s[k] === undefined) continue;
    if (!Array.isArray(s[k]) || (s[k] as unknown[]).length === 0) return violation(`${path}.${k}`, 'must be a non-empty list of schemas');
    for (const [i, sub] of (s[k] as unknown[]).entries()) {
      const bad = walk(sub, `${path}.${k}[${i}]`, root, refs);
      if (bad) return bad;
    }
  }
  if (Array.isArray(s.items)) {
    for (const [i, sub] of s.items.entries()) {
      const bad = walk(sub, `${path}.items[${i}]`, root, refs);
      if (bad) return bad;
    }
  } else if (s.items !== undefined) {
    const bad = walk(s.items, `${path}.items`, root, refs);
    if (bad) return bad;
  }
  return undefined;
}

/**
 * A `$ref` reached again from `node` before the value's first character (through `$ref`,
 * `allOf`, `anyOf`, `oneOf`; an object or array starts with a bracket), or undefined.
 */
function leftLoop(node: unknown, root: unknown, pending: Set<string>): string | undefined {
  if (!isObject(node)) return undefined;
  if (typeof node.$ref === 'string') {
    if (pending.has(node.$ref)) return node.$ref;
    const found = leftLoop(resolveRef(root, node.$ref), root, new Set(pending).add(node.$ref));
    if (found) return found;
  }
  for (const k of ['allOf', 'anyOf', 'oneOf']) {
    for (const sub of Array.isArray(node[k]) ? node[k] as unknown[] : []) {
      const found = leftLoop(sub, root, pending);
      if (found) return found;
    }
  }
  return undefined;
}

/** The subschema a local `$ref` names (a JSON Pointer fragment or an `$anchor`), or undefined. */
function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return findAnchor(root, fragment);
  let node: unknown = root;
  for (const token of fragment.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < node.length) node = node[Number(token)];
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return node;
}

function findAnchor(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  if (isObject(node) && (node.$anchor === name || node.$id === `#${name}`)) return node;
  for (const child of Object.values(node)) {
    const found = findAnchor(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Why `pattern` is not an ECMAScript regular expression (tried with the `u` flag, as JSON Schema validators compile it, then without), or undefined. */
export function regexError(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return `${JSON.stringify(pattern)} is not a string`;
  for (const flags of ['u', '']) {
    try {
      new RegExp(pattern, flags);
      return undefined;
    } catch (e) {
      if (flags === '') return e instanceof Error ? e.message : String(e);
    }
  }
  return undefined;
}

const violation = (field: string, what: string): FieldViolation => ({ field, description: `${field} ${what}.` });
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
