import type { GenerationConfig } from '../api/gemini/types.js';
import type { ResponseFormat } from '../core/engine.js';
import { Errors } from '../core/errors.js';
import { convertGeminiSchemaToJsonSchema } from './convert-gemini-schema-to-json-schema.js';

/** What `application/json` without a schema promises: some JSON object (Gemini's JSON mode). */
const ANY_OBJECT = { type: 'object' } as const;

/**
 * `generationConfig.responseMimeType` + `responseSchema` / `responseJsonSchema` → the engine's
 * `responseFormat`, or undefined for plain text. Assumes `refuseUnsupportedFeatures` ran
 * (the engine can do structured output, the MIME type is one it allows).
 *
 * - `application/json`: the JSON Schema given (`responseJsonSchema` as is, or `responseSchema`
 *   converted), else any JSON object.
 * - `text/x.enum` (ai.google.dev/gemini-api/docs/structured-output#enums): `responseSchema`
 *   must be a STRING with `enum`; the reply is exactly one of the values.
 */
export function convertToResponseFormat(c: GenerationConfig | undefined): ResponseFormat | undefined {
  const mime = c?.responseMimeType;
  if (!c || !mime || mime === 'text/plain') return undefined;
  if (mime === 'text/x.enum') return { type: 'enum', values: enumValues(c) };
  const json = c.responseJsonSchema ?? c._responseJsonSchema;
  if (json !== undefined && c.responseSchema !== undefined) {
    throw Errors.invalidArgument(
      'responseSchema and responseJsonSchema cannot both be set.', 'generation_config.response_json_schema');
  }
  if (json !== undefined) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw Errors.invalidArgument('responseJsonSchema must be a JSON Schema object.', 'generation_config.response_json_schema');
    }
    return { type: 'json', schema: json };
  }
  const schema = c.responseSchema ? convertGeminiSchemaToJsonSchema(c.responseSchema) : ANY_OBJECT;
  return { type: 'json', schema };
}

function enumValues(c: GenerationConfig): string[] {
  const s = c.responseSchema;
  const type = s?.type?.toUpperCase();
  if (!s || (type !== undefined && type !== 'STRING') || !s.enum || s.enum.length === 0) {
    throw Errors.invalidArgument(
      'responseMimeType text/x.enum needs a responseSchema of type STRING with a non-empty enum.',
      'generation_config.response_schema');
  }
  return [...s.enum];
}
