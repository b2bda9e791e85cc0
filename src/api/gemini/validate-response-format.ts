import type { GenerationConfig } from './generation-config.js';
import type { FieldViolation } from './status.js';
import { validateJsonSchema } from './validate-json-schema.js';
import { isJsonObject, validateSchema } from './validate-schema.js';

const RESPONSE_SCHEMA = 'generation_config.response_schema';
const RESPONSE_JSON_SCHEMA = 'generation_config.response_json_schema';

/**
 * The API's rules on the schemas of structured output, for the two MIME types that read them:
 * - `application/json`: `responseJsonSchema` and `responseSchema` exclude each other ("If set,
 *   `response_schema` must be omitted", GenerationConfig.response_json_schema in
 *   generative_service.proto); a JSON Schema is an object that meets validateJsonSchema
 *   (validate-json-schema.ts: any JSON Schema Google accepts); a `responseSchema` meets
 *   {@link validateSchema}.
 * - `text/x.enum` (ai.google.dev/gemini-api/docs/structured-output#enums): `responseSchema` is a
 *   STRING with a non-empty `enum` (no other schema is read for it, so none is checked).
 * A schema with any other MIME type is refused with the model's capabilities
 * (src/convert/refuse-unsupported-features.ts: unknown, XML and YAML types, or none at all).
 */
export function validateResponseFormat(c: GenerationConfig | undefined): FieldViolation | undefined {
  if (!c) return undefined;
  if (c.responseMimeType === 'text/x.enum') return validateEnumSchema(c);
  if (c.responseMimeType !== 'application/json') return undefined;
  const json = c.responseJsonSchema ?? c._responseJsonSchema;
  if (json !== undefined && c.responseSchema !== undefined) {
    return { field: RESPONSE_JSON_SCHEMA, description: 'responseSchema and responseJsonSchema cannot both be set.' };
  }
  if (json !== undefined) {
    if (!isJsonObject(json)) return { field: RESPONSE_JSON_SCHEMA, description: 'responseJsonSchema must be a JSON Schema object.' };
    return validateJsonSchema(json, RESPONSE_JSON_SCHEMA);
  }
  return c.responseSchema ? validateSchema(c.responseSchema, RESPONSE_SCHEMA) : undefined;
}

function validateEnumSchema(c: GenerationConfig): FieldViolation | undefined {
  const s = c.responseSchema;
  // check-field-types.ts stored the type in upper case.
  if (!s || (s.type !== undefined && s.type !== 'STRING') || !s.enum || s.enum.length === 0) {
    return {
      field: RESPONSE_SCHEMA,
      description: 'responseMimeType text/x.enum needs a responseSchema of type STRING with a non-empty enum.',
    };
  }
  return undefined;
}
