import type { ChatWrapper, ChatWrapperSettings } from 'node-llama-cpp';

/**
 * Whether a chat wrapper knows its model's thought format (e.g. Qwen3's `<think>…</think>`):
 * node-llama-cpp then splits thoughts into `thought` segments and can close them on a budget.
 * Built-in wrappers declare it (QwenChatWrapper, DeepSeekChatWrapper, ...); a
 * JinjaTemplateChatWrapper finds it in the template (extractSegmentSettingsFromTokenizerAndChatTemplate.js).
 */
export function hasThoughtFormat(wrapper: ChatWrapper): boolean {
  return wrapper.settings.segments?.thought?.prefix != null;
}

/**
 * Readies a resolved chat wrapper for engine-controlled thinking by marking its thought format
 * `openOnResponseStart`. The engine then decides per request (prefill-thinking-reply.ts):
 * - to think, it leaves the reply empty and LlamaChat opens the thought itself
 *   (`onModelResponseStartShouldOpenThoughtSegment` in LlamaChat.js). Only a thought LlamaChat
 *   opened is subject to `budgets.thoughtTokens`: segments already in the reply are "owned"
 *   and never closed on a budget (`SegmentHandler.getOpenSegmentStack`).
 * - not to think, it prefills a closed empty thought, and a non-empty reply is never opened.
 * For a JinjaTemplateChatWrapper the flag has a second, needed effect: Qwen3's template renders
 * the last assistant message as `<think>\n{reasoning}\n</think>\n\n{content}`, so with the
 * wrapper's own segment in `{content}` the prompt would hold two think blocks; the wrapper drops
 * the template's empty block exactly when the thought opens on response start ("remove empty
 * thinking blocks added by the template", JinjaTemplateChatWrapper.js `_generateContextText`).
 */
export function prepareThinkingChatWrapper(wrapper: ChatWrapper): ChatWrapper {
  const thought = wrapper.settings.segments?.thought;
  if (thought == null || thought.openOnResponseStart) return wrapper;
  const settings: ChatWrapperSettings = {
    ...wrapper.settings,
    segments: { ...wrapper.settings.segments, thought: { ...thought, openOnResponseStart: true } },
  };
  // `settings` is read-only in the type only; the wrapper and LlamaChat read it on every render.
  (wrapper as { settings: ChatWrapperSettings }).settings = settings;
  return wrapper;
}
