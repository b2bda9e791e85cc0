import {
  LlamaText, QwenChatWrapper, SpecialTokensText, type ChatHistoryItem, type ChatModelSegment, type ChatWrapper,
  type LLamaChatGenerateResponseOptions,
} from 'node-llama-cpp';
import type { ThinkingOptions } from '../../core/engine.js';
import { withOpenModelReply } from './convert-to-chat-history.js';
import { hasThoughtFormat } from './thinking-chat-wrapper.js';

/** How one request's reply starts, for a chat wrapper readied by `prepareThinkingChatWrapper`. */
export interface ThinkingReply {
  /** The history LlamaChat generates from. */
  history: ChatHistoryItem[];
  /**
   * The history as LlamaChat evaluates it, to count prompt tokens from: when thinking, with the
   * thought LlamaChat opens (its prefix, e.g. `<think>\n`, is prompt, not generated output).
   */
  promptHistory: ChatHistoryItem[];
  /** LlamaChat's segment budgets; absent when the wrapper has no thought format. */
  budgets?: LLamaChatGenerateResponseOptions['budgets'];
}

/**
 * Makes the model think exactly when asked, for a wrapper with a thought format (others get
 * the history unchanged, and `thinking` is ignored: such engines do not offer it):
 * - thinking (`thinking` present, budget not 0, and a fresh reply): the reply is left empty, so
 *   LlamaChat opens the thought (`<think>\n`; a small model rarely opens one itself), and
 *   `budgets.thoughtTokens` = the budget, on which LlamaChat closes it (`handleBudgetTriggers`
 *   in LlamaChat.js). `dynamic` is unbounded (Infinity): maxTokens still bounds thoughts and
 *   answer together, as Gemini's maxOutputTokens does.
 * - otherwise: a closed empty thought is prefilled, which is what Qwen3's template renders with
 *   `enable_thinking=false` (`<think>\n\n</think>\n\n`), and the thought budget is 0, so a
 *   thought the model opens anyway is closed at once. A model turn being continued already has
 *   its answer started, so it never thinks.
 * `countTokens` gets the same `thinking` (the request's, or the model's default), so it counts
 * the prompt the generation evaluates.
 */
export function prefillThinkingReply(
  wrapper: ChatWrapper, history: readonly ChatHistoryItem[], thinking?: ThinkingOptions,
): ThinkingReply {
  if (!hasThoughtFormat(wrapper)) return { history: [...history], promptHistory: [...history] };
  const open = withOpenModelReply(history);
  const reply = open.at(-1);
  if (reply?.type !== 'model') return { history: open, promptHistory: open };
  if (thinking !== undefined && thinking.budget !== 0 && reply.response.length === 0) {
    const thought: ChatModelSegment = { type: 'segment', segmentType: 'thought', text: '', ended: false };
    return {
      history: open,
      promptHistory: [...open.slice(0, -1), { ...reply, response: [thought] }],
      budgets: { thoughtTokens: thinking.budget === 'dynamic' ? Infinity : thinking.budget },
    };
  }
  const prefilled: ChatHistoryItem[] = [...open.slice(0, -1), { ...reply, response: [closedEmptyThought(wrapper), ...reply.response] }];
  return { history: prefilled, promptHistory: prefilled, budgets: { thoughtTokens: 0 } };
}

/**
 * An empty, ended thought. Rendered as the wrapper's prefix + suffix, which for a Qwen3 Jinja
 * template is `<think>\n` + `\n</think>\n\n`; QwenChatWrapper's suffix lacks the trailing
 * blank line, so it gets the raw text its own `thoughts: "discourage"` option inserts
 * (`discourageThoughtsInModelResponse` in QwenChatWrapper.js).
 */
function closedEmptyThought(wrapper: ChatWrapper): ChatModelSegment {
  const segment: ChatModelSegment = { type: 'segment', segmentType: 'thought', text: '', ended: true };
  if (!(wrapper instanceof QwenChatWrapper)) return segment;
  return { ...segment, raw: LlamaText(new SpecialTokensText('<think>\n\n</think>\n\n')).toJSON() };
}
