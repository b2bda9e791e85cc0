/**
 * One candidate: a streaming `POST /v1/chat/completions` to llama-server, turned into
 * `text-delta` events (answer and, from `delta.reasoning_content`, thought), `function-call`
 * events (from `delta.tool_calls`, map-tool-call-deltas.ts) and a `finish`.
 *
 * Token accounting: with `timings_per_token`, llama-server attaches `timings.predicted_n` (the
 * tokens generated so far, `n_decoded`) to the last chunk a token produced (server-task.cpp
 * `to_json_oaicompat_chat`), so a chunk's new tokens are the growth of that number. Tokens that
 * produced no output yet (a stop string's possible start held back, a multi-byte character cut
 * in half, a thought tag or a call's markup the chat parser has not resolved) wait and are
 * counted with the next output; output of one token split over several chunks (the end of a
 * thought and the start of the answer) puts its tokens on the last piece. A call's fragments
 * count towards the call. What waits when the candidate ends:
 * - at 'max-tokens', all of it is reported in a final empty delta, together with the tokens of
 *   a call cut short (which is dropped), so the events sum to the tokens generated (exactly
 *   n_predict when the budget ran out);
 * - at 'stop', it is the end-of-generation token or the stop string's tokens, which are not
 *   part of the reply and are not counted (as the embedded engine does). Output llama-server
 *   only releases with its final result (no timings of its own: text held back, a call's last
 *   fragment and closing markup) gets the waiting tokens but one, the end-of-generation token.
 * So at 'stop' the events sum to `usage.completion_tokens` minus that token (and any stop
 * string's tokens).
 *
 * Logprobs: each chunk that carries a token's output carries that token's entry
 * (`choices[0].logprobs.content`, map-logprobs.ts); the entries go with the text delta of
 * that output. llama-server sends no chunk, hence no entry, for a token whose output was held
 * back or merged into the next one (an incomplete UTF-8 character), so such a delta has
 * fewer entries than tokens.
 */
import type { GenerateEvent, TokenLogprob } from '../../core/engine.js';
import { LlamaServerConnectionError, type LlamaServerClient } from './llama-server-client.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapLogprobs, type LlamaServerLogprob } from './map-logprobs.js';
import { ToolCallAssembler, type OpenAiToolCallDelta } from './map-tool-call-deltas.js';

/** The parts of a chat.completion.chunk this reads. */
interface ChatChunk {
  choices?: Array<{
    delta?: { content?: string | null; reasoning_content?: string | null; tool_calls?: OpenAiToolCallDelta[] };
    finish_reason?: string | null;
    logprobs?: { content?: LlamaServerLogprob[] | null } | null;
  }>;
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
  /** Alternatives per token when logprobs were requested (the body asks for them). */
  logprobsTop?: number;
  /**
   * Thought tokens allowed. llama-server enforces the budget itself (`reasoning_budget_tokens`)
   * when it can match the thought's tags in tokens; when it does not, the thought delta that
   * would exceed it is not emitted and the candidate stops there, returning `cutThought`, so
   * the caller can continue with the thought closed (llama-server-engine.ts).
   */
  thoughtBudget?: number;
  /**
   * Thought text the request itself opened the reply with (chat-request-fields.ts): llama.cpp's
   * parser streams it back with the first thought delta, where it is removed.
   */
  thoughtPrefill?: string;
}

/** How a candidate ended. */
export interface CandidateOutcome {
  /** False when the signal aborted it (no `finish` was emitted). */
  finished: boolean;
  /** `usage.prompt_tokens` as llama-server reported it, when it did. */
  promptTokens?: number;
  /** `usage.completion_tokens` as llama-server reported it, when it did. */
  completionTokens?: number;
  /** Set (with `finished: false`) when the thought reached `thoughtBudget`: the thought emitted. */
  cutThought?: string;
  /** Tokens of the events emitted. */
  tokens: number;
}

/** Output of one chunk, in order. */
type Piece = { kind: 'text' | 'thought'; text: string } | { kind: 'call'; delta: OpenAiToolCallDelta };

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
  const calls = new ToolCallAssembler(candidate);
  let predicted = 0;
  let waiting = 0;
  let pending: Piece[] = [];
  let logprobs: TokenLogprob[] = [];
  let reason: ReturnType<typeof mapFinishReason>;
  let usage: ChatChunk['usage'];
  let emitted = 0;
  let thought = '';
  let thoughtTokens = 0;
  let answered = false;
  let cut = false;
  let prefill = req.thoughtPrefill ?? '';

  /** The pending output as events; `tokens` go to its last piece. */
  function* flush(tokens: number): Generator<GenerateEvent> {
    const pieces = pending;
    pending = [];
    const lastText = pieces.reduce((last, p, i) => (p.kind === 'call' ? last : i), -1);
    for (const [i, piece] of pieces.entries()) {
      const n = i === pieces.length - 1 ? tokens : 0;
      if (piece.kind === 'call') {
        answered = true;
        const done = calls.add(piece.delta);
        if (done) {
          emitted += done.tokens;
          yield done;
        }
        calls.addTokens(n);
        continue;
      }
      const done = calls.complete();
      if (done) {
        emitted += done.tokens;
        yield done;
      }
      if (piece.kind === 'thought' && !answered && req.thoughtBudget !== undefined && thoughtTokens + n > req.thoughtBudget) {
        cut = true;
        return;
      }
      if (piece.kind === 'thought') {
        thought += piece.text;
        thoughtTokens += n;
      } else answered = true;
      emitted += n;
      const withLogprobs = i === lastText && req.logprobsTop !== undefined;
      yield {
        type: 'text-delta', candidate, text: piece.text, tokens: n,
        ...(piece.kind === 'thought' ? { thought: true } : {}),
        ...(withLogprobs ? { logprobs } : {}),
      };
    }
    if (lastText >= 0) logprobs = [];
  }

  try {
    for await (const chunk of req.client.streamJson<ChatChunk>('/v1/chat/completions', body, signal)) {
      const n = chunk.timings?.predicted_n;
      if (typeof n === 'number' && n > predicted) {
        waiting += n - predicted;
        predicted = n;
      }
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      const delta = choice?.delta;
      const before = pending.length;
      let reasoning = delta?.reasoning_content;
      if (typeof reasoning === 'string' && reasoning && prefill) {
        const echoed = reasoning.startsWith(prefill) ? prefill : '';
        reasoning = reasoning.slice(echoed.length);
        prefill = '';
      }
      if (typeof reasoning === 'string' && reasoning) pending.push({ kind: 'thought', text: reasoning });
      if (typeof delta?.content === 'string' && delta.content) pending.push({ kind: 'text', text: delta.content });
      for (const call of delta?.tool_calls ?? []) pending.push({ kind: 'call', delta: call });
      if (req.logprobsTop !== undefined && choice?.logprobs?.content) logprobs.push(...mapLogprobs(choice.logprobs.content, req.logprobsTop));
      // Output of the final result comes without timings: its tokens arrive with its last chunk.
      if (pending.length > before && typeof n === 'number') {
        yield* flush(waiting);
        waiting = 0;
        if (cut) break; // closes the connection, which ends the generation
      }
      if (choice?.finish_reason) reason = mapFinishReason(choice.finish_reason);
    }
  } catch (e) {
    if (signal.aborted) return { finished: false, tokens: emitted };
    throw e;
  }
  if (signal.aborted) return { finished: false, tokens: emitted };
  if (cut) return { finished: false, cutThought: thought, tokens: emitted };
  if (!reason) throw new LlamaServerConnectionError('llama-server ended the stream without a finish reason');
  const generated = usage?.completion_tokens ?? predicted;
  if (generated > predicted) waiting += generated - predicted;
  if (reason === 'max-tokens') {
    const hasText = pending.some((p) => p.kind !== 'call');
    yield* flush(hasText ? waiting : 0);
    // A call cut short is no call: its tokens, and those still waiting, end the candidate as text.
    const rest = calls.discard() + (hasText ? 0 : waiting);
    emitted += rest;
    if (rest) yield { type: 'text-delta', candidate, text: '', tokens: rest, ...(req.logprobsTop !== undefined && logprobs.length ? { logprobs } : {}) };
  } else {
    const owed = Math.max(0, waiting - 1);
    if (pending.length) yield* flush(owed);
    else calls.addTokens(owed);
    const done = calls.complete();
    if (done) {
      emitted += done.tokens;
      yield done;
    }
  }
  if (cut) return { finished: false, cutThought: thought, tokens: emitted };
  yield { type: 'finish', candidate, reason };
  return { finished: true, promptTokens: usage?.prompt_tokens, completionTokens: usage?.completion_tokens, tokens: emitted };
}
