import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { ResponseFormat } from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import { convertJsonSchemaToGbnfSchema } from '../shared/convert-json-schema-to-gbnf-schema.js';

/**
 * node-llama-cpp's JSON Schema → GBNF writer, the one behind `LlamaJsonSchemaGrammar`
 * (dist/evaluator/LlamaJsonSchemaGrammar.js). It is pure JavaScript but not in the package's
 * exports map, so it is loaded by file from beside the package entry point.
 */
const { getGbnfGrammarForGbnfJsonSchema } = await import(
  new URL('./utils/gbnfJson/getGbnfGrammarForGbnfJsonSchema.js', import.meta.resolve('node-llama-cpp')).href
) as { getGbnfGrammarForGbnfJsonSchema: (schema: Readonly<GbnfJsonSchema>) => string };

/**
 * The tail node-llama-cpp appends to the root rule (four newlines, then any): it ends generation
 * with a stop trigger on those newlines. Removed, the grammar completes with the JSON value, so
 * llama.cpp only lets the model end its turn there.
 */
const NEWLINES_TAIL = ` "${'\\n'.repeat(4)}" [\\n]*`;

/**
 * `GenerateInput.responseFormat` → the fields of a llama-server `/v1/chat/completions` body
 * that constrain decoding (tools/server/server-common.cpp reads `json_schema` and `grammar`).
 * - JSON: the same GBNF grammar the embedded engine uses (its schema converter, then
 *   node-llama-cpp's grammar writer), sent as `grammar`. So both engines accept and refuse the
 *   same keywords, with the same 400 before any generation. Not `json_schema`: in the chat
 *   endpoint llama.cpp wraps the schema's grammar in the chat format's own (generation prompt,
 *   optional ```json fences), which fails to initialise on plain templates ("Failed to
 *   initialize samplers") and would let fences into the reply.
 * - Enum: a GBNF alternation of the values as literals (a JSON string literal is a valid GBNF
 *   literal), so the reply is exactly one value, unquoted — as the embedded engine does.
 */
export function mapResponseFormat(format: ResponseFormat | undefined): Record<string, unknown> {
  if (!format) return {};
  if (format.type === 'enum') {
    return { grammar: `root ::= ${format.values.map((v) => JSON.stringify(v)).join(' | ')}\n` };
  }
  // Throws the 400 naming a keyword the grammar cannot enforce.
  const gbnf = getGbnfGrammarForGbnfJsonSchema(convertJsonSchemaToGbnfSchema(format.schema));
  // Loud, not silent, if a node-llama-cpp release writes the grammar differently.
  if (!gbnf.includes(NEWLINES_TAIL)) throw Errors.internal(new Error('node-llama-cpp JSON grammar has no trailing-newlines rule to strip'));
  return { grammar: gbnf.replace(NEWLINES_TAIL, '') };
}
