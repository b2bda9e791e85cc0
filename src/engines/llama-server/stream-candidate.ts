/**
 * One candidate: a streaming `POST /v1/chat/completions` to llama-server, turned into
 * `text-delta` events and a `finish`.
 *
 * Token accounting: with `timings_per_token`, llama-server attaches `timings.predicted_n` (the
 * tokens generated so far, `n_decoded`) to each chunk (server-task.cpp
 * `to_json_oaicompat_chat`), so a chunk's new tokens are the growth of that number. Tokens that
 * produced no text yet (a stop string's possible start held back, a multi-byte character cut
 * in half, a model's reasoning) wait and are counted with the next text. What waits when the
 * candidate ends:
 * - at 'max-tokens', all of it is reported in a final empty delta, so the deltas sum to the
 *   tokens generated (exactly n_predict when the budget ran out);
 * - at 'stop', it is the end-of-generation token or the stop string's tokens, which are not
 *   part of the reply and are not counted (as the embedded engine does). Text llama-server
 *   only releases with its final result (no timings of its own) gets the waiting tokens but
 *   one, the end-of-generation token.
 */
import type { GenerateEvent } from '../../core/engine.js';
import { LlamaServerConnectionError, type LlamaServerClient } from './llama-server-client.js';
import { mapFinishReason } from './map-finish-reason.js';

/** The parts of a chat.completion.chunk this reads. */
interface ChatChunk {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  timings?: { predicted_n?: number };
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** One candidate's request. */
export interface CandidateRequest {
  client: LlamaServerClient;
  /** The complete request body (messages, sampling, slot); streaming fields are added here. */
  body: Record<string, unknown>;
  candidate: number;
  /** Aborts the HTTP request, which makes llama-server free the slot. */
  signal: AbortSignal;
}

/** How a candidate ended. */
export interface CandidateOutcome {
  /** False when the signal aborted it (no `finish` was emitted). */
  finished: boolean;
  /** `usage.prompt_tokens` as llama-server reported it, when it did. */
  promptTokens?: number;
}

/**
 * Streams one candidate. Ends without `finish` (returning `finished: false`) when the signal
 * aborts; a stream that breaks otherwise throws LlamaServerConnectionError.
 */
export async function* streamCandidate(req: CandidateRequest): AsyncGenerator<GenerateEvent, CandidateOutcome> {
  const { candidate, signal } = req;
  const body = {
    ...req.body,
    stream: true,
    stream_options: { include_usage: true },
    timings_per_token: true,
  };
  let predicted = 0;
  let waiting = 0;
  let heldText = '';
  let reason: ReturnType<typeof mapFinishReason>;
  let usage: ChatChunk['usage'];
  try {
    for await (const chunk of req.client.streamJson<ChatChunk>('/v1/chat/completions', body, signal)) {
      const n = chunk.timings?.predicted_n;
      if (typeof n === 'number' && n > predicted) {
        waiting += n - predicted;
        predicted = n;
      }
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      const text = choice?.delta?.content;
      if (typeof text === 'string' && text) {
        if (typeof n === 'number') {
          yield { type: 'text-delta', candidate, text: heldText + text, tokens: waiting };
          waiting = 0;
          heldText = '';
        } else {
          heldText += text; // from the final result: its tokens arrive with its last chunk
        }
      }
      if (choice?.finish_reason) reason = mapFinishReason(choice.finish_reason);
    }
  } catch (e) {
    if (signal.aborted) return { finished: false };
    throw e;
  }
  if (signal.aborted) return { finished: false };
  if (!reason) throw new LlamaServerConnectionError('llama-server ended the stream without a finish reason');
  const generated = usage?.completion_tokens ?? predicted;
  if (generated > predicted) waiting += generated - predicted;
  if (reason === 'max-tokens') {
    if (heldText || waiting) yield { type: 'text-delta', candidate, text: heldText, tokens: waiting };
  } else if (heldText) {
    yield { type: 'text-delta', candidate, text: heldText, tokens: Math.max(0, waiting - 1) };
  }
  yield { type: 'finish', candidate, reason };
  return { finished: true, promptTokens: usage?.prompt_tokens };
}
