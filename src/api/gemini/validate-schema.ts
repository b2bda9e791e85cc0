import type { Schema } from './schema.js';
import type { FieldViolation } from './status.js';
import { regexError } from './validate-json-schema.js';

/** `Schema`'s counts (int64 in content.proto): how many items, properties or characters. */
const COUNTS = ['minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength'] as const;

/**
 * The rules a (type-checked) `Schema` (ai.google.dev/api/caching#Schema) must meet beyond its
 * field types: its counts are not negative, its `pattern` is a regular expression (ECMAScript's,
 * as the JSON Schema it becomes reads it), and `propertyOrdering` names only properties it has.
 * `path` is the schema's proto path (e.g. `generation_config.response_schema`), the field of the
 * violation and part of its text. The walk visits the schema in the order
 * `convertGeminiSchemaToJsonSchema` maps it (items, counts, pattern, ordering, properties in their
 * output order, anyOf): a schema with several faults reports the first met in that order.
 */
export function validateSchema(s: Schema, path: string): FieldViolation | undefined {
  if (s.items !== undefined) {
    const bad = validateSchema(s.items, `${path}.items`);
    if (bad) return bad;
  }
  for (const k of COUNTS) {
    const v = s[k];
    // check-field-types.ts made it a safe integer (a number, even when sent as a string).
    if (v !== undefined && Number(v) < 0) {
      const field = `${path}.${snake(k)}`;
      return { field, description: `${field} must be a non-negative integer, got ${JSON.stringify(v)}.` };
    }
  }
  if (s.pattern !== undefined) {
    const why = regexError(s.pattern);
    if (why) return { field: `${path}.pattern`, description: `${path}.pattern is not a valid regular expression: ${why}.` };
  }
  if (s.properties !== undefined) {
    const props = s.properties;
    const order = s.propertyOrdering ?? [];
    const missing = order.find((name) => !(name in props));
    if (missing !== undefined) {
      return {
        field: `${path}.property_ordering`,
        description: `propertyOrdering names "${missing}", which is not in properties at ${path}.`,
      };
    }
    for (const name of [...order, ...Object.keys(props).filter((n) => !order.includes(n))]) {
      const bad = validateSchema(props[name], `${path}.properties[${name}]`);
      if (bad) return bad;
    }
  }
  for (const [i, alternative] of (s.anyOf ?? []).entries()) {
    const bad = validateSchema(alternative, `${path}.any_of[${i}]`);
    if (bad) return bad;
  }
  return undefined;
}

/** A JSON Schema (`responseJsonSchema`, `parametersJsonSchema`) is a JSON object; their field type, google.protobuf.Value, takes any JSON. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
