import type { NumberBounds } from './number-range-gbnf.js';

/** The JSON Schema keywords gemserve's grammar reads, and small readers of their values (convert-json-schema-to-gbnf.ts). */

export type Json = Record<string, unknown>;

/**
 * JSON Schema keywords that constrain a value (json-schema.org/draft/2020-12 core §10 and
 * validation §6, draft-07's `additionalItems`/`dependencies`, OpenAPI's `nullable`). One the
 * grammar does not enforce where it appears is listed in `unenforced`; other keywords
 * (annotations: title, description, default, examples, ...) change nothing.
 */
export const ASSERTIONS = new Set([
  '$ref', '$dynamicRef', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'dependencies',
  'prefixItems', 'items', 'additionalItems', 'contains', 'properties', 'patternProperties', 'additionalProperties',
  'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'type', 'enum', 'const', 'multipleOf', 'maximum',
  'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems',
  'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required', 'dependentRequired',
  'format', 'nullable',
]);
/**
 * Formats a validator checks (ajv-formats, compile-json-schema-validator.ts); any other `format`
 * is an annotation, as Gemini's Schema says most formats are ("Any value is allowed, but most
 * do not trigger any special functionality", ai.google.dev/api/caching#Schema).
 */
export const VALIDATED_STRING_FORMATS = new Set([
  'date', 'time', 'date-time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url',
  'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment', 'relative-json-pointer', 'byte',
]);
export const INT32 = { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 };
export const BOUNDS = ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'] as const;
/** |x| of an integral part of at most 16 digits (integer-range-gbnf.ts): bounds beyond say nothing more. */
export const DIGIT_LIMIT = 1e16;
/** The types of value a keyword constrains (`format`: strings and numbers, per ajv-formats). */
export const KEYWORD_TYPES: Record<string, string[]> = Object.fromEntries([
  ...['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].map((k) => [k, ['number', 'integer']]),
  ...['pattern', 'minLength', 'maxLength'].map((k) => [k, ['string']]),
  ...['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', 'patternProperties', 'propertyNames',
    'dependentRequired', 'dependentSchemas', 'dependencies', 'unevaluatedProperties'].map((k) => [k, ['object']]),
  ...['items', 'prefixItems', 'additionalItems', 'minItems', 'maxItems', 'uniqueItems', 'contains', 'minContains', 'maxContains',
    'unevaluatedItems'].map((k) => [k, ['array']]),
  ['format', ['string', 'number', 'integer']],
]);
/** The numeric bounds of `s`, with draft-04's boolean `exclusiveMinimum`/`exclusiveMaximum` read as draft 6+'s numbers. */
export function numericBounds(s: Json, handled: Set<string>): NumberBounds {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const b: NumberBounds = {};
  if (s.exclusiveMinimum === true && num(s.minimum) !== undefined) b.exclusiveMinimum = num(s.minimum);
  else {
    b.minimum = num(s.minimum);
    b.exclusiveMinimum = num(s.exclusiveMinimum);
  }
  if (s.exclusiveMaximum === true && num(s.maximum) !== undefined) b.exclusiveMaximum = num(s.maximum);
  else {
    b.maximum = num(s.maximum);
    b.exclusiveMaximum = num(s.exclusiveMaximum);
  }
  for (const k of BOUNDS) handled.add(k);
  return b;
}

/** The type a schema without `type` is about, from its keywords (a narrower grammar is still sound). */
export function inferType(s: Json): string | undefined {
  if (['properties', 'additionalProperties', 'required', 'minProperties', 'maxProperties', 'propertyOrdering'].some((k) => k in s)) return 'object';
  if (['items', 'prefixItems', 'minItems', 'maxItems'].some((k) => k in s)) return 'array';
  if (['pattern', 'minLength', 'maxLength', 'format'].some((k) => k in s)) return 'string';
  if (['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'].some((k) => k in s)) return 'number';
  return undefined;
}

/** Whether a schema mentions `$ref` anywhere inside. */
export function hasRef(schema: unknown): boolean {
  return JSON.stringify(schema ?? null).includes('"$ref"');
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** A count (a non-negative integer; int64 counts may arrive as strings, as Gemini's Schema sends them). */
export const count = (v: unknown) => {
  const n = typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
};
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const omit = (s: Json, keys: string[]) => Object.fromEntries(Object.entries(s).filter(([k]) => !keys.includes(k)));
/** Whether a schema says anything about the value (an assertion, or the ordering gemserve honours). */
export const constrains = (s: Json) => Object.keys(s).some((k) => ASSERTIONS.has(k) || k === 'propertyOrdering');
export const escapePointer = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
