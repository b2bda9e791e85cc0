import {
  LlamaText, type ChatHistoryItem, type ChatModelFunctions, type LLamaChatGenerateResponseOptions, type LlamaChat,
  type LlamaChatResponse, type LlamaGrammar,
} from 'node-llama-cpp';
import type { GenerateEvent, SamplingOptions } from '../../core/engine.js';
import { AsyncEventQueue } from './async-event-queue.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapSamplingOptions } from './map-sampling-options.js';

/** One candidate's generation on a slot's LlamaChat. */
export interface CandidateRun {
  chat: LlamaChat;
  history: ChatHistoryItem[];
  candidate: number;
  sampling: SamplingOptions;
  /** maxOutputTokens already lowered to the room left in the context. */
  maxTokens: number;
  /** Constrains decoding (structured output, create-response-grammar.ts). */
  grammar?: LlamaGrammar;
  /**
   * Functions the model may call (function-calling.ts); never with `grammar`. When the slot's
   * wrapper forces a call (mode ANY), LlamaChat starts in a call.
   */
  functions?: ChatModelFunctions;
  /** Segment budgets: the thought budget LlamaChat closes the thought on (prefill-thinking-reply.ts). */
  budgets?: LLamaChatGenerateResponseOptions['budgets'];
  /** The request's signal, combined with the engine's own (dispose). */
  signal: AbortSignal;
  /** Told of each generation's settling, so dispose can wait for LlamaChat to let go. */
  track?: (settled: Promise<void>) => void;
}

interface Delta { text: string; tokens: number; thought?: boolean }

/**
 * Streams one candidate as `text-delta` events and a `finish`; returns false (and emits no
 * `finish`) when the signal aborted it. Whatever ends the iteration (end, abort, error, or the
 * consumer stopping early) it waits for LlamaChat to let go of the sequence before returning,
 * so the slot can be handed to the next request safely.
 *
 * Token accounting: each delta carries the tokens of its text (LlamaChat's response chunks),
 * so the sum is the reply's token count, thoughts included (they count against maxTokens, as
 * Gemini's maxOutputTokens includes thinking); stop-sequence and end-of-generation tokens are
 * not part of the reply and are not counted. Thought segments become `thought` deltas with
 * their own text and tokens; the thought's prefix and suffix (`<think>\n`, `\n</think>\n\n`)
 * are not in them: when the engine opens the thought or LlamaChat closes it on its budget they
 * are prompt, not generated. Tokens of other segments (e.g. comments) are counted with the
 * next answer text. One gap is closed by hand: at maxTokens, tokens LlamaChat held back as the
 * possible start of a stop sequence are dropped from its text, so a final empty delta (of the
 * last delta's kind) accounts for them and the sum equals the tokens actually generated.
 */
export async function* generateCandidate(run: CandidateRun): AsyncGenerator<GenerateEvent, boolean> {
  const { candidate, maxTokens } = run;
  // Aborted by the request (or dispose), or by us when the consumer stops iterating.
  const stop = linkAbortSignals(run.signal);
  const queue = new AsyncEventQueue<Delta>();
  let segmentTokens = 0;
  let response: LlamaChatResponse<ChatModelFunctions> | undefined;
  const settled = run.chat
    .generateResponse(run.history, {
      ...mapSamplingOptions(run.sampling, candidate),
      maxTokens,
      // Grammar and functions exclude each other in LlamaChat's options (the engine never sends both).
      ...((run.functions
        ? { functions: run.functions, documentFunctionParams: true }
        : run.grammar ? { grammar: run.grammar } : {}) as Pick<LLamaChatGenerateResponseOptions<ChatModelFunctions>, 'grammar'>),
      ...(run.budgets ? { budgets: run.budgets } : {}),
      signal: stop.signal,
      // Abort after some output returns what was generated instead of throwing; before any
      // output LlamaChat still throws signal.reason (handled below).
      stopOnAbortSignal: true,
      onResponseChunk(chunk) {
        if (chunk.type === 'segment' && chunk.segmentType === 'thought') {
          queue.push({ text: chunk.text, tokens: chunk.tokens.length, thought: true });
          return;
        }
        if (chunk.type === 'segment') {
          segmentTokens += chunk.tokens.length;
          return;
        }
        queue.push({ text: chunk.text, tokens: chunk.tokens.length + segmentTokens });
        segmentTokens = 0;
      },
    })
    .then((r) => { response = r as unknown as LlamaChatResponse<ChatModelFunctions>; queue.close(); }, (e: unknown) => queue.fail(e));
  run.track?.(settled);

  let emitted = 0;
  let lastThought = false;
  try {
    for await (const d of queue) {
      if (!d.text && !d.tokens) continue;
      emitted += d.tokens;
      lastThought = d.thought === true;
      yield { type: 'text-delta', candidate, text: d.text, tokens: d.tokens, ...(d.thought ? { thought: true } : {}) };
    }
  } catch (e) {
    if (run.signal.aborted) return false;
    throw e;
  } finally {
    stop.abort(new Error('the stream consumer stopped'));
    await settled;
  }
  const reason = response && mapFinishReason(response.metadata.stopReason);
  if (!reason || run.signal.aborted) return false;
  // Calls come whole at the end (LlamaChat stops after them); their tokens are the call text's.
  for (const call of response?.functionCalls ?? []) {
    const tokens = LlamaText.fromJSON(call.raw).tokenize(run.chat.model.tokenizer).length;
    emitted += tokens;
    yield { type: 'function-call', candidate, name: call.functionName, args: (call.params ?? {}) as Record<string, unknown>, tokens };
  }
  const unaccounted = reason === 'max-tokens' ? maxTokens - emitted : segmentTokens;
  if (unaccounted > 0) {
    const thought = reason === 'max-tokens' && lastThought;
    yield { type: 'text-delta', candidate, text: '', tokens: unaccounted, ...(thought ? { thought: true } : {}) };
  }
  yield { type: 'finish', candidate, reason };
  return true;
}
