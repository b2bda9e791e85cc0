import { createHash } from 'node:crypto';
import type {
  ChatMessage, CountTokensInput, EmbedInput, EmbedResult, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount, WarmPrefixInput,
} from '../../core/engine.js';
import { Errors, isGemserveError } from '../../core/errors.js';

/** One engine of a route, and its share of the traffic. */
export interface WeightedEngine {
  engine: Engine;
  /** Relative weight (e.g. 90 and 10 for a 10% canary). */
  weight: number;
}

export interface RoutedEngineOptions {
  routes: WeightedEngine[];
  /** Tried in order when the chosen engine fails before producing output. */
  fallback?: Engine[];
  /** Uniform [0, 1); injectable so tests pick routes deterministically. */
  random?: () => number;
}

/**
 * One model id served by several engines: each request goes to an engine picked by weight (the
 * documented way to move traffic to a new model version: 90/10, then 50/50, ...), and if that
 * engine fails before any output — an overloaded queue, an upstream 5xx after its retries, an
 * open circuit — the request moves to the next engine, then to the `fallback` engines in order.
 * A user error (a 400 about the request) is never retried elsewhere: every engine would refuse
 * it the same way. Once output has been produced the failure goes to the client as is, so no
 * chunk is ever sent twice. The `prompt` event names the engine that took the request.
 *
 * Thought signatures an engine issued (a Gemini upstream's, Google's own) are remembered with
 * their issuer as they stream by (the last {@link MAX_REMEMBERED_SIGNATURES}), and when the
 * conversation comes back they are sent only to that engine: a request that lands on another one
 * (another route, a fallback) goes without them, so no engine ever sees a foreign signature
 * (Google refuses one it did not issue: "Corrupted thought signature."); a Gemini 3 upstream then
 * sends Google's dummy in their place (gemini-upstream/convert-to-gemini-request.ts). A signature
 * not remembered (issued before a restart) is dropped the same way.
 *
 * Capabilities are what every engine can do (a request must be servable wherever it lands), but
 * `thoughtSignatures`, which any member issuing its own makes true (it judges the signatures that
 * reach it); `countTokens` asks the heaviest-weighted engine. Embeddings likewise go by weight and move on
 * failure, offered only when every engine embeds with vectors of one length; vectors of
 * different models live in different spaces, so route embeddings only between engines serving
 * the same weights (replicas, a fallback copy), never between model versions.
 */
export class RoutedEngine implements Engine {
  readonly kind = 'routed';
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  readonly #routes: WeightedEngine[];
  readonly #fallback: Engine[];
  readonly #random: () => number;
  readonly #total: number;
  /** A thought signature's SHA-256 → the engine that issued it, oldest first. */
  readonly #issuers = new Map<string, Engine>();
  #disposed = false;

  constructor(opts: RoutedEngineOptions) {
    if (opts.routes.length === 0) throw new Error('a routed engine needs at least one route');
    if (opts.routes.some((r) => !(r.weight > 0))) throw new Error('route weights must be positive');
    this.#routes = opts.routes;
    this.#fallback = opts.fallback ?? [];
    this.#random = opts.random ?? Math.random;
    this.#total = opts.routes.reduce((s, r) => s + r.weight, 0);
    this.label = `routed(${opts.routes.map((r) => `${r.engine.label}:${r.weight}`).join(',')}${this.#fallback.length ? `;fallback:${this.#fallback.map((e) => e.label).join(',')}` : ''})`;
    this.capabilities = commonCapabilities([...opts.routes.map((r) => r.engine), ...this.#fallback]);
  }

  /** The engines a request tries, in order: the one picked by weight, the other routes by weight, then the fallbacks. */
  order(): Engine[] {
    let x = this.#random() * this.#total;
    let picked = this.#routes.length - 1;
    for (let i = 0; i < this.#routes.length; i++) {
      x -= this.#routes[i].weight;
      if (x < 0) { picked = i; break; }
    }
    const rest = this.#routes.filter((_, i) => i !== picked).sort((a, b) => b.weight - a.weight).map((r) => r.engine);
    return [this.#routes[picked].engine, ...rest, ...this.#fallback];
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    const primary = [...this.#routes].sort((a, b) => b.weight - a.weight)[0].engine;
    return primary.countTokens({ ...input, messages: this.#signedFor(input.messages, primary) });
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    if (this.#disposed) throw Errors.modelUnavailable(this.label, 'the engine has been shut down');
    const engines = this.order();
    for (let i = 0; i < engines.length; i++) {
      const engine = engines[i];
      let prompt: GenerateEvent | undefined;
      let started = false;
      try {
        for await (const ev of engine.stream({ ...input, messages: this.#signedFor(input.messages, engine) })) {
          if ((ev.type === 'text-delta' || ev.type === 'function-call') && ev.thoughtSignature) this.#remember(ev.thoughtSignature, engine);
          if (ev.type === 'prompt') {
            // Held until output: a failure before it can still move to another engine.
            prompt = { ...ev, engine: ev.engine ?? engine.label };
            continue;
          }
          if (!started) {
            started = true;
            if (prompt) yield prompt;
          }
          yield ev;
        }
        if (!started && prompt) yield prompt;
        return;
      } catch (e) {
        const last = i === engines.length - 1;
        if (started || last || input.signal.aborted || !movable(e)) throw e;
      }
    }
  }

  async embed(input: EmbedInput): Promise<EmbedResult> {
    if (this.#disposed) throw Errors.modelUnavailable(this.label, 'the engine has been shut down');
    if (!this.capabilities.embeddings) throw Errors.capabilityUnsupported(this.label, 'Embeddings');
    const engines = this.order();
    for (let i = 0; ; i++) {
      try {
        return await engines[i].embed!(input);
      } catch (e) {
        if (i === engines.length - 1 || input.signal.aborted || !movable(e)) throw e;
      }
    }
  }

  /**
   * Context caching: a request naming the cache may land on any engine, so every member that
   * keeps prefix state warms it (together). One member's failure does not stop the others; once
   * all are done the first failure is rethrown, so the caller can report it (a member that failed
   * to warm still serves the cache, evaluating the prefix when a request needs it).
   */
  async warmCachedPrefix(input: WarmPrefixInput): Promise<void> {
    await forEachMember(this.#members(), (e) => e.warmCachedPrefix?.(input));
  }

  /** Frees the cache's state on every member that keeps it, even when one of them fails (rethrown after). */
  async releaseCachedPrefix(id: string): Promise<void> {
    await forEachMember(this.#members(), (e) => e.releaseCachedPrefix?.(id));
  }

  /** `messages` with only the thought signatures `engine` issued (the same array when nothing is dropped). */
  #signedFor(messages: ChatMessage[], engine: Engine): ChatMessage[] {
    const foreign = (p: ChatMessage['parts'][number]) =>
      (p.type === 'text' || p.type === 'function-call') && p.thoughtSignature !== undefined && this.#issuers.get(digest(p.thoughtSignature)) !== engine;
    if (!messages.some((m) => m.parts.some(foreign))) return messages;
    return messages.map((m) => ({
      ...m,
      parts: m.parts.map((p) => {
        if (!foreign(p)) return p;
        const { thoughtSignature: _dropped, ...rest } = p as typeof p & { thoughtSignature?: string };
        return rest as typeof p;
      }),
    }));
  }

  #remember(signature: string, engine: Engine): void {
    const key = digest(signature);
    this.#issuers.delete(key);
    this.#issuers.set(key, engine);
    if (this.#issuers.size > MAX_REMEMBERED_SIGNATURES) this.#issuers.delete(this.#issuers.keys().next().value!);
  }

  /** Every engine a request may reach, once each. */
  #members(): Engine[] {
    return [...new Set([...this.#routes.map((r) => r.engine), ...this.#fallback])];
  }

  /** Stops taking requests; the engines routed to are owned (and disposed) by whoever created them. */
  async dispose(): Promise<void> {
    this.#disposed = true;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Runs `fn` on every engine at once; after all settle, throws the first failure if any. */
async function forEachMember(engines: Engine[], fn: (engine: Engine) => Promise<void> | undefined): Promise<void> {
  const outcomes = await Promise.allSettled(engines.map(async (e) => fn(e)));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/** How many thought signatures a routed engine remembers the issuer of (by digest: about 1 MB). */
export const MAX_REMEMBERED_SIGNATURES = 10_000;

/** What a signature is remembered by: its SHA-256 (Google's run to kilobytes). */
function digest(signature: string): string {
  return createHash('sha256').update(signature).digest('base64');
}

/** A failure another engine might not have: anything but an error about the request itself. */
function movable(e: unknown): boolean {
  return !isGemserveError(e) || e.kind === 'system' || e.retryable;
}

function commonCapabilities(engines: Engine[]): EngineCapabilities {
  const caps = engines.map((e) => e.capabilities);
  const all = (k: 'structuredOutput' | 'functionCalling' | 'thinking' | 'logprobs') => caps.every((c) => c[k] === true);
  const modalities = (['IMAGE', 'AUDIO'] as const).filter((m) => caps.every((c) => c.inputModalities?.includes(m)));
  const dimensions = new Set(caps.map((c) => c.embeddings?.dimensions));
  const embedAll = engines.every((e) => e.embed) && dimensions.size === 1 && !dimensions.has(undefined);
  return {
    maxCandidates: Math.min(...caps.map((c) => c.maxCandidates)),
    contextTokens: Math.min(...caps.map((c) => c.contextTokens)),
    ...(caps.some((c) => c.maxPromptTokens !== undefined) ? { maxPromptTokens: Math.min(...caps.map((c) => c.maxPromptTokens ?? c.contextTokens)) } : {}),
    ...(modalities.length ? { inputModalities: modalities } : {}),
    ...(all('structuredOutput') ? { structuredOutput: true } : {}),
    ...(all('functionCalling') ? { functionCalling: true } : {}),
    ...(all('thinking') ? { thinking: true } : {}),
    ...(all('logprobs') ? { logprobs: true } : {}),
    ...(caps.some((c) => c.thoughtSignatures) ? { thoughtSignatures: true } : {}),
    ...(embedAll ? { embeddings: { dimensions: [...dimensions][0]! } } : {}),
  };
}
