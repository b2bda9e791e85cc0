import type {
  ChatMessage, CountTokensInput, EmbedInput, EmbedResult, Engine, EngineCapabilities, GenerateEvent, GenerateInput, MessagePart,
  PromptTokenCount, TokenLogprob, ToolOptions,
} from '../../core/engine.js';
import type { ConfigValues } from '../../core/config-fields.js';
import { exampleForSchema } from './example-for-schema.js';
import type { FAKE_ENGINE_FIELDS } from './fake-engine-descriptor.js';

/** Settings of the fake engine, all optional: the fields of its descriptor (fake-engine-descriptor.ts, with their help). */
export type FakeEngineOptions = ConfigValues<typeof FAKE_ENGINE_FIELDS>;

/** The context window reported when `contextTokens` is unset. */
export const FAKE_CONTEXT_TOKENS = 32_768;

const WORDS = [
  'the', 'model', 'answers', 'with', 'small', 'words', 'from', 'a', 'fixed', 'list', 'so',
  'tests', 'can', 'predict', 'every', 'token', 'it', 'writes', 'and', 'nothing', 'is', 'random',
];

/** FNV-1a: a stable hash so the same prompt and seed always give the same text. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The fake engine's "chat template": one line per message, `role: text`; calls as `name(args)`, results as `name -> response`. */
function render(messages: ChatMessage[], tools?: ToolOptions): string {
  const lines = messages.map((m) => `${m.role}: ${m.parts.map(renderPart).join('')}`);
  if (tools) lines.unshift(`tools: ${tools.functions.map((f) => f.name).join(' ')}`);
  return lines.join('\n');
}

function renderPart(p: MessagePart): string {
  if (p.type === 'text') return p.text;
  if (p.type === 'function-call') return ` ${p.name}(${JSON.stringify(p.args)}) `;
  if (p.type === 'function-response') return ` ${p.name} -> ${JSON.stringify(p.response)} `;
  return '';
}

/** Thought words when the budget is dynamic. */
const DYNAMIC_THOUGHTS = 8;
/**
 * The most thought words, whatever the budget: a budget is a ceiling, and a model stops thinking
 * when it has thought enough; MEDIUM's 8,192 would otherwise fill a small context with thoughts
 * and leave no room for the answer. Budgets up to this (LOW's 1,024 included) are thought exactly.
 */
const MAX_THOUGHTS = 2048;

/**
 * One token per whitespace-separated word, as `text.split(/\s+/).filter(Boolean).length` counts
 * them, in one pass that builds no array (the split took ~3 s on a 50 MB prompt).
 */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isWhitespace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/**
 * What a regular expression's `\s` matches: ECMAScript's WhiteSpace (tab, vertical tab, form
 * feed, space, no-break space, the byte order mark and Unicode's Space_Separator) and
 * LineTerminator (tc39.es/ecma262/#sec-white-space, #sec-line-terminators). Surrogates are none.
 */
function isWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal.removeEventListener('abort', done); resolve(); }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * A deterministic engine with no weights: the worked example of the engine spec.
 *
 * It "generates" words picked from a fixed list by a hash of the rendered prompt, the seed and
 * the candidate index; it ends naturally after a length derived from the same hash (4..19
 * words) unless maxOutputTokens or a stop sequence comes first. Everything a real engine must
 * honour (stop sequences never in the output, the abort signal, candidate count, exact token
 * counts) is honoured here, so the shared conformance suite holds it to the same contract.
 * It also "thinks" (budget words as thought deltas, 8 when dynamic), calls functions (mode
 * any always; auto unless the conversation ends with a function's result) with the simplest
 * valid arguments, and reports made-up but well-formed logprobs, so the Gemini-side mapping of
 * those features is testable without weights.
 */
export class FakeEngine implements Engine {
  readonly kind = 'fake';
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  readonly #opts: FakeEngineOptions;
  #disposed = false;

  constructor(opts: FakeEngineOptions = {}) {
    this.#opts = opts;
    this.label = opts.label ?? 'fake';
    this.capabilities = {
      maxCandidates: 8, contextTokens: opts.contextTokens ?? FAKE_CONTEXT_TOKENS, functionCalling: true, thinking: true, logprobs: true,
    };
    if (opts.embeddingDimensions) this.capabilities.embeddings = { dimensions: opts.embeddingDimensions };
  }

  /**
   * A bag of hashed words: each word adds 1 to a dimension chosen by its hash, so equal texts get
   * equal vectors and texts sharing words point the same way (enough for retrieval-shaped tests).
   */
  async embed(input: EmbedInput): Promise<EmbedResult> {
    if (this.#disposed) throw new Error('FakeEngine used after dispose');
    const dimensions = this.#opts.embeddingDimensions;
    if (!dimensions) throw new Error('this fake engine was made without embeddingDimensions');
    const vectors = input.texts.map((text) => {
      const v: number[] = new Array<number>(dimensions).fill(0);
      for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) v[hash(word) % dimensions] += 1;
      if (!v.some((x) => x !== 0)) v[0] = 1;
      return v;
    });
    return { vectors, tokens: input.texts.map(countWords) };
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    return { total: countWords(render(input.messages, input.tools)) };
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    if (this.#disposed) throw new Error('FakeEngine used after dispose');
    const prompt = render(input.messages, input.tools);
    yield { type: 'prompt', promptTokens: countWords(prompt) };
    for (let c = 0; c < input.candidateCount; c++) {
      yield* this.#candidate(prompt, c, input);
      if (input.signal.aborted) return;
    }
  }

  async *#candidate(prompt: string, c: number, input: GenerateInput): AsyncGenerator<GenerateEvent> {
    const { sampling, signal } = input;
    let h = hash(`${prompt}\u0000${sampling.seed ?? 0}\u0000${c}`);
    const naturalLength = 4 + (h % 16);
    let text = '';
    let emitted = 0;
    if (input.thinking) {
      const budget = input.thinking.budget === 'dynamic' ? DYNAMIC_THOUGHTS : Math.min(input.thinking.budget, MAX_THOUGHTS);
      for (let i = 0; i < budget; i++) {
        if (emitted >= sampling.maxOutputTokens) {
          yield { type: 'finish', candidate: c, reason: 'max-tokens' };
          return;
        }
        emitted++;
        yield { type: 'text-delta', candidate: c, text: (i === 0 ? '' : ' ') + WORDS[(h + i) % WORDS.length], tokens: 1, thought: true };
      }
    }
    const call = this.#chooseCall(input, h);
    if (call) {
      const tokens = countWords(JSON.stringify(call.args)) + 1;
      if (emitted + tokens > sampling.maxOutputTokens) {
        yield { type: 'finish', candidate: c, reason: 'max-tokens' };
        return;
      }
      yield { type: 'function-call', candidate: c, ...call, tokens };
      yield { type: 'finish', candidate: c, reason: 'stop' };
      return;
    }
    for (let i = 0; i < naturalLength; i++) {
      if (emitted >= sampling.maxOutputTokens) {
        yield { type: 'finish', candidate: c, reason: 'max-tokens' };
        return;
      }
      if (this.#opts.tokenDelayMs) await sleep(this.#opts.tokenDelayMs, signal);
      if (signal.aborted) return;
      if (this.#opts.failAfterTokens !== undefined && emitted >= this.#opts.failAfterTokens) {
        throw new Error('fake engine failure (failAfterTokens)');
      }
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      const piece = (i === 0 ? '' : ' ') + WORDS[h % WORDS.length];
      const next = text + piece;
      const stopAt = firstStop(next, sampling.stopSequences);
      if (stopAt !== -1) {
        const kept = next.slice(text.length, stopAt);
        if (kept) yield { type: 'text-delta', candidate: c, text: kept, tokens: 1 };
        yield { type: 'finish', candidate: c, reason: 'stop' };
        return;
      }
      text = next;
      emitted++;
      yield { type: 'text-delta', candidate: c, text: piece, tokens: 1, ...(input.logprobs ? { logprobs: [logprobOf(piece, h, input.logprobs.top)] } : {}) };
    }
    yield { type: 'finish', candidate: c, reason: 'stop' };
  }

  /**
   * Mode `any` always calls; mode `auto` calls when the conversation does not end with a
   * function's result (so an SDK's automatic function calling loop ends: call, result, text).
   * The function is picked by the hash; its arguments are the simplest valid ones.
   */
  #chooseCall(input: GenerateInput, h: number): { name: string; args: Record<string, unknown> } | undefined {
    const tools = input.tools;
    if (!tools || tools.functions.length === 0) return undefined;
    const lastParts = input.messages.at(-1)?.parts ?? [];
    if (tools.mode === 'auto' && lastParts.some((p) => p.type === 'function-response')) return undefined;
    const f = tools.functions[h % tools.functions.length];
    return { name: f.name, args: (f.parameters ? exampleForSchema(f.parameters) : {}) as Record<string, unknown> };
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

function firstStop(text: string, stops: string[]): number {
  let best = -1;
  for (const s of stops) {
    const i = s ? text.indexOf(s) : -1;
    if (i !== -1 && (best === -1 || i < best)) best = i;
  }
  return best;
}

/** A made-up but well-formed log probability: the chosen word first, then others, descending. */
function logprobOf(piece: string, h: number, top: number): TokenLogprob {
  const word = piece.trim();
  const id = WORDS.indexOf(word);
  const logprob = -((h % 50) + 1) / 100;
  const others = WORDS.filter((w) => w !== word).slice(0, Math.max(0, top - 1))
    .map((w, i) => ({ token: w, tokenId: WORDS.indexOf(w), logprob: logprob - (i + 1) }));
  return { token: piece, tokenId: id, logprob, top: top > 0 ? [{ token: piece, tokenId: id, logprob }, ...others] : [] };
}
