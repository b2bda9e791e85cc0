/**
 * Function calling for chat templates without a tool-call format (our ChatML test models, many
 * base and older chat models). llama.cpp's chat layer of this release only calls tools when
 * it recognises the template's own format (common/chat-auto-parser-generator.cpp: no format,
 * no grammar, and the `tools` are silently left out of the prompt); its older "generic" JSON
 * fallback (`common_chat_params_init_generic`) is gone. So the engine does that fallback itself:
 * - the functions are described in the system message (`promptedToolsSystemText`);
 * - the reply is constrained with a GBNF grammar (the same JSON Schema → grammar path as
 *   structured output, map-response-format.ts) to `{"tool_calls":[{"name","arguments"}, ...]}`,
 *   or, in mode `auto`, alternatively `{"response":"..."}` — the shape llama.cpp's generic
 *   format used; each call's `name` is a `const` and its `arguments` follow the function's
 *   `parameters`, so every finished call is valid;
 * - earlier calls and responses are written into the history as the same JSON
 *   (`promptedCallsText`, `promptedResponseText`), so the model sees its own format.
 */
import type { FunctionSpec, MessagePart, ToolOptions } from '../../core/engine.js';
import { Errors, isGemserveError } from '../../core/errors.js';
import { functionParameters } from './convert-to-openai-tools.js';
import { mapResponseFormat } from './map-response-format.js';

type FunctionCallPart = Extract<MessagePart, { type: 'function-call' }>;
type FunctionResponsePart = Extract<MessagePart, { type: 'function-response' }>;

/** The instructions that go into the system message. */
export function promptedToolsSystemText(tools: ToolOptions): string {
  const list = tools.functions.map((f) => ({
    name: f.name, ...(f.description ? { description: f.description } : {}), parameters: functionParameters(f),
  }));
  const lines = [
    'You can call these functions (each with a JSON Schema of its arguments):',
    JSON.stringify(list),
    'To call functions, reply with only this JSON: {"tool_calls":[{"name":"<function name>","arguments":{<its arguments>}}]}',
  ];
  if (tools.mode === 'auto') lines.push('To answer without calling a function, reply with only this JSON: {"response":"<your answer>"}');
  return lines.join('\n');
}

/** The JSON Schema of a reply (see the module comment). */
export function promptedReplySchema(tools: ToolOptions): object {
  const call = (f: FunctionSpec) => ({ type: 'object', properties: { name: { const: f.name }, arguments: functionParameters(f) } });
  const calls = {
    type: 'object',
    properties: { tool_calls: { type: 'array', minItems: 1, items: tools.functions.length === 1 ? call(tools.functions[0]) : { anyOf: tools.functions.map(call) } } },
  };
  if (tools.mode === 'any') return calls;
  return { anyOf: [calls, { type: 'object', properties: { response: { type: 'string' } } }] };
}

/**
 * The `grammar` field constraining a reply. A parameters schema the grammar cannot enforce is
 * the client's 400, naming the function (the schema converter's message speaks of the
 * response schema, which it was written for).
 */
export function promptedToolsGrammar(tools: ToolOptions): { grammar: string } {
  for (const f of tools.functions) {
    try {
      mapResponseFormat({ type: 'json', schema: functionParameters(f) });
    } catch (e) {
      if (!isGemserveError(e) || e.httpStatus !== 400) throw e;
      throw Errors.invalidArgument(e.message.replace(/^The response schema/, `The parameters of function ${f.name}`), 'tools');
    }
  }
  return mapResponseFormat({ type: 'json', schema: promptedReplySchema(tools) }) as { grammar: string };
}

/** A model turn's calls, written as the reply that made them. */
export function promptedCallsText(calls: readonly FunctionCallPart[]): string {
  return JSON.stringify({ tool_calls: calls.map((c) => ({ name: c.name, arguments: c.args })) });
}

/** A function's result, as the user turn hands it back. */
export function promptedResponseText(r: FunctionResponsePart): string {
  return JSON.stringify({ tool_response: { name: r.name, response: r.response } });
}
