import type { Schema } from '../api/gemini/types.js';
import { Errors } from '../core/errors.js';

/** A JSON Schema (draft 2020-12 keywords), as engines receive it. */
export type JsonSchema = Record<string, unknown>;

/** Gemini's `Type` enum → JSON Schema `type` (ai.google.dev/api/caching#Type). */
const TYPES: Record<string, string> = {
  STRING: 'string', NUMBER: 'number', INTEGER: 'integer', BOOLEAN: 'boolean', ARRAY: 'array', OBJECT: 'object', NULL: 'null',
};

/**
 * Gemini's OpenAPI-subset `Schema` (ai.google.dev/api/caching#Schema) → JSON Schema.
 * Keywords map one to one but for: `nullable` (→ `type: [T, 'null']`, or `anyOf` with
 * `{type:'null'}` when T is not a plain type), `propertyOrdering` (→ the order of
 * `properties`; absent, the order given, as Gemini does), int64 counts sent as strings
 * (→ numbers), `example` (→ `examples`). Throws a 400 naming the field for a value that is
 * not a schema (an unknown type, a count that is not a non-negative integer, ...).
 * `path` is the field path used in the error, e.g. `generation_config.response_schema`.
 */
export function convertGeminiSchemaToJsonSchema(schema: Schema, path = 'generation_config.response_schema'): JsonSchema {
  const out: JsonSchema = {};
  const s = schema as Schema & Record<string, unknown>;
  let type: string | undefined;
  if (s.type !== undefined && s.type.toUpperCase() !== 'TYPE_UNSPECIFIED') {
    type = TYPES[s.type.toUpperCase()];
    if (!type) throw Errors.invalidArgument(`Unknown schema type "${s.type}" at ${path}.type.`, `${path}.type`);
    out.type = type;
  }
  if (s.title !== undefined) out.title = s.title;
  if (s.description !== undefined) out.description = s.description;
  if (s.format !== undefined && s.format !== '' && s.format !== 'enum') out.format = s.format;
  if (s.enum !== undefined) out.enum = [...s.enum];
  if (s.items !== undefined) out.items = convertGeminiSchemaToJsonSchema(s.items, `${path}.items`);
  for (const k of ['minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength'] as const) {
    if (s[k] !== undefined) out[k] = count(s[k], `${path}.${snake(k)}`);
  }
  for (const k of ['minimum', 'maximum'] as const) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  if (s.pattern !== undefined) out.pattern = s.pattern;
  if (s.properties !== undefined) out.properties = orderedProperties(s, path);
  if (s.required !== undefined) out.required = [...s.required];
  if (s.anyOf !== undefined) out.anyOf = s.anyOf.map((a, i) => convertGeminiSchemaToJsonSchema(a, `${path}.any_of[${i}]`));
  if (s.example !== undefined) out.examples = [s.example];
  if (s.default !== undefined) out.default = s.default;
  if (!s.nullable) return out;
  // A plain type widens to [T, 'null']; an enum or a typeless schema needs an alternative.
  if (type && out.enum === undefined && out.anyOf === undefined) return { ...out, type: [type, 'null'] };
  return { anyOf: [out, { type: 'null' }] };
}

function orderedProperties(s: Schema, path: string): Record<string, JsonSchema> {
  const props = s.properties ?? {};
  const order = s.propertyOrdering ?? [];
  for (const name of order) {
    if (!(name in props)) {
      throw Errors.invalidArgument(
        `propertyOrdering names "${name}", which is not in properties at ${path}.`, `${path}.property_ordering`);
    }
  }
  const names = [...order, ...Object.keys(props).filter((n) => !order.includes(n))];
  return Object.fromEntries(names.map((n) => [n, convertGeminiSchemaToJsonSchema(props[n], `${path}.properties[${n}]`)]));
}

/** int64 fields arrive as JSON strings (proto3 JSON mapping) or numbers. */
function count(v: string | number, field: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw Errors.invalidArgument(`${field} must be a non-negative integer, got ${JSON.stringify(v)}.`, field);
  }
  return n;
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
