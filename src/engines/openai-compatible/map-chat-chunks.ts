/**
 * The streamed chunks of one `/v1/chat/completions` request (one candidate) → engine events.
 *
 * - `delta.content` → text deltas; `delta.reasoning_content` (llama-server, vLLM, DeepSeek) or
 *   `delta.reasoning` (Ollama, LM Studio) → thought deltas when thinking was asked for (else
 *   dropped: the engine spec says no thinking then).
 * - Tokens: OpenAI's stream says nothing per chunk, so each chunk counts as one token (the
 *   servers named here stream one token per chunk), or as many as its `logprobs.content` has
 *   entries when logprobs were asked for (exact). The final chunk's `usage.completion_tokens`
 *   (from `stream_options.include_usage`) then settles the sum: what the chunks undercounted
 *   is added as an empty text delta before the finish. An overcount cannot be taken back, and
 *   without usage the per-chunk count stands (documented in README, "Upstream engines").
 * - `delta.tool_calls` fragments (by `index`; id and name first, then `arguments` pieces) are
 *   assembled; a call is complete when another index starts, content follows, or the stream
 *   ends. Its arguments must parse to a JSON object.
 * - Enum replies (`response_format` with `{type: string, enum}`) are a JSON string: the text is
 *   held back and unquoted at the end, so the client sees the bare value as Gemini gives it.
 * - `finish_reason`: `length` → max-tokens; `stop`, `tool_calls`, `function_call`,
 *   `content_filter` and the rest → stop. The finish is emitted at the end of the stream
 *   (`[DONE]`), after usage.
 * - A chunk `{"error": …}` (llama-server, vLLM mid-stream) is the upstream's in-band error.
 */
import type { FinishReason, GenerateEvent, TokenLogprob } from '../../core/engine.js';
import type { UpstreamFailure } from '../shared/retry-policy.js';
import { failureFromStatus, malformed } from './map-openai-error.js';

interface LogprobEntry { token?: string; id?: number; logprob?: number; top_logprobs?: Array<{ token?: string; id?: number; logprob?: number }> }

/** The fields of a chunk this mapper reads. */
export interface ChatChunk {
  error?: { message?: string; code?: number } | string;
  choices?: Array<{
    index?: number;
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
    logprobs?: { content?: LogprobEntry[] | null } | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; completion_tokens_details?: { reasoning_tokens?: number } } | null;
}

/** OpenAI's finish reason → the engine's. */
export function mapChatFinishReason(reason: string): FinishReason {
  return reason === 'length' ? 'max-tokens' : 'stop';
}

/** Options of one candidate's mapping. */
export interface ChatChunkMapperOptions {
  upstream: string;
  candidate: number;
  /** Report reasoning as thought deltas. */
  thinking: boolean;
  /** `top` alternatives to keep when logprobs were asked for. */
  logprobsTop?: number;
  /** Hold the text back and unquote it at the end (enum replies). */
  unquote: boolean;
}

interface OpenCall { index: number; name: string; args: string; tokens: number }

export class ChatChunkMapper {
  readonly #o: ChatChunkMapperOptions;
  #call: OpenCall | undefined;
  #held = '';
  #heldTokens = 0;
  #answerTokens = 0;
  #thoughtTokens = 0;
  #finish: FinishReason | undefined;
  #usage: ChatChunk['usage'];

  constructor(opts: ChatChunkMapperOptions) {
    this.#o = opts;
  }

  /** Whether the upstream said why the candidate ended. */
  get finished(): boolean {
    return this.#finish !== undefined;
  }

  /** The events of one chunk's `data`. Throws an UpstreamFailure for an in-band error or a malformed chunk. */
  map(data: string): GenerateEvent[] {
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      throw malformed(this.#o.upstream, `a stream chunk is not JSON: ${data.slice(0, 200)}`);
    }
    if (typeof chunk !== 'object' || chunk === null) throw malformed(this.#o.upstream, `a stream chunk is not an object: ${data.slice(0, 200)}`);
    if (chunk.error) throw this.#inBandError(chunk.error);
    if (chunk.usage) this.#usage = chunk.usage;
    const events: GenerateEvent[] = [];
    const c = this.#o.candidate;
    for (const choice of chunk.choices ?? []) {
      const delta = choice.delta ?? {};
      const entries = choice.logprobs?.content ?? undefined;
      const tokens = entries?.length ?? 1;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) {
        this.#thoughtTokens += tokens;
        if (this.#o.thinking) events.push({ type: 'text-delta', candidate: c, text: reasoning, tokens, thought: true });
      }
      if (delta.tool_calls?.length) {
        for (const [i, t] of delta.tool_calls.entries()) {
          const index = t.index ?? this.#call?.index ?? 0;
          if (this.#call && this.#call.index !== index) events.push(this.#completeCall());
          this.#call ??= { index, name: '', args: '', tokens: 0 };
          if (t.function?.name) this.#call.name = t.function.name;
          if (t.function?.arguments) this.#call.args += t.function.arguments;
          if (i === 0) this.#call.tokens += tokens;
        }
      }
      if (delta.content) {
        if (this.#call) events.push(this.#completeCall());
        this.#answerTokens += tokens;
        if (this.#o.unquote) {
          this.#held += delta.content;
          this.#heldTokens += tokens;
        } else {
          const logprobs = entries && this.#o.logprobsTop !== undefined ? mapLogprobs(entries, this.#o.logprobsTop) : undefined;
          events.push({ type: 'text-delta', candidate: c, text: delta.content, tokens, ...(logprobs ? { logprobs } : {}) });
        }
      }
      if (choice.finish_reason) this.#finish = mapChatFinishReason(choice.finish_reason);
    }
    return events;
  }

  /** The events that end the candidate: the last call, held enum text, the token settlement, the finish. */
  end(): GenerateEvent[] {
    const c = this.#o.candidate;
    const events: GenerateEvent[] = [];
    const reason = this.#finish ?? 'stop';
    if (this.#call) {
      // A call cut short by the token limit is no call: its tokens stay, as an empty delta.
      if (reason === 'max-tokens') {
        const tokens = this.#call.tokens;
        this.#call = undefined;
        this.#answerTokens += tokens;
        events.push({ type: 'text-delta', candidate: c, text: '', tokens });
      } else {
        events.push(this.#completeCall());
      }
    }
    if (this.#o.unquote && (this.#held || this.#heldTokens)) {
      let text = this.#held;
      if (reason === 'stop') {
        try {
          const value = JSON.parse(this.#held) as unknown;
          if (typeof value === 'string') text = value;
        } catch { /* not a JSON string: passed as is */ }
      }
      events.push({ type: 'text-delta', candidate: c, text, tokens: this.#heldTokens });
    }
    const total = this.#usage?.completion_tokens;
    if (typeof total === 'number') {
      const thoughts = this.#usage?.completion_tokens_details?.reasoning_tokens ?? this.#thoughtTokens;
      const missing = total - thoughts - this.#answerTokens;
      if (missing > 0) events.push({ type: 'text-delta', candidate: c, text: '', tokens: missing });
    }
    events.push({ type: 'finish', candidate: c, reason });
    return events;
  }

  #completeCall(): GenerateEvent {
    const call = this.#call!;
    this.#call = undefined;
    this.#answerTokens += call.tokens;
    let args: unknown;
    try {
      args = call.args.trim() ? JSON.parse(call.args) : {};
    } catch {
      throw malformed(this.#o.upstream, `a call of ${call.name} whose arguments are not JSON: ${call.args.slice(0, 200)}`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw malformed(this.#o.upstream, `a call of ${call.name} whose arguments are not an object`);
    }
    return { type: 'function-call', candidate: this.#o.candidate, name: call.name, args: args as Record<string, unknown>, tokens: call.tokens };
  }

  #inBandError(error: NonNullable<ChatChunk['error']>): UpstreamFailure {
    if (typeof error === 'string') return failureFromStatus(this.#o.upstream, 500, error);
    return failureFromStatus(this.#o.upstream, typeof error.code === 'number' && error.code >= 400 ? error.code : 500, error.message ?? 'error');
  }
}

function mapLogprobs(entries: readonly LogprobEntry[], top: number): TokenLogprob[] {
  return entries.map((e) => ({
    token: e.token ?? '',
    tokenId: e.id ?? -1,
    logprob: e.logprob ?? 0,
    top: (e.top_logprobs ?? []).slice(0, top).map((t) => ({ token: t.token ?? '', tokenId: t.id ?? -1, logprob: t.logprob ?? 0 })),
  }));
}
