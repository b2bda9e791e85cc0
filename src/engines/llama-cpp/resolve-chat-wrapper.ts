import { resolveChatWrapper, type ChatWrapper, type LlamaModel } from 'node-llama-cpp';
import { PlainTextChatWrapper } from './plain-text-chat-wrapper.js';

/**
 * The chat wrapper (prompt format) for a model, chosen from its GGUF:
 * - with a `tokenizer.chat_template`: node-llama-cpp's `resolveChatWrapper`, which uses the
 *   template (Jinja) or a built-in wrapper it proved equivalent to it (ChatML, Llama 3, ...);
 * - without one: `PlainTextChatWrapper`. A GGUF without a template is nearly always a base
 *   (completion) model; node-llama-cpp would otherwise guess from the architecture and file
 *   name (stories260K gets Llama 2's `[INST]` format, which it has never seen).
 */
export function resolveChatWrapperFor(model: LlamaModel): ChatWrapper {
  const template = model.fileInfo.metadata?.tokenizer?.chat_template;
  if (typeof template !== 'string' || template.trim() === '') return new PlainTextChatWrapper();
  return resolveChatWrapper(model, { warningLogs: false });
}
