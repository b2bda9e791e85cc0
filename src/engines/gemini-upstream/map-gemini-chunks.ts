/**
 * Gemini stream chunks (`GenerateContentResponse`s, ai.google.dev/api/generate-content) → engine events.
 *
 * - The first chunk's `usageMetadata` gives the `prompt` event (`promptTokenCount`, and
 *   `promptTokensDetails` as `byModality` when it sums to the total); an endpoint that sends no
 *   usage there gets the engine's `:countTokens` answer instead.
 * - Usage is cumulative, so each chunk's tokens are the growth of `candidatesTokenCount`
 *   (answer) and of `thoughtsTokenCount` (thoughts) since the last chunk that had them. The
 *   growth goes to the chunk's first answer (resp. thought) event; a chunk with growth but no
 *   such event gets an empty text delta. So a candidate's tokens sum to Google's count exactly
 *   with one candidate; with several, Google reports one sum for all of them, and a chunk that
 *   carries more than one candidate credits its growth to the first (totals stay exact).
 * - Parts: `text` → text-delta (`thought: true` → a thought delta), `functionCall` → a
 *   function-call event, each with its `thoughtSignature` as Google sent it (a part with only a
 *   signature, as Google's last chunk may be, is an empty text delta); other parts
 *   (executableCode, inlineData...) have no engine event and are dropped. `logprobsResult.chosenCandidates` (+ `topCandidates`) go on the chunk's first
 *   text delta of that candidate.
 * - `finishReason`: MAX_TOKENS → max-tokens; every other reason → stop. The engine spec has no
 *   way to say SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT, SPII, MALFORMED_FUNCTION_CALL
 *   ...: they are reported as `stop` (with whatever text came before). A prompt blocked by
 *   `promptFeedback.blockReason` (no candidates) likewise ends every candidate with `stop`.
 * - A chunk `{"error": …}` is Google's in-band error: thrown as its UpstreamFailure.
 */
import type { FinishReason, GenerateEvent, InputModality, TokenLogprob, TokensByModality } from '../../core/engine.js';
import type { UpstreamFailure } from '../shared/retry-policy.js';
import { failureFromGoogleError, malformed, type GoogleErrorBody } from './map-gemini-error.js';

interface LogprobsCandidate { token?: string; tokenId?: number; logProbability?: number }

/** The fields of a chunk this mapper reads. */
export interface GeminiChunk {
  error?: GoogleErrorBody;
  candidates?: Array<{
    index?: number;
    content?: { parts?: Array<{ text?: string; thought?: boolean; thoughtSignature?: string; functionCall?: { name?: string; args?: Record<string, unknown> } }> };
    finishReason?: string;
    logprobsResult?: { chosenCandidates?: LogprobsCandidate[]; topCandidates?: Array<{ candidates?: LogprobsCandidate[] }> };
  }>;
  promptFeedback?: { blockReason?: string };
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
    promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }>;
  };
}

/** Google's finish reason → the engine's (see the module comment). */
export function mapGeminiFinishReason(reason: string): FinishReason {
  return reason === 'MAX_TOKENS' ? 'max-tokens' : 'stop';
}

const MODALITIES: ReadonlySet<string> = new Set(['TEXT', 'IMAGE', 'AUDIO', 'VIDEO', 'DOCUMENT']);

/** `promptTokensDetails` → byModality, when it accounts for the whole prompt. */
function byModality(usage: GeminiChunk['usageMetadata']): TokensByModality | undefined {
  const details = usage?.promptTokensDetails;
  if (!details?.length) return undefined;
  const out: TokensByModality = {};
  let sum = 0;
  for (const d of details) {
    if (!d.modality || !MODALITIES.has(d.modality) || typeof d.tokenCount !== 'number') return undefined;
    out[d.modality as InputModality] = (out[d.modality as InputModality] ?? 0) + d.tokenCount;
    sum += d.tokenCount;
  }
  return sum === usage?.promptTokenCount ? out : undefined;
}

function mapLogprobs(result: NonNullable<GeminiChunk['candidates']>[number]['logprobsResult']): TokenLogprob[] | undefined {
  const chosen = result?.chosenCandidates;
  if (!chosen?.length) return undefined;
  return chosen.map((c, i) => ({
    token: c.token ?? '',
    tokenId: c.tokenId ?? -1,
    logprob: c.logProbability ?? 0,
    top: (result?.topCandidates?.[i]?.candidates ?? []).map((t) => ({ token: t.token ?? '', tokenId: t.tokenId ?? -1, logprob: t.logProbability ?? 0 })),
  }));
}

/** Maps the chunks of one stream, in order. */
export class GeminiChunkMapper {
  readonly #upstream: string;
  readonly #candidateCount: number;
  readonly #finished = new Set<number>();
  #prompted = false;
  #answerTokens = 0;
  #thoughtTokens = 0;

  constructor(upstream: string, candidateCount: number) {
    this.#upstream = upstream;
    this.#candidateCount = candidateCount;
  }

  /** Whether every candidate has finished. */
  get done(): boolean {
    return this.#finished.size >= this.#candidateCount;
  }

  /**
   * The events of one chunk (`data` of one SSE event). Throws an UpstreamFailure for an
   * in-band error or a malformed chunk. `promptFallback` gives the prompt count when the first
   * chunk has no usage.
   */
  map(data: string, promptFallback?: number): GenerateEvent[] {
    let chunk: GeminiChunk;
    try {
      chunk = JSON.parse(data) as GeminiChunk;
    } catch {
      throw malformed(this.#upstream, `a stream chunk is not JSON: ${data.slice(0, 200)}`);
    }
    if (typeof chunk !== 'object' || chunk === null || Array.isArray(chunk)) throw malformed(this.#upstream, `a stream chunk is not an object: ${data.slice(0, 200)}`);
    if (chunk.error) throw this.#inBandError(chunk.error);
    const events: GenerateEvent[] = [];
    const usage = chunk.usageMetadata;
    if (!this.#prompted) {
      this.#prompted = true;
      const modality = byModality(usage);
      events.push({ type: 'prompt', promptTokens: usage?.promptTokenCount ?? promptFallback ?? 0, ...(modality ? { byModality: modality } : {}) });
    }
    let answerGrowth = 0;
    let thoughtGrowth = 0;
    if (typeof usage?.candidatesTokenCount === 'number') {
      answerGrowth = Math.max(0, usage.candidatesTokenCount - this.#answerTokens);
      this.#answerTokens = Math.max(this.#answerTokens, usage.candidatesTokenCount);
    }
    if (typeof usage?.thoughtsTokenCount === 'number') {
      thoughtGrowth = Math.max(0, usage.thoughtsTokenCount - this.#thoughtTokens);
      this.#thoughtTokens = Math.max(this.#thoughtTokens, usage.thoughtsTokenCount);
    }
    const finishes: GenerateEvent[] = [];
    for (const cand of chunk.candidates ?? []) {
      const c = cand.index ?? 0;
      if (!Number.isInteger(c) || c < 0 || c >= this.#candidateCount) throw malformed(this.#upstream, `candidate index ${c} out of range`);
      if (this.#finished.has(c)) continue;
      let logprobs = mapLogprobs(cand.logprobsResult);
      for (const part of cand.content?.parts ?? []) {
        const sig = typeof part.thoughtSignature === 'string' && part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {};
        if (typeof part.text === 'string' || (sig.thoughtSignature && !part.functionCall)) {
          const thought = part.thought === true;
          let tokens = 0;
          if (thought) { tokens = thoughtGrowth; thoughtGrowth = 0; }
          else { tokens = answerGrowth; answerGrowth = 0; }
          events.push({
            type: 'text-delta', candidate: c, text: part.text ?? '', tokens,
            ...(thought ? { thought: true } : {}),
            ...(logprobs && !thought ? { logprobs } : {}),
            ...sig,
          });
          if (!thought) logprobs = undefined;
        } else if (part.functionCall) {
          const { name, args } = part.functionCall;
          if (typeof name !== 'string') throw malformed(this.#upstream, 'a functionCall without a name');
          events.push({ type: 'function-call', candidate: c, name, args: args ?? {}, tokens: answerGrowth, ...sig });
          answerGrowth = 0;
        }
      }
      if (cand.finishReason) {
        // Tokens not yet credited (a last chunk with no parts) go to this candidate before its finish.
        if (answerGrowth || thoughtGrowth) {
          if (thoughtGrowth) events.push({ type: 'text-delta', candidate: c, text: '', tokens: thoughtGrowth, thought: true });
          if (answerGrowth) events.push({ type: 'text-delta', candidate: c, text: '', tokens: answerGrowth });
          answerGrowth = thoughtGrowth = 0;
        }
        this.#finished.add(c);
        finishes.push({ type: 'finish', candidate: c, reason: mapGeminiFinishReason(cand.finishReason) });
      }
    }
    if (answerGrowth || thoughtGrowth) {
      const c = [...Array(this.#candidateCount).keys()].find((i) => !this.#finished.has(i));
      if (c !== undefined) {
        if (thoughtGrowth) events.push({ type: 'text-delta', candidate: c, text: '', tokens: thoughtGrowth, thought: true });
        if (answerGrowth) events.push({ type: 'text-delta', candidate: c, text: '', tokens: answerGrowth });
      }
    }
    events.push(...finishes);
    if (!chunk.candidates?.length && chunk.promptFeedback?.blockReason) events.push(...this.finishRest());
    return events;
  }

  /** `stop` for every candidate not finished yet (a stream that ended without their finishReason). */
  finishRest(): GenerateEvent[] {
    const events: GenerateEvent[] = [];
    for (let c = 0; c < this.#candidateCount; c++) {
      if (this.#finished.has(c)) continue;
      this.#finished.add(c);
      events.push({ type: 'finish', candidate: c, reason: 'stop' });
    }
    return events;
  }

  #inBandError(error: GoogleErrorBody): UpstreamFailure {
    return failureFromGoogleError(this.#upstream, typeof error.code === 'number' ? error.code : 500, error);
  }
}
