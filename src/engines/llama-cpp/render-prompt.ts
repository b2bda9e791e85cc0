import type { ChatHistoryItem, ChatModelFunctions, ChatWrapper, LlamaText, Token, Tokenizer } from 'node-llama-cpp';
import { Errors } from '../../core/errors.js';
import { promptTooLong as sharedPromptTooLong } from '../shared/prompt-too-long.js';
import { withOpenModelReply } from './convert-to-chat-history.js';
import { functionContextState } from './function-calling.js';

/** Functions offered in a prompt, and whether a call is forced (mode ANY). */
export interface PromptFunctions {
  functions: ChatModelFunctions;
  forced: boolean;
}

/**
 * The prompt LlamaChat evaluates for `history`, as text: the chat wrapper's context text for the
 * history plus the open model reply — exactly what `getContextWindow` in node-llama-cpp's
 * LlamaChat.js tokenizes (with the functions documented as LlamaChat documents them, through the
 * same `functionContextState`, `documentFunctionParams` on, and a forced call's prefix; no
 * context shift: the engine refuses prompts that do not fit, see `maxPromptTokens`).
 * `countTokens` and the `prompt` event both tokenize this, so they cannot disagree.
 *
 * A Jinja template may refuse a conversation (e.g. "roles must alternate"): that is the
 * request's fault, so it becomes INVALID_ARGUMENT.
 */
export function renderPromptText(chatWrapper: ChatWrapper, history: readonly ChatHistoryItem[], tools?: PromptFunctions): LlamaText {
  let state;
  try {
    const opts = {
      chatHistory: withOpenModelReply(history),
      ...(tools ? { availableFunctions: tools.functions, documentFunctionParams: true } : {}),
    };
    state = functionContextState(chatWrapper, opts, tools?.forced ?? false);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw Errors.invalidArgument(`The model's chat template cannot render these contents: ${why}`, 'contents');
  }
  return state.contextText;
}

/** The prompt tokens LlamaChat evaluates for `history` ({@link renderPromptText} tokenized here, on this thread). */
export function renderPromptTokens(
  chatWrapper: ChatWrapper, tokenizer: Tokenizer, history: readonly ChatHistoryItem[], tools?: PromptFunctions,
): Token[] {
  return renderPromptText(chatWrapper, history, tools).tokenize(tokenizer);
}

/** Characters in `text`'s strings (its special tokens left out): how much tokenizing it costs. */
export function promptTextLength(text: LlamaText): number {
  let n = 0;
  for (const v of text.values) n += typeof v === 'string' ? v.length : v.value.length;
  return n;
}

/**
 * The longest prompt a sequence of `contextSize` tokens accepts. LlamaChat keeps a prompt
 * whole only while `tokens + 1 < contextSize` (`minFreeContextTokens: 1` in LlamaChat.js);
 * anything longer it would silently shorten by dropping history, which Gemini never does.
 */
export function maxPromptTokens(contextSize: number): number {
  return contextSize - 2;
}

/**
 * How many tokens may be generated after a prompt of `promptTokens`: LlamaChat shifts the
 * context (erasing history) once `nextTokenIndex >= contextSize - 1`, but checks maxTokens
 * first; with this cap the last generated token is never evaluated, so that never happens
 * and the reply ends with 'max-tokens' instead (measured: P + cap - 1 = contextSize - 1).
 */
export function maxGeneratedTokens(contextSize: number, promptTokens: number): number {
  return Math.max(0, contextSize - promptTokens);
}

/** Google's wording for an input over the limit (GenerateContent with too many tokens). */
export function promptTooLong(promptTokens: number, contextSize: number) {
  return sharedPromptTooLong(promptTokens, maxPromptTokens(contextSize));
}
