/**
 * The prompted tool format: function calling for models and servers that cannot be trusted to
 * call tools on their own (chat templates without a tool-call format; servers that ignore
 * `tool_choice`). It is the shape llama.cpp's former "generic" JSON format used
 * (`common_chat_params_init_generic`, removed from llama.cpp's chat layer since):
 * - the functions are described in the system message (`promptedToolsSystemText`);
 * - the reply is constrained to `{"tool_calls":[{"name","arguments"}, ...]}` or, in mode
 *   `auto`, alternatively `{"response":"..."}` (`promptedReplySchema`); each call's `name` is
 *   a `const` and its `arguments` follow the function's `parameters`, so every finished call
 *   is valid. The llama-server engine enforces the schema as a GBNF grammar
 *   (llama-server/prompted-tool-format.ts), the openai-compatible engine as
 *   `response_format: json_schema` or that grammar (openai-compatible/mode-any-ladder.ts);
 * - earlier calls and responses are written into the history as the same JSON
 *   (`promptedCallsText`, `promptedResponseText`), so the model sees its own format;
 * - the reply is read back into calls by collect-prompted-tool-calls.ts.
 */
import type { FunctionSpec, MessagePart, ToolOptions } from '../../core/engine.js';
import { rebaseJsonSchemaRefs } from './rebase-json-schema-refs.js';

type FunctionCallPart = Extract<MessagePart, { type: 'function-call' }>;
type FunctionResponsePart = Extract<MessagePart, { type: 'function-response' }>;

/** The arguments schema of a function that declares none (OpenAI's "no arguments"). */
export const NO_PARAMETERS = { type: 'object', properties: {} } as const;

/** The JSON Schema of a function's arguments object. */
export function functionParameters(f: FunctionSpec): object {
  return f.parameters ?? NO_PARAMETERS;
}

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
  // Each function's parameters also go under the reply schema's `$defs` by name, with their own
  // references rebased there, so `#/$defs/x` inside them still names their `$defs` once they sit
  // inside the reply schema (a schema sent on its own must resolve every reference it holds).
  const defs: Record<string, object> = {};
  const parametersOf = (f: FunctionSpec): object => {
    if (!f.parameters) return NO_PARAMETERS;
    // Only parameters that refer into themselves need a home under `$defs`.
    if (!/"\$ref":"#/.test(JSON.stringify(f.parameters))) return f.parameters;
    defs[f.name] = f.parameters;
    return rebaseJsonSchemaRefs(f.parameters, `#/$defs/${escapePointer(f.name)}`) as object;
  };
  const call = (f: FunctionSpec) => ({
    type: 'object', properties: { name: { const: f.name }, arguments: parametersOf(f) }, required: ['name', 'arguments'],
  });
  const calls = {
    type: 'object',
    properties: { tool_calls: { type: 'array', minItems: 1, items: tools.functions.length === 1 ? call(tools.functions[0]) : { anyOf: tools.functions.map(call) } } },
    required: ['tool_calls'],
  };
  const reply = tools.mode === 'any' ? calls : { anyOf: [calls, { type: 'object', properties: { response: { type: 'string' } }, required: ['response'] }] };
  return Object.keys(defs).length ? { ...reply, $defs: defs } : reply;
}

/** A function name as a JSON Pointer token (RFC 6901: `~` → `~0`, `/` → `~1`). */
const escapePointer = (name: string) => name.replace(/~/g, '~0').replace(/\//g, '~1');

/** A model turn's calls, written as the reply that made them. */
export function promptedCallsText(calls: readonly FunctionCallPart[]): string {
  return JSON.stringify({ tool_calls: calls.map((c) => ({ name: c.name, arguments: c.args })) });
}

/** A function's result, as the user turn hands it back. */
export function promptedResponseText(r: FunctionResponsePart): string {
  return JSON.stringify({ tool_response: { name: r.name, response: r.response } });
}
