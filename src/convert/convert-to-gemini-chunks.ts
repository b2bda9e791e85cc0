import type { FinishReason, GenerateContentResponse } from '../api/gemini/types.js';
import type { GenerateEvent, PromptTokenCount } from '../core/engine.js';
import type { ResponseMeta } from './convert-to-gemini-response.js';
import { convertToUsageMetadata } from './convert-to-usage-metadata.js';
import { mapFinishReason } from './map-finish-reason.js';

/**
 * An engine's event stream → the chunks of `:streamGenerateContent`, each a complete
 * `GenerateContentResponse` (GEMINI-API.md §1.3):
 * - one chunk per text delta, carrying only that delta's candidate (with its `index`);
 * - cumulative `usageMetadata` on every chunk (candidates summed);
 * - `finishReason` only on the last chunk of each candidate;
 * - the same `modelVersion` and `responseId` on all chunks.
 *
 * The last code point of each candidate's text is held back until the next event, so that the
 * finishing chunk still carries non-empty text. A finishing chunk with `{text: ''}` would make
 * the Python SDK's chat discard the whole turn (`_validate_content` in google/genai/chats.py
 * rejects empty text parts); holding one character costs no visible latency, unlike holding a
 * whole delta. A candidate that produced no text at all finishes with `{text: ''}`, as unary
 * responses do.
 */
export async function* convertToGeminiChunks(
  events: AsyncIterable<GenerateEvent>,
  meta: ResponseMeta,
): AsyncGenerator<GenerateContentResponse> {
  let prompt: PromptTokenCount = { total: 0 };
  let candidatesTokens = 0;
  const held = new Map<number, string>();
  const chunk = (index: number, text: string, finishReason?: FinishReason): GenerateContentResponse => ({
    candidates: [{
      content: { role: 'model', parts: [{ text }] },
      ...(finishReason ? { finishReason } : {}),
      index,
    }],
    usageMetadata: convertToUsageMetadata(prompt, candidatesTokens),
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  });

  for await (const ev of events) {
    if (ev.type === 'prompt') {
      prompt = { total: ev.promptTokens, byModality: ev.byModality };
    } else if (ev.type === 'text-delta') {
      candidatesTokens += ev.tokens;
      const text = (held.get(ev.candidate) ?? '') + ev.text;
      const cut = lastCodePointStart(text);
      held.set(ev.candidate, text.slice(cut));
      if (cut > 0) yield chunk(ev.candidate, text.slice(0, cut));
    } else if (ev.type === 'finish') {
      const rest = held.get(ev.candidate) ?? '';
      held.delete(ev.candidate);
      yield chunk(ev.candidate, rest, mapFinishReason(ev.reason));
    }
  }
}

/** Index where the last code point starts (a surrogate pair is one code point). */
function lastCodePointStart(s: string): number {
  if (s.length === 0) return 0;
  const i = s.length - 1;
  const low = s.charCodeAt(i);
  if (i > 0 && low >= 0xdc00 && low <= 0xdfff) {
    const high = s.charCodeAt(i - 1);
    if (high >= 0xd800 && high <= 0xdbff) return i - 1;
  }
  return i;
}
