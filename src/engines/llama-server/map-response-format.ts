import type { ResponseFormat } from '../../core/engine.js';
import { convertJsonSchemaToGbnf } from '../shared/convert-json-schema-to-gbnf.js';

/**
 * `GenerateInput.responseFormat` → the fields of a llama-server `/v1/chat/completions` body
 * that constrain decoding (tools/server/README.md: `grammar`, `json_schema`).
 * - JSON: the GBNF grammar the embedded engine uses (convert-json-schema-to-gbnf.ts, after
 *   llama.cpp's own converter), sent as `grammar`. So both engines write and validate the
 *   same way, and no schema is refused. Not `json_schema`: in the chat endpoint llama.cpp
 *   wraps the schema's grammar in the chat format's own (generation prompt, optional ```json
 *   fences), which fails to initialise on plain templates ("Failed to initialize samplers")
 *   and would let fences into the reply.
 * - Enum: a GBNF alternation of the values as literals (a JSON string literal is a valid GBNF
 *   literal), so the reply is exactly one value, unquoted — as the embedded engine does.
 * Either grammar ends with the value, so llama.cpp only lets the model end its turn there.
 */
export function mapResponseFormat(format: ResponseFormat | undefined): Record<string, unknown> {
  if (!format) return {};
  if (format.type === 'enum') {
    return { grammar: `root ::= ${format.values.map((v) => JSON.stringify(v)).join(' | ')}\n` };
  }
  return { grammar: convertJsonSchemaToGbnf(format.schema).gbnf };
}

