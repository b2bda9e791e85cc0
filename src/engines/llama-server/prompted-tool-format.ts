/**
 * Function calling for chat templates without a tool-call format (our ChatML test models, many
 * base and older chat models). llama.cpp's chat layer of this release only calls tools when
 * it recognises the template's own format (common/chat-auto-parser-generator.cpp: no format,
 * no grammar, and the `tools` are silently left out of the prompt); its older "generic" JSON
 * fallback (`common_chat_params_init_generic`) is gone. So the engine does that fallback itself,
 * in the prompted tool format (../shared/prompted-tool-format.ts: the functions described in
 * the system message, the reply's JSON Schema, the history written in the same JSON), the
 * reply constrained with a GBNF grammar: the same JSON Schema → grammar path as structured
 * output (map-response-format.ts), sent as `grammar`.
 */
import type { ToolOptions } from '../../core/engine.js';
import { promptedReplySchema } from '../shared/prompted-tool-format.js';
import { mapResponseFormat } from './map-response-format.js';

/**
 * The `grammar` field constraining a reply: the reply schema's grammar, which carries each
 * function's parameters (patterns, bounds, `$ref`... enforced as for structured output; what
 * it cannot enforce is validated after generation, ../shared/schema-validators.ts).
 */
export function promptedToolsGrammar(tools: ToolOptions): { grammar: string } {
  return mapResponseFormat({ type: 'json', schema: promptedReplySchema(tools) }) as { grammar: string };
}
