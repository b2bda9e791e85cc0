/**
 * The chat template llama-server gets for a model without one (a base model such as
 * stories260K), the Jinja twin of the embedded engine's PlainTextChatWrapper
 * (src/engines/llama-cpp/plain-text-chat-wrapper.ts): BOS, then the messages' texts separated
 * by a blank line, and the reply continues the last text directly. Left alone, llama-server
 * would format such a model's prompts as ChatML, which a base model has never seen.
 *
 * `bos_token` is written out and llama-server drops it again when the tokenizer adds BOS
 * anyway (common/chat.cpp strips a leading BOS when `add_bos`), so BOS comes exactly once.
 * The generation prompt is empty, and a final model message is continued as it is
 * (llama-server's assistant prefill renders it last, with nothing after it).
 */
export const PLAIN_TEXT_CHAT_TEMPLATE = [
  '{{- bos_token -}}',
  '{%- for message in messages -%}',
  "{%- if not loop.first -%}{{- '\\n\\n' -}}{%- endif -%}",
  "{{- message['content'] -}}",
  '{%- endfor -%}',
].join('\n');
