import type { ChatHistoryItem, ChatModelResponse } from 'node-llama-cpp';
import type { ChatMessage, MessagePart } from '../../core/engine.js';

/**
 * Engine messages → node-llama-cpp chat history (system / user / model items, same order).
 * Text parts are concatenated. Consecutive messages of one role stay separate items: the chat
 * wrapper decides how to merge them, as the GGUF's template would.
 *
 * Function calls: node-llama-cpp keeps a call and its result together in the model's response
 * (`ChatModelFunctionCall`, rendered in the wrapper's tool format), while Gemini puts the call
 * in a model turn and the result in the next user turn. So each `function-call` part takes its
 * result from the following message's `function-response` parts (by id, else by name in
 * order), and those parts leave the user message; a message left empty is dropped. A call
 * without a result yet renders with an empty result.
 */
export function convertToChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = [];
  const consumed = new Set<MessagePart>();
  messages.forEach((m, i) => {
    const parts = m.parts.filter((p) => !consumed.has(p));
    if (m.role !== 'model') {
      const text = parts.map((p) => (p.type === 'text' ? p.text : p.type === 'function-response' ? JSON.stringify(p.response) : '')).join('');
      if (!text && parts.length === 0 && m.parts.length > 0) return;
      items.push(m.role === 'system' ? { type: 'system', text } : { type: 'user', text });
      return;
    }
    const results = (messages[i + 1]?.parts ?? []).filter((p) => p.type === 'function-response');
    const response: ChatModelResponse['response'] = [];
    for (const p of parts) {
      if (p.type === 'text') {
        if (typeof response.at(-1) === 'string') response[response.length - 1] += p.text;
        else response.push(p.text);
      } else if (p.type === 'function-call') {
        const result = results.find((r) => !consumed.has(r) && (p.id !== undefined && r.id !== undefined ? r.id === p.id : r.name === p.name));
        if (result) consumed.add(result);
        response.push({ type: 'functionCall', name: p.name, params: p.args, result: result?.type === 'function-response' ? result.response : '' });
      }
    }
    items.push({ type: 'model', response: response.length ? response : [''] });
  });
  return items;
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
