import type { Content, Part } from '../api/gemini/types.js';
import type { ChatMessage, MessagePart } from '../core/engine.js';
import { Errors } from '../core/errors.js';
import { NO_MEDIA, type ResolvedMedia } from './resolved-media.js';

/**
 * Gemini `contents` (+ `systemInstruction`) → the engine's `ChatMessage[]`.
 *
 * - `systemInstruction` becomes one `system` message, first (the SDK sends it with role
 *   `user`, or none; its role is not meaningful, GEMINI-API.md §2.1).
 * - Role `model` stays `model`; `user`, the legacy `function` and a missing role (Gemini's
 *   default is `user`, §2.1) become `user`.
 * - Text parts stay text. Media parts (`inlineData`, `fileData`) become the engine parts the
 *   media step made of them (`media`, see src/media/resolve-media-parts.ts): images, video
 *   frames, audio, transcripts, PDF pages and text, in place, in order.
 * - Any other part (function calls and responses, code), or a media part the media step did not
 *   resolve, is refused with a 400 naming it, never dropped: a model answering without the
 *   image it was shown is worse than an error.
 *
 * generateContent and countTokens both go through here, so the prompt the engine counts is
 * the prompt it generates from.
 */
export function convertToChatMessages(
  contents: Content[], systemInstruction: Content | undefined, modelId: string, media: ResolvedMedia = NO_MEDIA,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemInstruction) messages.push({ role: 'system', parts: convertParts(systemInstruction.parts, modelId, media) });
  for (const content of contents) {
    messages.push({ role: content.role === 'model' ? 'model' : 'user', parts: convertParts(content.parts, modelId, media) });
  }
  return messages;
}

function convertParts(parts: Part[], modelId: string, media: ResolvedMedia): MessagePart[] {
  return parts.flatMap((part): MessagePart[] => {
    if (typeof part.text === 'string') return [{ type: 'text', text: part.text }];
    const resolved = media.get(part);
    if (resolved) return resolved;
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
