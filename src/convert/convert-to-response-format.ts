import { lowercaseJsonSchemaTypes } from './lowercase-json-schema-types.js';
import type { GenerationConfig } from '../api/gemini/types.js';
import type { ResponseFormat } from '../core/engine.js';
import { convertGeminiSchemaToJsonSchema, type JsonSchema } from './convert-gemini-schema-to-json-schema.js';

/** What `application/json` without a schema promises: some JSON object (Gemini's JSON mode). */
const ANY_OBJECT = { type: 'object' } as const;

/**
 * `generationConfig.responseMimeType` + `responseSchema` / `responseJsonSchema` → the engine's
 * `responseFormat`, or undefined for plain text. Assumes the request was validated (its schemas:
 * src/api/gemini/validate-response-format.ts) and `refuseUnsupportedFeatures` ran (the engine
 * can do structured output, the MIME type is one it allows).
 *
 * - `application/json`: the JSON Schema given (`responseJsonSchema` as is, or `responseSchema`
 *   converted), else any JSON object.
 * - `text/x.enum` (ai.google.dev/gemini-api/docs/structured-output#enums): the reply is exactly
 *   one of the values of `responseSchema.enum`.
 */
export function convertToResponseFormat(c: GenerationConfig | undefined): ResponseFormat | undefined {
  const mime = c?.responseMimeType;
  if (!c || !mime || mime === 'text/plain') return undefined;
  if (mime === 'text/x.enum') return { type: 'enum', values: [...(c.responseSchema?.enum ?? [])] };
  const json = c.responseJsonSchema ?? c._responseJsonSchema;
  if (json !== undefined) return { type: 'json', schema: lowercaseJsonSchemaTypes(json) as JsonSchema };
  const schema = c.responseSchema ? convertGeminiSchemaToJsonSchema(c.responseSchema) : ANY_OBJECT;
  return { type: 'json', schema };
}
