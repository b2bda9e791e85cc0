import type { FinishReason, GenerateContentResponse, Part } from '../api/gemini/types.js';
import type { GenerationEvent, PromptTokenCount, TokenLogprob } from '../core/engine.js';
import type { ResponseMeta } from './convert-to-gemini-response.js';
import { convertToLogprobsResult } from './convert-to-logprobs-result.js';
import { CallNumbering, convertToolPart, type OutputOptions } from './convert-to-output-parts.js';
import { convertToUsageMetadata } from './convert-to-usage-metadata.js';
import { mapFinishReason } from './map-finish-reason.js';

/** What a candidate has produced but not yet sent. */
interface Pending {
  parts: Part[];
  logprobs: TokenLogprob[];
}

/**
 * An engine's event stream → the chunks of `:streamGenerateContent`, each a complete
 * `GenerateContentResponse` ("a stream of GenerateContentResponse instances",
 * ai.google.dev/api/generate-content#method:-models.streamgeneratecontent):
 * - one chunk per text delta, carrying only that delta's candidate (with its `index`);
 * - thoughts, when `includeThoughts` asked for them, as their own `thought: true` chunks; they
 *   are counted in `thoughtsTokenCount` either way;
 * - function calls with ids, in the chunk after them or the finishing one;
 * - thought signatures where Gemini 3 puts them (convert-to-output-parts.ts `CallNumbering`): on
 *   a candidate's first call, else on the last part, which streamed is the finishing chunk's
 *   (Google's final chunk may carry one on an empty text part, ai.google.dev/gemini-api/docs/thought-signatures);
 *   an engine's own signature stays on the text or call it came with (a signed text delta closes
 *   its part), and a hidden thought's goes out on an empty part;
 * - cumulative `usageMetadata` on every chunk (candidates summed);
 * - `finishReason` only on the last chunk of each candidate;
 * - the same `modelVersion` and `responseId` on all chunks;
 * - `logprobsResult` (when asked for) on each chunk for the tokens first sent in it.
 *
 * The last code point of each candidate's answer is held back until the next event, so that
 * the finishing chunk still carries non-empty content. A finishing chunk with `{text: ''}` would
 * make the Python SDK's chat discard the whole turn (`_validate_content` in
 * google/genai/chats.py rejects empty text parts); holding one character costs no visible
 * latency, unlike holding a whole delta. A function call is held the same way. A candidate
 * that produced nothing at all finishes with `{text: ''}`, as unary responses do.
 */
export async function* convertToGeminiChunks(
  events: AsyncIterable<GenerationEvent>,
  meta: ResponseMeta,
  opts: OutputOptions = { includeThoughts: false },
): AsyncGenerator<GenerateContentResponse> {
  let prompt: PromptTokenCount = { total: 0 };
  let candidatesTokens = 0;
  let thoughtsTokens = 0;
  const calls = new CallNumbering(meta.responseId, opts.signatures);
  const pending = new Map<number, Pending>();
  const pendingOf = (c: number) => {
    let p = pending.get(c);
    if (!p) pending.set(c, p = { parts: [], logprobs: [] });
    return p;
  };
  const chunk = (index: number, parts: Part[], logprobs: TokenLogprob[], finishReason?: FinishReason): GenerateContentResponse => ({
    candidates: [{
      content: { role: 'model', parts },
      ...(finishReason ? { finishReason } : {}),
      index,
      ...(opts.logprobsTop !== undefined && logprobs.length ? convertToLogprobsResult(logprobs, opts.logprobsTop > 0) : {}),
    }],
    usageMetadata: convertToUsageMetadata(prompt, candidatesTokens, thoughtsTokens),
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  });

  for await (const ev of events) {
    if (ev.type === 'prompt') {
      prompt = { total: ev.promptTokens, byModality: ev.byModality };
    } else if (ev.type === 'text-delta' && ev.thought) {
      thoughtsTokens += ev.tokens;
      const sig = ev.thoughtSignature ? { thoughtSignature: ev.thoughtSignature } : {};
      if (ev.thoughtSignature) calls.noteEngineSignature(ev.candidate);
      if (opts.includeThoughts && (ev.text || ev.thoughtSignature)) yield chunk(ev.candidate, [{ text: ev.text, thought: true, ...sig }], ev.logprobs ?? []);
      else if (ev.thoughtSignature) yield chunk(ev.candidate, [{ text: '', ...sig }], []);
    } else if (ev.type === 'text-delta') {
      candidatesTokens += ev.tokens;
      const p = pendingOf(ev.candidate);
      if (ev.logprobs) p.logprobs.push(...ev.logprobs);
      const last = p.parts.at(-1);
      if (last && typeof last.text === 'string' && !last.thoughtSignature) last.text += ev.text;
      else p.parts.push({ text: ev.text });
      const tail = p.parts.at(-1)!;
      if (ev.thoughtSignature) {
        calls.noteEngineSignature(ev.candidate);
        tail.thoughtSignature = ev.thoughtSignature;
      }
      // The held-back piece keeps the signature: it closes the text it came with.
      const cut = lastCodePointStart(tail.text!);
      if (cut === 0 && p.parts.length === 1) continue;
      const ready = [...p.parts.slice(0, -1), ...(cut > 0 ? [{ text: tail.text!.slice(0, cut) }] : [])];
      p.parts = [{ text: tail.text!.slice(cut), ...(tail.thoughtSignature ? { thoughtSignature: tail.thoughtSignature } : {}) }];
      yield chunk(ev.candidate, ready, p.logprobs.splice(0));
    } else if (ev.type === 'function-call') {
      candidatesTokens += ev.tokens;
      const p = pendingOf(ev.candidate);
      if (p.parts.length) yield chunk(ev.candidate, p.parts.splice(0), p.logprobs.splice(0));
      p.parts.push(calls.part(ev.candidate, ev));
    } else if (ev.type !== 'finish') {
      // The code-execution tool's parts go out at once, after any text before them.
      const p = pendingOf(ev.candidate);
      const { candidate, ...part } = ev;
      yield chunk(candidate, [...p.parts.splice(0).filter((x) => x.text !== '' || x.thoughtSignature), convertToolPart(part)], p.logprobs.splice(0));
    } else {
      const p = pending.get(ev.candidate);
      pending.delete(ev.candidate);
      const parts = (p?.parts ?? []).filter((x) => x.text !== '' || x.thoughtSignature || p?.parts.length === 1);
      if (!parts.length) parts.push({ text: '' });
      const last = calls.lastPartSignature(ev.candidate);
      if (last) parts[parts.length - 1] = { ...parts[parts.length - 1], thoughtSignature: last };
      yield chunk(ev.candidate, parts, p?.logprobs ?? [], mapFinishReason(ev.reason));
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
