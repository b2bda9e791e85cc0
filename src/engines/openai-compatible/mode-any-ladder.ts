/**
 * The ways the openai-compatible engine asks for a function-calling mode-ANY answer, in the
 * order it tries them, and where it stands (the config's `toolChoice` bounds the ladder):
 * 1. `native`: `tools` + `tool_choice: "required"` (OpenAI's API reference, chat/create). vLLM
 *    enforces it with guided decoding; llama-server only for chat templates with a tool-call
 *    format (common/chat-auto-parser-generator.cpp) and answers in prose otherwise; Ollama does
 *    not read `tool_choice`, and refuses `tools` for models without a tool template.
 * 2. `json_schema`: the prompted tool format (../shared/prompted-tool-format.ts) under
 *    `response_format: {type: "json_schema"}`, the constraint vLLM, LM Studio, Ollama and
 *    llama-server document for structured output.
 * 3. `grammar`: the same format under llama.cpp's own `grammar` field (GBNF; tools/server/README.md),
 *    the grammar the llama-server engine sends. Needed because llama-server's chat endpoint
 *    wraps a `response_format` schema in the template's own format, which fails on templates
 *    without one ("Failed to initialize samplers: std::exception", observed with this
 *    repository's ChatML test model), while a raw grammar is applied as given.
 * A step is left when the upstream answers without a call (collect-calls-only.ts) or refuses
 * the request for its own limits (UPSTREAM_LIMITATION); the engine then stays on the next step
 * for later requests, so an upstream costs at most one wasted answer per step, once.
 */
import type { ToolChoice } from './openai-compatible-engine-descriptor.js';

/** The ways, in the order tried. */
export const MODE_ANY_WAYS = ['native', 'json_schema', 'grammar'] as const;

/** One way of asking; see the module comment. */
export type ModeAnyWay = (typeof MODE_ANY_WAYS)[number];

/** Where the engine stands on the ladder; shared by its requests. */
export class ModeAnyLadder {
  readonly #last: number;
  #step: number;

  constructor(toolChoice: ToolChoice) {
    this.#step = toolChoice === 'prompted' ? 1 : 0;
    this.#last = toolChoice === 'native' ? 0 : MODE_ANY_WAYS.length - 1;
  }

  /** The way a request starts with now. */
  get way(): ModeAnyWay {
    return MODE_ANY_WAYS[this.#step];
  }

  /** The way after `failed`, which later requests then start with; undefined at the end of the ladder. */
  climb(failed: ModeAnyWay): ModeAnyWay | undefined {
    const next = MODE_ANY_WAYS.indexOf(failed) + 1;
    if (next > this.#last) return undefined;
    this.#step = Math.max(this.#step, next);
    return MODE_ANY_WAYS[next];
  }
}
