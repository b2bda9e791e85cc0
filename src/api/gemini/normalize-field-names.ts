import { MAX_NESTING, messageOf, messageSpec, type FieldSpec, type MessageSpec, type RootMessage } from './request-schema.js';

/**
 * Renames the snake_case (proto) spellings of known message fields to their lowerCamelCase
 * JSON names, in place: `generation_config` → `generationConfig`, `inline_data.mime_type` →
 * `inlineData.mimeType`, and so on at every depth.
 *
 * Proto3 JSON parsers must accept both spellings (developers.google.com/protocol-buffers/docs/proto3#json:
 * "Parsers accept both the lowerCamelCase name and the proto field name"), and hand-written
 * clients commonly send snake_case (`"system_instruction"` beside `"generationConfig"` is a frequent
 * mix in public code that calls the REST API directly).
 *
 * Schema-aware on purpose: only keys that are fields of the message at hand are renamed.
 * User data is left byte-for-byte alone — `functionCall.args`, `functionResponse.response`,
 * the keys of `Schema.properties`, `parametersJsonSchema`, `responseJsonSchema`, `example`,
 * `default` — because a blind recursive rename would corrupt a tool argument called `user_id`.
 * Unknown keys are kept as they are (`find-unknown-fields.ts` finds them).
 *
 * When both spellings are present the camelCase one wins and the snake one is dropped.
 */
export function normalizeFieldNames(body: Record<string, unknown>, root: RootMessage): void {
  normalizeMessage(body, messageSpec(root), 0);
}

function normalizeMessage(obj: Record<string, unknown>, spec: MessageSpec, depth: number): void {
  // Past the limit the type check reports the nesting; stop here so the stack stays bounded.
  if (depth > MAX_NESTING) return;
  for (const key of Object.keys(obj)) {
    let name = key;
    if (!spec.fields.has(key)) {
      const json = spec.bySnake.get(key);
      if (json === undefined) continue;
      if (!Object.hasOwn(obj, json)) obj[json] = obj[key];
      delete obj[key];
      name = json;
    }
    descend(obj[name], spec.fields.get(name) as FieldSpec, depth);
  }
}

function descend(value: unknown, field: FieldSpec, depth: number): void {
  const spec = messageOf(field);
  if (!spec) return;
  if (field.map) {
    if (isObject(value)) for (const v of Object.values(value)) if (isObject(v)) normalizeMessage(v, spec, depth + 1);
  } else if (Array.isArray(value)) {
    for (const v of value) if (isObject(v)) normalizeMessage(v, spec, depth + 1);
  } else if (isObject(value)) {
    normalizeMessage(value, spec, depth + 1);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
