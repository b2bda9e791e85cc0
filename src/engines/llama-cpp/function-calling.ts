import { LlamaText, type ChatModelFunctions, type ChatWrapper } from 'node-llama-cpp';
import type { ToolOptions } from '../../core/engine.js';
import { convertJsonSchemaToGbnfSchema } from '../shared/convert-json-schema-to-gbnf-schema.js';

/**
 * The engine's functions → node-llama-cpp's. LlamaChat documents them in the prompt in the
 * chat wrapper's tool format (the model's own where node-llama-cpp knows it, e.g. Qwen's
 * `<tool_call>`, else its generic `||call: name(params)`) and, once the model starts a call,
 * constrains the name and the parameters by grammar, so every call's arguments validate.
 * A schema the grammar cannot enforce is a 400 naming the keyword (as for structured output).
 */
export function toChatModelFunctions(tools: ToolOptions): ChatModelFunctions {
  const functions: Record<string, { description?: string; params?: ReturnType<typeof convertJsonSchemaToGbnfSchema> }> = {};
  for (const f of tools.functions) {
    functions[f.name] = {
      ...(f.description ? { description: f.description } : {}),
      ...(f.parameters ? { params: convertJsonSchemaToGbnfSchema(f.parameters, `${f.name}.parameters`) } : {}),
    };
  }
  return functions as ChatModelFunctions;
}

/**
 * A view of `base` that can force a function call (Gemini's mode ANY): with `forced` on, the
 * context ends with the wrapper's call prefix and tells LlamaChat the call is "initially
 * engaged" (`ChatWrapperGeneratedInitiallyEngagedFunctionsContextState`, the mechanism
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
        if (prop === 'generateContextState') {
          return (opts: Parameters<ChatWrapper['generateContextState']>[0]) =>
            self.forced ? forcedContextState(target, opts) : target.generateContextState(opts);
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  }
}

/** The context state of `base` with a function call forced open at the end of the prompt. */
export function forcedContextState(base: ChatWrapper, opts: Parameters<ChatWrapper['generateContextState']>[0]): ReturnType<ChatWrapper['generateContextState']> {
  const state = base.generateContextState(opts);
  return {
    contextText: LlamaText([state.contextText, base.settings.functions.call.prefix]),
    stopGenerationTriggers: state.stopGenerationTriggers,
    ...(state.ignoreStartText ? { ignoreStartText: state.ignoreStartText } : {}),
    functionCall: { initiallyEngaged: true, disengageInitiallyEngaged: [] },
  };
}
