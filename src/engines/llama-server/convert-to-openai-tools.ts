/**
 * `GenerateInput.tools` → the tool fields of a llama-server `/v1/chat/completions` body, for
 * chat templates with a tool-call format of their own (tools/server/README.md, "tools";
 * server-common.cpp `oaicompat_chat_params_parse` reads `tools`, `tool_choice` and
 * `parallel_tool_calls`; they need `--jinja`, which llama-server-args.ts always passes).
 *
 * - Each function becomes `{type:'function', function:{name, description, parameters}}`; a
 *   function without `parameters` takes an empty object (OpenAI's "no arguments").
 * - mode `auto` → `tool_choice: 'auto'` (text or calls); `any` → `'required'` (calls only:
 *   llama.cpp's grammar then starts at the first call instead of waiting for its trigger).
 * - `parallel_tool_calls: true`: Gemini lets a model answer with several calls at once.
 */
import type { ToolOptions } from '../../core/engine.js';
import { functionParameters } from '../shared/prompted-tool-format.js';

/** A function as OpenAI's `tools` lists it. */
export interface OpenAiTool {
  type: 'function';
  function: { name: string; description?: string; parameters: object };
}

/** The tool fields of a request body. */
export interface OpenAiToolFields {
  tools: OpenAiTool[];
  tool_choice: 'auto' | 'required';
  parallel_tool_calls: boolean;
}

/** Converts the tool options; see the module comment. */
export function convertToOpenAiTools(tools: ToolOptions): OpenAiToolFields {
  return {
    tools: tools.functions.map((f) => ({
      type: 'function',
      function: { name: f.name, ...(f.description ? { description: f.description } : {}), parameters: functionParameters(f) },
    })),
    tool_choice: tools.mode === 'any' ? 'required' : 'auto',
    parallel_tool_calls: true,
  };
}
