import type { ChatHistoryItem } from 'node-llama-cpp';
import type { ChatMessage } from '../../core/engine.js';

/**
 * Engine messages → node-llama-cpp chat history (system / user / model items, same order).
 * Parts are text only today and are concatenated. Consecutive messages of one role stay
 * separate items: the chat wrapper decides how to merge them, as the GGUF's template would.
 */
export function convertToChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  return messages.map((m): ChatHistoryItem => {
    const text = m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
    if (m.role === 'system') return { type: 'system', text };
    if (m.role === 'user') return { type: 'user', text };
    return { type: 'model', response: [text] };
  });
}

/**
 * The history LlamaChat generates from: it appends an empty model reply unless the history
 * already ends with one (then the model continues that reply), see
 * `GenerateResponseState.ensureLastHistoryItemIsModel` in node-llama-cpp's LlamaChat.js.
 * Rendering this exact history is what makes `countTokens` equal the evaluated prompt.
 */
export function withOpenModelReply(history: readonly ChatHistoryItem[]): ChatHistoryItem[] {
  return history.at(-1)?.type === 'model' ? [...history] : [...history, { type: 'model', response: [] }];
}
