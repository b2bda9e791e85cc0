import type { Schema, SchemaType } from '../api/gemini/types.js';

/** A JSON Schema (draft 2020-12 keywords), as engines receive it. */
export type JsonSchema = Record<string, unknown>;

/** Gemini's `Type` enum → JSON Schema `type` (ai.google.dev/api/caching#Type). */
const TYPES: Record<Exclude<SchemaType, 'TYPE_UNSPECIFIED'>, string> = {
  STRING: 'string', NUMBER: 'number', INTEGER: 'integer', BOOLEAN: 'boolean', ARRAY: 'array', OBJECT: 'object', NULL: 'null',
};

/**
 * Gemini's OpenAPI-subset `Schema` (ai.google.dev/api/caching#Schema) → JSON Schema.
 * Keywords map one to one but for: `nullable` (→ `type: [T, 'null']`, or `anyOf` with
 * `{type:'null'}` when T is not a plain type), `propertyOrdering` (→ the order of
 * `properties`; absent, the order given, as Gemini does), int64 counts sent as strings
 * (→ numbers), `example` (→ `examples`), the `enum` of a NUMBER or INTEGER (strings on the wire,
 * e.g. `{type: INTEGER, format: enum, enum: ["101", "201"]}` in the Schema reference) → numbers
 * when every value reads as one. The schema is a validated one: its `type` one of the
 * enum's (check-field-types.ts), its counts non-negative and its ordering naming its properties
 * (src/api/gemini/validate-schema.ts).
 */
export function convertGeminiSchemaToJsonSchema(schema: Schema): JsonSchema {
  const out: JsonSchema = {};
  const s = schema as Schema & Record<string, unknown>;
  const upper = s.type?.toUpperCase();
  const type = upper !== undefined && upper !== 'TYPE_UNSPECIFIED' ? TYPES[upper as keyof typeof TYPES] : undefined;
  if (type) out.type = type;
  if (s.title !== undefined) out.title = s.title;
  if (s.description !== undefined) out.description = s.description;
  if (s.format !== undefined && s.format !== '' && s.format !== 'enum') out.format = s.format;
  if (s.enum !== undefined) out.enum = numericEnum(type, s.enum) ?? [...s.enum];
  if (s.items !== undefined) out.items = convertGeminiSchemaToJsonSchema(s.items);
  for (const k of ['minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength'] as const) {
    if (s[k] !== undefined) out[k] = Number(s[k]);
  }
  for (const k of ['minimum', 'maximum'] as const) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  if (s.pattern !== undefined) out.pattern = s.pattern;
  if (s.properties !== undefined) out.properties = orderedProperties(s);
  if (s.required !== undefined) out.required = [...s.required];
  if (s.anyOf !== undefined) out.anyOf = s.anyOf.map((a) => convertGeminiSchemaToJsonSchema(a));
  if (s.example !== undefined) out.examples = [s.example];
  if (s.default !== undefined) out.default = s.default;
  if (!s.nullable) return out;
  // A plain type widens to [T, 'null']; an enum or a typeless schema needs an alternative.
  if (type && out.enum === undefined && out.anyOf === undefined) return { ...out, type: [type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

function orderedProperties(s: Schema): Record<string, JsonSchema> {
  const props = s.properties ?? {};
  const order = s.propertyOrdering ?? [];
  const names = [...order, ...Object.keys(props).filter((n) => !order.includes(n))];
  return Object.fromEntries(names.map((n) => [n, convertGeminiSchemaToJsonSchema(props[n])]));
}

/** `values` as numbers when `type` is numeric and each one is a number (an integer for `integer`), else undefined. */
function numericEnum(type: string | undefined, values: readonly string[]): number[] | undefined {
  if (type !== 'number' && type !== 'integer') return undefined;
  const numbers = values.map((v) => (/^\s*-?[0-9]/.test(v) ? Number(v) : NaN));
  const ok = numbers.every((n) => Number.isFinite(n) && (type === 'number' || Number.isInteger(n)));
  return ok ? numbers : undefined;
}
