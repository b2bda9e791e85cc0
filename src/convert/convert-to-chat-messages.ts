import type { Content, Part } from '../api/gemini/types.js';
import type { ChatMessage, MessagePart } from '../core/engine.js';
import { Errors } from '../core/errors.js';
import { renderCodeOutput, renderExecutableCode } from '../core/code-execution-text.js';
import { NO_MEDIA, type ResolvedMedia } from './resolved-media.js';
import { isGemserveSignature } from './thought-signer.js';

/**
 * Gemini `contents` (+ `systemInstruction`) → the engine's `ChatMessage[]`.
 *
 * - `systemInstruction` becomes one `system` message, first (the JS SDK gives it role `user`,
 *   `tContent` in js-genai src/_transformers.ts; raw clients send none: its role means nothing).
 * - Role `model` stays `model`; `user`, the legacy `function` and a missing role (optional in
 *   content.proto; Google's single-turn examples leave it out of the user's prompt) become `user`.
 * - Text parts stay text. Media parts (`inlineData`, `fileData`) become the engine parts the
 *   media step made of them (`media`, see src/media/resolve-media-parts.ts): images, video
 *   frames, audio, transcripts, PDF pages and text, in place, in order.
 * - `functionCall` / `functionResponse` parts become `function-call` / `function-response`
 *   parts (the engine renders them in its template's tool format).
 * - Thought signatures are passed back "exactly as received" (ai.google.dev/gemini-api/docs/thought-signatures)
 *   on the text and call parts that carry them, for the engine that issued them (a Gemini
 *   upstream sends Google's back byte for byte; a routed engine keeps each for its issuer), except
 *   gemserve's own, which mean nothing to any engine. Whether a Gemini 3 request carries the ones
 *   it must is checked before (check-thought-signatures.ts).
 * - Thought parts (`thought: true`) of earlier model turns are dropped: Gemini does not feed
 *   previous thoughts back to the model either (ai.google.dev/gemini-api/docs/thinking); a
 *   signature on one is kept, on an empty text part.
 * - `executableCode` and `codeExecutionResult` (the code-execution tool's earlier turns) become
 *   the fenced text the model wrote and read (core/code-execution-text.ts).
 * - Any other part, or a media part the media step did not resolve, is refused with a 400
 *   naming it, never dropped: a model answering without the image it was shown is worse than
 *   an error.
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
    const sig = part.thoughtSignature && !isGemserveSignature(part.thoughtSignature) ? { thoughtSignature: part.thoughtSignature } : undefined;
    if (part.thought === true) return sig ? [{ type: 'text', text: '', ...sig }] : [];
    if (typeof part.text === 'string') return [{ type: 'text', text: part.text, ...sig }];
    if (part.functionCall) {
      const { id, name, args } = part.functionCall;
      return [{ type: 'function-call', ...(id ? { id } : {}), name, args: args ?? {}, ...sig }];
    }
    if (part.functionResponse) {
      const { id, name, response } = part.functionResponse;
      return [{ type: 'function-response', ...(id ? { id } : {}), name, response: response ?? {} }];
    }
    if (part.executableCode) return [{ type: 'text', text: renderExecutableCode(part.executableCode.code) }];
    if (part.codeExecutionResult) return [{ type: 'text', text: renderCodeOutput(part.codeExecutionResult.outcome, part.codeExecutionResult.output ?? '') }];
    const resolved = media.get(part);
    if (resolved) return resolved;
    throw Errors.capabilityUnsupported(modelId, `Input of type ${describePart(part)}`);
  });
}

/** e.g. `inlineData (image/png)`, `functionCall (get_weather)`. */
function describePart(part: Part): string {
  if (part.inlineData) return `inlineData (${part.inlineData.mimeType ?? 'unknown type'})`;
  if (part.fileData) return `fileData (${part.fileData.mimeType ?? part.fileData.fileUri})`;
  return Object.keys(part).filter((k) => k !== 'thought' && k !== 'thoughtSignature')[0] ?? 'unknown';
}
