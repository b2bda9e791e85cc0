import type { Content, Part } from '../api/gemini/types.js';
import type { ChatMessage, MessagePart } from '../core/engine.js';
import { Errors } from '../core/errors.js';

/**
 * Gemini `contents` (+ `systemInstruction`) → the engine's `ChatMessage[]`.
 *
 * - `systemInstruction` becomes one `system` message, first (the SDK sends it with role
 *   `user`, or none; its role is not meaningful, GEMINI-API.md §2.1).
 * - Role `model` stays `model`; `user`, the legacy `function` and a missing role (Gemini's
 *   default is `user`, §2.1) become `user`.
 * - Engines take text only today. Any other part (inline data, files, function calls and
 *   responses, code) is refused with a 400 naming it, never dropped: a model answering
 *   without the image it was shown is worse than an error.
 *
 * generateContent and countTokens both go through here, so the prompt the engine counts is
 * the prompt it generates from.
 */
export function convertToChatMessages(contents: Content[], systemInstruction: Content | undefined, modelId: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemInstruction) messages.push({ role: 'system', parts: convertParts(systemInstruction.parts, modelId) });
  for (const content of contents) {
    messages.push({ role: content.role === 'model' ? 'model' : 'user', parts: convertParts(content.parts, modelId) });
  }
  return messages;
}

function convertParts(parts: Part[], modelId: string): MessagePart[] {
  return parts.map((part) => {
    if (typeof part.text === 'string') return { type: 'text', text: part.text };
    throw Errors.capabilityUnsupported(modelId, `Input of type ${describePart(part)}`);
  });
}

/** e.g. `inlineData (image/png)`, `functionCall (get_weather)`. */
function describePart(part: Part): string {
  if (part.inlineData) return `inlineData (${part.inlineData.mimeType ?? 'unknown type'})`;
  if (part.fileData) return `fileData (${part.fileData.mimeType ?? part.fileData.fileUri})`;
  if (part.functionCall) return `functionCall (${part.functionCall.name})`;
  if (part.functionResponse) return `functionResponse (${part.functionResponse.name})`;
  if (part.executableCode) return 'executableCode';
  if (part.codeExecutionResult) return 'codeExecutionResult';
  return Object.keys(part).filter((k) => k !== 'thought' && k !== 'thoughtSignature')[0] ?? 'unknown';
}
