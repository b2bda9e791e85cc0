/**
 * The request fields a generation's options decide, beyond messages and sampling, split in two:
 * - `promptRequestFields`: what decides the prompt (the messages, tools for templates that
 *   render them, the prompted tool instructions, `enable_thinking`). Counting
 *   (`/v1/chat/completions/input_tokens`) and generating send exactly these, so the prompt
 *   count is the prompt evaluated.
 * - `decodingRequestFields`: what only shapes decoding (the prompted tool grammar, the thought
 *   budget, logprobs).
 *
 * Thinking (for templates with `thinking`, read-chat-traits.ts): `chat_template_kwargs.enable_thinking`
 * says whether to think (off when the request has no `thinking`: absent means do not think),
 * and `reasoning_format: 'deepseek'` makes llama-server parse the thought out of the reply into
 * `reasoning_content` (server-common.cpp `oaicompat_chat_params_parse`). A numeric budget is
 * `reasoning_budget_tokens`: llama.cpp's reasoning-budget sampler counts the tokens after the
 * thought's start tag and, when N are spent, forces the end tag (common/reasoning-budget.cpp);
 * `dynamic` leaves it unlimited (-1).
 *
 * A requested thought is started rather than hoped for: the reply is opened as an assistant
 * message whose thought has begun (`reasoning_content: "\n"`, continued with
 * `continue_final_message: 'reasoning_content'`, which llama.cpp renders up to the open thought:
 * common/chat.cpp `COMMON_CHAT_CONTINUATION_REASONING`), so the model thinks first whatever
 * its weights would do, and the thought's start tag is in the prompt, where the budget sampler
 * sees it. Not when the conversation already ends with a model message (that reply is
 * continued) or with tools (their grammar starts at the generation prompt).
 */
import type { GenerateInput } from '../../core/engine.js';
import { chatPromptFields, withSystemText, type ChatPromptFields, type OpenAiMessage } from './convert-to-openai-messages.js';
import { convertToOpenAiTools } from './convert-to-openai-tools.js';
import { requestedTopLogprobs } from './map-logprobs.js';
import { promptedToolsSystemText } from '../shared/prompted-tool-format.js';
import { promptedToolsGrammar } from './prompted-tool-format.js';
import type { ChatTraits } from './read-chat-traits.js';

/** The opening of a thought the reply continues (see the module comment). */
export const THOUGHT_OPENING = '\n';

/** The options of a generation these fields come from. */
export type ChatFeatures = Pick<GenerateInput, 'tools' | 'thinking' | 'logprobs'>;

/** The fields that decide the prompt; see the module comment. */
export function promptRequestFields(messages: OpenAiMessage[], traits: ChatTraits, features: ChatFeatures): ChatPromptFields {
  let msgs = messages;
  const extra: Record<string, unknown> = {};
  if (features.tools) {
    if (traits.tools === 'native') Object.assign(extra, convertToOpenAiTools(features.tools));
    else msgs = withSystemText(msgs, promptedToolsSystemText(features.tools));
  }
  if (traits.thinking) {
    extra.chat_template_kwargs = { enable_thinking: features.thinking !== undefined };
    extra.reasoning_format = 'deepseek';
  }
  const fields = chatPromptFields(msgs);
  if (traits.thinking && features.thinking && !features.tools && !fields.continue_final_message) {
    return openThought(fields, extra, THOUGHT_OPENING);
  }
  return { ...fields, ...extra };
}

/** The prompt fields with the reply opened as a thought that has `thought` so far. */
function openThought(fields: ChatPromptFields, extra: Record<string, unknown>, thought: string): ChatPromptFields {
  return {
    ...fields, ...extra,
    messages: [...fields.messages, { role: 'assistant', content: '', reasoning_content: thought }],
    continue_final_message: 'reasoning_content', add_generation_prompt: false,
  };
}

/**
 * The prompt fields of the rest of a reply whose thought was cut at its budget: the thought so
 * far, closed, then the answer continued (`continue_final_message: 'content'`).
 */
export function closedThoughtRequestFields(prompt: ChatPromptFields, thought: string): ChatPromptFields {
  const messages = prompt.continue_final_message === 'reasoning_content' ? prompt.messages.slice(0, -1) : prompt.messages;
  return {
    ...prompt,
    messages: [...messages, { role: 'assistant', content: '', reasoning_content: thought }],
    continue_final_message: 'content', add_generation_prompt: false,
  };
}

/** The fields that shape decoding only; see the module comment. */
export function decodingRequestFields(traits: ChatTraits, features: ChatFeatures): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (features.tools && traits.tools === 'prompted') Object.assign(fields, promptedToolsGrammar(features.tools));
  if (traits.thinking && typeof features.thinking?.budget === 'number') fields.reasoning_budget_tokens = Math.max(0, Math.floor(features.thinking.budget));
  if (features.logprobs) Object.assign(fields, { logprobs: true, top_logprobs: requestedTopLogprobs(features.logprobs.top) });
  return fields;
}
