import type {
  ChatMessage, CountTokensInput, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../core/engine.js';

/** Settings of the fake engine; all optional. */
export interface FakeEngineOptions {
  /** Label reported as the loaded weights. */
  label?: string;
  /** Delay before each generated token, to exercise concurrency, cancellation and timeouts. */
  tokenDelayMs?: number;
  /** Context window reported in capabilities. */
  contextTokens?: number;
  /** Throw after this many generated tokens, to exercise mid-stream failure handling. */
  failAfterTokens?: number;
}

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

/** The fake engine's "chat template": one line per message, `role: text`. */
function render(messages: ChatMessage[]): string {
  return messages.map((m) => `${m.role}: ${m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')}`).join('\n');
}

/** One token per whitespace-separated word; exact and cheap. */
function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
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
    this.capabilities = { maxCandidates: 8, contextTokens: opts.contextTokens ?? 32_768 };
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    return { total: countWords(render(input.messages)) };
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    if (this.#disposed) throw new Error('FakeEngine used after dispose');
    const prompt = render(input.messages);
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
      yield { type: 'text-delta', candidate: c, text: piece, tokens: 1 };
    }
    yield { type: 'finish', candidate: c, reason: 'stop' };
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
