import { LlamaText, type ChatModelFunctions, type ChatWrapper } from 'node-llama-cpp';
import type { ToolOptions } from '../../core/engine.js';
import { convertJsonSchemaToGbnf } from '../shared/convert-json-schema-to-gbnf.js';
import { convertJsonSchemaToGbnfSchema } from '../shared/convert-json-schema-to-gbnf-schema.js';
import { PARAMS_GRAMMAR_PREFIX, paramsStandIn } from './function-call-params-grammar.js';

type ContextStateOptions = Parameters<ChatWrapper['generateContextState']>[0];
type ContextState = ReturnType<ChatWrapper['generateContextState']>;

/** How each set of functions LlamaChat gets is documented in the prompt (see toChatModelFunctions). */
const documentation = new WeakMap<ChatModelFunctions, ChatModelFunctions>();

/**
 * The engine's functions → node-llama-cpp's. LlamaChat documents them in the prompt in the
 * chat wrapper's tool format (the model's own where node-llama-cpp knows it, e.g. Qwen's
 * `<tool_call>`, else its generic `||call: name(params)`) and, once the model starts a call,
 * constrains the name and the parameters by grammar.
 *
 * Each function has two views: LlamaChat's `params` is a stand-in carrying gemserve's grammar
 * of the full JSON Schema (function-call-params-grammar.ts: patterns, bounds, `$ref`, ...),
 * while the prompt documents the schema as node-llama-cpp's types can say it
 * (convert-json-schema-to-gbnf-schema.ts), swapped in by {@link functionContextState}. A
 * schema is never refused; what the grammar cannot enforce is checked after generation
 * (../shared/schema-validators.ts `functionCallValidators`).
 */
export function toChatModelFunctions(tools: ToolOptions): ChatModelFunctions {
  const grammarView: Record<string, ChatModelFunctions[string]> = {};
  const docView: Record<string, ChatModelFunctions[string]> = {};
  for (const f of tools.functions) {
    const description = f.description ? { description: f.description } : {};
    if (!f.parameters) {
      grammarView[f.name] = { ...description };
      docView[f.name] = { ...description };
      continue;
    }
    const grammar = convertJsonSchemaToGbnf(f.parameters, { prefix: PARAMS_GRAMMAR_PREFIX });
    grammarView[f.name] = { ...description, params: paramsStandIn(grammar) };
    docView[f.name] = { ...description, params: convertJsonSchemaToGbnfSchema(f.parameters) };
  }
  documentation.set(grammarView, docView);
  return grammarView as ChatModelFunctions;
}

/**
 * The chat wrapper's context state for `opts`, with the functions documented from their
 * documentation view, and, when `forced`, a call forced open (see {@link forcedContextState}).
 * Everything that renders a prompt goes through here (LlamaChat through the slot's
 * {@link ForcibleChatWrapper}, counting through render-prompt.ts), so counts match.
 */
export function functionContextState(base: ChatWrapper, opts: ContextStateOptions, forced: boolean): ContextState {
  const functions = opts.availableFunctions && documentation.get(opts.availableFunctions);
  const documented = functions ? { ...opts, availableFunctions: functions } : opts;
  return forced ? forcedContextState(base, documented) : base.generateContextState(documented);
}

/**
 * A view of `base` that documents functions from their documentation view and can force a
 * function call (Gemini's mode ANY): with `forced` on, the context ends with the wrapper's call
 * prefix and tells LlamaChat the call is "initially engaged"
 * (`ChatWrapperGeneratedInitiallyEngagedFunctionsContextState`, the mechanism
 * FunctionaryChatWrapper uses), so generation starts in LlamaChat's function-name mode: the
 * grammar allows only a declared name, then only valid parameters. Each slot has its own view,
 * switched per request, since a slot serves one request at a time.
 */
export class ForcibleChatWrapper {
  forced = false;
  readonly wrapper: ChatWrapper;

  constructor(base: ChatWrapper) {
    const self = this;
    this.wrapper = new Proxy(base, {
      get(target, prop, receiver) {
        if (prop === 'generateContextState') return (opts: ContextStateOptions) => functionContextState(target, opts, self.forced);
        return Reflect.get(target, prop, receiver);
      },
    });
  }
}

/** The context state of `base` with a function call forced open at the end of the prompt. */
export function forcedContextState(base: ChatWrapper, opts: ContextStateOptions): ContextState {
  const state = base.generateContextState(opts);
  return {
    contextText: LlamaText([state.contextText, base.settings.functions.call.prefix]),
    stopGenerationTriggers: state.stopGenerationTriggers,
    ...(state.ignoreStartText ? { ignoreStartText: state.ignoreStartText } : {}),
    functionCall: { initiallyEngaged: true, disengageInitiallyEngaged: [] },
  };
}
