import type { ChatHistoryItem, LlamaChat, LlamaChatResponse, LlamaGrammar } from 'node-llama-cpp';
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
  /** The request's signal, combined with the engine's own (dispose). */
  signal: AbortSignal;
  /** Told of each generation's settling, so dispose can wait for LlamaChat to let go. */
  track?: (settled: Promise<void>) => void;
}

interface Delta { text: string; tokens: number }

/**
 * Streams one candidate as `text-delta` events and a `finish`; returns false (and emits no
 * `finish`) when the signal aborted it. Whatever ends the iteration (end, abort, error, or the
 * consumer stopping early) it waits for LlamaChat to let go of the sequence before returning,
 * so the slot can be handed to the next request safely.
 *
 * Token accounting: each delta carries the tokens of its text (LlamaChat's response chunks),
 * so the sum is the reply's token count; stop-sequence and end-of-generation tokens are not
 * part of the reply and are not counted. Tokens of non-text segments (a model's "thoughts")
 * are counted with the next text. One gap is closed by hand: at maxTokens, tokens LlamaChat
 * held back as the possible start of a stop sequence are dropped from its text, so a final
 * empty delta accounts for them and the sum equals the tokens actually generated.
 */
export async function* generateCandidate(run: CandidateRun): AsyncGenerator<GenerateEvent, boolean> {
  const { candidate, maxTokens } = run;
  // Aborted by the request (or dispose), or by us when the consumer stops iterating.
  const stop = linkAbortSignals(run.signal);
  const queue = new AsyncEventQueue<Delta>();
  let segmentTokens = 0;
  let response: LlamaChatResponse | undefined;
  const settled = run.chat
    .generateResponse(run.history, {
      ...mapSamplingOptions(run.sampling, candidate),
      maxTokens,
      ...(run.grammar ? { grammar: run.grammar } : {}),
      signal: stop.signal,
      // Abort after some output returns what was generated instead of throwing; before any
      // output LlamaChat still throws signal.reason (handled below).
      stopOnAbortSignal: true,
      onResponseChunk(chunk) {
        if (chunk.type === 'segment') {
          segmentTokens += chunk.tokens.length;
          return;
        }
        queue.push({ text: chunk.text, tokens: chunk.tokens.length + segmentTokens });
        segmentTokens = 0;
      },
    })
    .then((r) => { response = r; queue.close(); }, (e: unknown) => queue.fail(e));
  run.track?.(settled);

  let emitted = 0;
  try {
    for await (const d of queue) {
      if (!d.text && !d.tokens) continue;
      emitted += d.tokens;
      yield { type: 'text-delta', candidate, text: d.text, tokens: d.tokens };
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
  const unaccounted = reason === 'max-tokens' ? maxTokens - emitted : segmentTokens;
  if (unaccounted > 0) yield { type: 'text-delta', candidate, text: '', tokens: unaccounted };
  yield { type: 'finish', candidate, reason };
  return true;
}
