/**
 * What the loaded model's chat template can do beyond plain chat, as llama-server sees it:
 * - `tools`: `native` when the template renders tools and calls itself (`GET /props`
 *   `chat_template_caps.supports_tool_calls`, from llama.cpp's template analysis); then
 *   llama.cpp's chat layer writes the tools into the prompt, constrains the calls with a
 *   grammar and parses them. Otherwise `prompted` (prompted-tool-format.ts).
 * - `thinking`: whether the template reacts to `enable_thinking`, found by rendering one user
 *   message with it on and off (`POST /apply-template`, the same parsing as the chat endpoint)
 *   and comparing. llama-server's own test (`common_chat_templates_support_enable_thinking`)
 *   is not exposed by this release's `/props`. A template that always thinks and has no switch
 *   (none of our models) would read as not thinking.
 */
import type { LlamaServerClient } from './llama-server-client.js';

/** The template's abilities the engine uses. */
export interface ChatTraits {
  tools: 'native' | 'prompted';
  thinking: boolean;
}

/** The part of `GET /props` read here. */
export interface ChatTemplateProps {
  chat_template_caps?: { supports_tool_calls?: boolean };
}

/** Reads the traits from a running llama-server. */
export async function readChatTraits(client: LlamaServerClient, props: ChatTemplateProps, signal?: AbortSignal): Promise<ChatTraits> {
  const render = (enable: boolean) => client.postJson<{ prompt: string }>('/apply-template', {
    messages: [{ role: 'user', content: 'Hi' }], chat_template_kwargs: { enable_thinking: enable }, reasoning_format: 'deepseek',
  }, signal).then((r) => r.prompt);
  const [on, off] = await Promise.all([render(true), render(false)]);
  return { tools: props.chat_template_caps?.supports_tool_calls ? 'native' : 'prompted', thinking: on !== off };
}
