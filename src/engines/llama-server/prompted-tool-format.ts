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
import { rebaseJsonSchemaRefs } from '../shared/rebase-json-schema-refs.js';
import { mapResponseFormat } from './map-response-format.js';

/**
 * The `grammar` field constraining a reply: the reply schema's grammar, which carries each
 * function's parameters (patterns, bounds, `$ref`... enforced as for structured output; what
 * it cannot enforce is validated after generation, ../shared/schema-validators.ts). Each
 * function's parameters also go under the reply schema's `$defs` by name, and their own
 * references are rebased there, so `#/$defs/x` inside them still names their `$defs`.
 */
export function promptedToolsGrammar(tools: ToolOptions): { grammar: string } {
  const defs: Record<string, object> = {};
  const functions = tools.functions.map((f) => {
    if (!f.parameters) return f;
    defs[f.name] = f.parameters;
    return { ...f, parameters: rebaseJsonSchemaRefs(f.parameters, `#/$defs/${escapePointer(f.name)}`) as object };
  });
  const schema = { ...promptedReplySchema({ ...tools, functions }), $defs: defs };
  return mapResponseFormat({ type: 'json', schema }) as { grammar: string };
}

const escapePointer = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');
