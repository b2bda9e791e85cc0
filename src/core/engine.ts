/**
 * The engine spec: the one small interface every engine implements (llama-cpp, fake, and
 * later openai-compatible, gemini-upstream, ...). Wire types never reach an engine: the HTTP
 * layer converts Gemini requests into these engine-neutral shapes (src/convert/).
 *
 * An engine streams; `generate` is the stream collected (see `collectGeneration`). Every engine
 * passes the shared conformance suite in src/engines/engine-conformance.case.ts.
 */

/** Gemini's prompt modalities, as `usageMetadata.promptTokensDetails` reports them. */
export type InputModality = 'TEXT' | 'IMAGE' | 'AUDIO' | 'VIDEO' | 'DOCUMENT';

/** Prompt tokens split by the modality they came from (a video's frames count as VIDEO). */
export type TokensByModality = Partial<Record<InputModality, number>>;

/**
 * A piece of a message. `source` says which input modality a part came from when it differs
 * from its own kind: frames sampled from a video are images with source VIDEO, a PDF's text
 * is text with source DOCUMENT. Engines count tokens under `source ?? kind`.
 */
export type MessagePart =
  | { type: 'text'; text: string; source?: InputModality; thoughtSignature?: string }
  /** Decoded, orientation-fixed image bytes (PNG or JPEG) ready for the engine's projector. */
  | { type: 'image'; mimeType: string; data: Uint8Array; source?: InputModality }
  /** Audio for engines that hear natively (WAV PCM). */
  | { type: 'audio'; mimeType: string; data: Uint8Array; source?: InputModality }
  /**
   * A call the model made earlier (model turns only). `id` pairs it with its response. A model
   * part's `thoughtSignature` is one an engine issued (see {@link EngineCapabilities.thoughtSignatures}),
   * sent back for it as the client echoed it; engines that issue none ignore it.
   */
  | { type: 'function-call'; id?: string; name: string; args: Record<string, unknown>; thoughtSignature?: string }
  /** The result the app sent back for a call (user turns only). */
  | { type: 'function-response'; id?: string; name: string; response: Record<string, unknown> };

/** The modality a part counts under: its `source`, else its own kind (calls and responses are TEXT). */
export function partModality(part: MessagePart): InputModality {
  if ('source' in part && part.source) return part.source;
  return part.type === 'image' ? 'IMAGE' : part.type === 'audio' ? 'AUDIO' : 'TEXT';
}

export interface ChatMessage {
  role: 'system' | 'user' | 'model';
  parts: MessagePart[];
}

/** Sampling and length settings, already validated and clamped by the catalog. */
export interface SamplingOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Upper bound on generated tokens; the catalog fills in the model's output limit. */
  maxOutputTokens: number;
  /** Generation stops before these; they never appear in the output. */
  stopSequences: string[];
}

/**
 * A constraint on what the model may write (Gemini's structured output). The engine must
 * constrain decoding so that a finished candidate ('stop') is valid; a candidate cut short by
 * the token limit is reported as 'max-tokens', never as a complete value.
 */
export type ResponseFormat =
  /** Exactly one JSON value valid against `schema` (a JSON Schema; `{type:'object'}` = any object). */
  | { type: 'json'; schema: object }
  /** Exactly one of `values`, verbatim, nothing else (Gemini's `text/x.enum`). */
  | { type: 'enum'; values: string[] };

/** A function the model may call; `parameters` is a JSON Schema for its arguments object. */
export interface FunctionSpec {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object; absent means the function takes no arguments. */
  parameters?: object;
}

/**
 * Functions offered to the model (Gemini's function calling, already narrowed to the allowed
 * names). Calls are grammar-constrained, so their arguments always validate against `parameters`.
 */
export interface ToolOptions {
  functions: FunctionSpec[];
  /**
   * `auto`: the model chooses between text and one or more calls.
   * `any`: the model must answer with one or more calls and nothing else.
   */
  mode: 'auto' | 'any';
}

/** How much the model may think before answering (only for engines with `thinking`). */
export interface ThinkingOptions {
  /** Thought tokens allowed; `dynamic` lets the model decide. The engine closes the thought when spent. */
  budget: number | 'dynamic';
}

/** One generated token's log probability, and the most likely tokens at that step. */
export interface TokenLogprob {
  token: string;
  tokenId: number;
  logprob: number;
  /** The `top` most likely tokens at this step, most likely first (empty when top is 0). */
  top: Array<{ token: string; tokenId: number; logprob: number }>;
}

export interface GenerateInput {
  messages: ChatMessage[];
  /** Constrains the output; absent means free text. Only for engines with `structuredOutput`. */
  responseFormat?: ResponseFormat;
  /** Functions the model may call. Only for engines with `functionCalling`; never with `responseFormat`. */
  tools?: ToolOptions;
  /** Think first, in `thought` deltas. Only for engines with `thinking`; absent = do not think. */
  thinking?: ThinkingOptions;
  /** Report each output token's log probability with `top` alternatives (0..20). Only for engines with `logprobs`. */
  logprobs?: { top: number };
  sampling: SamplingOptions;
  /**
   * The leading messages (and the tools) are a cached content's (Gemini's cachedContents): an
   * engine that keeps evaluated prompt state may reuse what it kept for `id` instead of evaluating
   * that prefix again. Engines without such reuse ignore it; the output must not depend on it.
   */
  cachedPrefix?: CachedPrefix;
  /** `batch` work (the Batch API) waits behind interactive requests for an engine slot. Default `interactive`. */
  priority?: 'interactive' | 'batch';
  /** How many independent candidates (1..8). */
  candidateCount: number;
  /** Aborts the generation (client disconnect, deadline). The engine must stop promptly and free resources. */
  signal: AbortSignal;
}

/** Which part of a request's messages is a cached content (see `GenerateInput.cachedPrefix`). */
export interface CachedPrefix {
  /** The cache's stable id (`cachedContents/<id>`); what the engine keeps is keyed by it. */
  id: string;
  /** `messages[0 .. messageCount)` are the cache's (its system instruction, as a `system` message, counts as one). */
  messageCount: number;
}

/** A cached content's prefix, for an engine to evaluate ahead of its first use (`Engine.warmCachedPrefix`). */
export interface WarmPrefixInput {
  id: string;
  messages: ChatMessage[];
  tools?: ToolOptions;
  signal: AbortSignal;
}

export type FinishReason =
  /** Natural end of generation (end-of-generation token or a stop sequence). */
  | 'stop'
  /** maxOutputTokens (or the context) was exhausted. */
  | 'max-tokens';

/** The stream an engine produces, as discriminated parts (cf. Vercel AI's LanguageModelV2StreamPart). */
export type GenerateEvent =
  /**
   * First event: the prompt's exact token count as the engine evaluates it (`byModality` sums to
   * it; absent means all TEXT). `engine` names the engine that took the request when an engine
   * routes between others (engines/routed/), for metrics.
   */
  | { type: 'prompt'; promptTokens: number; byModality?: TokensByModality; engine?: string }
  /**
   * Text of one candidate; `tokens` is how many generated tokens this delta accounts for.
   * `thought` marks the model's thinking (counted apart from the answer). `logprobs`, when
   * requested, has one entry per token of the delta. `thoughtSignature`: the engine's own opaque
   * signature closing this text (engines with `capabilities.thoughtSignatures`; it may come on an
   * empty delta).
   */
  | { type: 'text-delta'; candidate: number; text: string; tokens: number; thought?: boolean; logprobs?: TokenLogprob[]; thoughtSignature?: string }
  /** A complete function call of one candidate; `args` validates against the function's `parameters`. */
  | { type: 'function-call'; candidate: number; name: string; args: Record<string, unknown>; tokens: number; thoughtSignature?: string }
  /** The candidate is complete. Every candidate gets exactly one. */
  | { type: 'finish'; candidate: number; reason: FinishReason };

/**
 * Events the server's own tools add to an engine's stream (the code-execution loop,
 * code-execution-loop.ts); engines never produce them.
 */
export type ToolEvent = ToolPart & { candidate: number };

/** A piece of output made by the server's tools: the code the model wrote, its result, a figure. */
export type ToolPart =
  | { type: 'executable-code'; code: string }
  | { type: 'code-execution-result'; outcome: 'OUTCOME_OK' | 'OUTCOME_FAILED' | 'OUTCOME_DEADLINE_EXCEEDED'; output: string }
  | { type: 'inline-data'; mimeType: string; data: Uint8Array };

/** What a generation streams to the HTTP layer: the engine's events and the tools'. */
export type GenerationEvent = GenerateEvent | ToolEvent;

export interface CountTokensInput {
  messages: ChatMessage[];
  /** Functions offered; engines that render them into the prompt count them. */
  tools?: ToolOptions;
  /** Whether the generation would think: a thinking prompt may end differently (an open thought). */
  thinking?: ThinkingOptions;
  /**
   * The prompt is one to generate from (a cached content being created), not only to count: an
   * engine may refuse one over its input limit with the prompt-too-long 400
   * (engines/shared/prompt-too-long.ts), untokenized when it provably cannot fit.
   */
  forGeneration?: boolean;
  /** Stops the count (the client left): an engine counting a long prompt elsewhere may drop that work. */
  signal?: AbortSignal;
}

/** An exact prompt token count; `byModality` (absent: all TEXT) sums to `total`. */
export interface PromptTokenCount {
  total: number;
  byModality?: TokensByModality;
}

/** What an engine can do; requests needing more are refused with a 400 before reaching it. */
export interface EngineCapabilities {
  /** Max candidates per request the engine supports. */
  maxCandidates: number;
  /** Context window in tokens (prompt + output). */
  contextTokens: number;
  /**
   * The longest prompt the engine takes, when it is less than `contextTokens` (room kept for the
   * first generated token): what the "input token count exceeds the maximum" 400 names, and what
   * models.get reports as `inputTokenLimit`. `contextTokens` when absent.
   */
  maxPromptTokens?: number;
  /** Media the engine takes natively besides text; absent means text only. */
  inputModalities?: Array<'IMAGE' | 'AUDIO'>;
  /**
   * Whether `GenerateInput.responseFormat` is honoured (JSON Schema / enum constrained decoding).
   * An engine may still refuse, with a 400 naming it, a schema keyword it cannot enforce.
   */
  structuredOutput?: boolean;
  /** Whether `GenerateInput.tools` is honoured (function calling). */
  functionCalling?: boolean;
  /** Whether the loaded model can think (its chat template has a thought format) and `thinking` is honoured. */
  thinking?: boolean;
  /** Whether `GenerateInput.logprobs` is honoured. */
  logprobs?: boolean;
  /**
   * The engine issues thought signatures of its own (a Gemini upstream: Google's), on its events,
   * and checks the ones sent back on message parts: gemserve passes them through untouched and
   * leaves their validation to the engine. Others issue none; gemserve signs for them.
   */
  thoughtSignatures?: boolean;
  /**
   * Present when the engine computes embeddings (`embed`): an embedding model is loaded (a GGUF
   * that declares a pooling type). `dimensions` is the length of every vector it returns.
   */
  embeddings?: { dimensions: number };
}

/** Texts to embed, one vector each (Gemini's embedContent and batchEmbedContents). */
export interface EmbedInput {
  /** Plain texts, in order; the HTTP layer has already applied task type and title. */
  texts: string[];
  /**
   * What the client asked, per text (same length and order as `texts`), for engines that speak
   * Gemini and pass it on natively (gemini-upstream); local engines use `texts`. `text` is the
   * content's text parts joined with "\n", without the title; the fields are the client's own,
   * validated but unapplied. Absent: the caller has only `texts`.
   */
  requests?: Array<{ text: string; taskType?: string; title?: string; outputDimensionality?: number }>;
  /** Aborts the remaining texts (client disconnect, dispose). */
  signal: AbortSignal;
}

export interface EmbedResult {
  /**
   * One vector per text, in input order, `capabilities.embeddings.dimensions` long, as the
   * model pools it (not necessarily of unit length: the HTTP layer truncates and normalises).
   * An engine that passed `requests[i].outputDimensionality` on may return that many values.
   */
  vectors: number[][];
  /**
   * Tokens each text was evaluated as (after any truncation to the engine's context). The HTTP
   * layer only sums them: an engine whose upstream reports just the call's total puts it on the
   * first entry and 0 on the others.
   */
  tokens: number[];
}

export interface Engine extends AsyncDisposable {
  /** Engine kind, e.g. `llama-cpp` or `fake`. */
  readonly kind: string;
  /** Human label of the loaded weights (file name), used as `modelVersion` detail. */
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  /** Streams one generation. Must honour `input.signal` and end with a `finish` per candidate. */
  stream(input: GenerateInput): AsyncIterable<GenerateEvent>;
  /** Exact prompt token count for these messages, equal to what `stream` reports in `prompt`. */
  countTokens(input: CountTokensInput): Promise<PromptTokenCount>;
  /** Embeds texts; only on engines with `capabilities.embeddings` (others leave it undefined). */
  embed?(input: EmbedInput): Promise<EmbedResult>;
  /**
   * Context caching: evaluates a cached content's prefix now and keeps its state under `input.id`,
   * so requests naming it (`GenerateInput.cachedPrefix`) skip that work. Optional: engines that
   * cannot keep state leave it undefined and simply evaluate the whole prompt each time.
   */
  warmCachedPrefix?(input: WarmPrefixInput): Promise<void>;
  /** The cached content `id` was deleted or expired: free whatever the engine kept for it. */
  releaseCachedPrefix?(id: string): Promise<void>;
  dispose(): Promise<void>;
}

/** A piece of a finished candidate, in the order the engine produced it. */
export type OutputPart =
  | { type: 'text'; text: string; thought?: boolean; thoughtSignature?: string }
  | { type: 'function-call'; name: string; args: Record<string, unknown>; thoughtSignature?: string }
  | ToolPart;

export interface CandidateResult {
  /** The answer's text (thoughts excluded). */
  text: string;
  /** Text, thought and call parts in order; adjacent deltas of one kind merged. */
  parts: OutputPart[];
  /** Answer tokens, calls included, thoughts excluded. */
  tokens: number;
  thoughtTokens: number;
  /** Per output token (thoughts included) when logprobs were requested. */
  logprobs?: TokenLogprob[];
  finishReason: FinishReason;
}

export interface GenerationResult {
  promptTokens: number;
  promptByModality?: TokensByModality;
  candidates: CandidateResult[];
}

/** Runs a stream to completion: what `generateContent` needs. */
export async function collectGeneration(events: AsyncIterable<GenerationEvent>): Promise<GenerationResult> {
  let promptTokens = 0;
  let promptByModality: TokensByModality | undefined;
  const candidates: CandidateResult[] = [];
  const at = (i: number) => (candidates[i] ??= { text: '', parts: [], tokens: 0, thoughtTokens: 0, finishReason: 'stop' });
  for await (const ev of events) {
    if (ev.type === 'prompt') {
      promptTokens = ev.promptTokens;
      promptByModality = ev.byModality;
    }
    else if (ev.type === 'text-delta') {
      const c = at(ev.candidate);
      if (ev.thought) c.thoughtTokens += ev.tokens;
      else { c.text += ev.text; c.tokens += ev.tokens; }
      if (ev.logprobs) (c.logprobs ??= []).push(...ev.logprobs);
      // A signature closes the text it came with: later text starts a part of its own.
      const last = c.parts.at(-1);
      const sig = ev.thoughtSignature ? { thoughtSignature: ev.thoughtSignature } : {};
      if (last?.type === 'text' && !last.thought === !ev.thought && !last.thoughtSignature) Object.assign(last, { text: last.text + ev.text }, sig);
      else if (ev.text || ev.thoughtSignature) c.parts.push({ type: 'text', text: ev.text, ...(ev.thought ? { thought: true } : {}), ...sig });
    } else if (ev.type === 'function-call') {
      const c = at(ev.candidate);
      c.tokens += ev.tokens;
      c.parts.push({ type: 'function-call', name: ev.name, args: ev.args, ...(ev.thoughtSignature ? { thoughtSignature: ev.thoughtSignature } : {}) });
    } else if (ev.type === 'finish') {
      at(ev.candidate).finishReason = ev.reason;
    } else {
      const { candidate, ...part } = ev;
      at(candidate).parts.push(part as ToolPart);
    }
  }
  return { promptTokens, ...(promptByModality ? { promptByModality } : {}), candidates };
}
