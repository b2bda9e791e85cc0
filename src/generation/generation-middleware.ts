import type { GenerateContentRequest } from '../api/gemini/types.js';
import type { ResponseMeta } from '../convert/convert-to-gemini-response.js';
import type { GenerateInput, GenerationEvent, PromptTokenCount } from '../core/engine.js';
import type { ModelCall } from './generation-call.js';

/** How the response cache answered a call: `hit` (no engine work), `miss` (the engine ran), `bypass` (not cacheable). */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** The engine side of one generation, as each concern sees it and may change it. */
export interface EngineRun {
  events: AsyncIterable<GenerationEvent>;
  /** The `responseId` and `modelVersion` every chunk of the response carries (a cache hit replays the stored ones). */
  meta: ResponseMeta;
  /** How the response cache answered; absent when the server has none. */
  cache?: CacheStatus;
  /** Set when the prompt was blocked: its count; `events` is then empty and nothing was generated. */
  blocked?: PromptTokenCount;
}

/** What a concern knows of the call besides the engine input: the call and its request as the engine will see it (cached content merged). */
export interface GenerationContext {
  call: ModelCall;
  request: GenerateContentRequest;
  /** The identity the response will carry unless a concern replaces it. */
  meta: ResponseMeta;
}

/** The layers below a concern: the engine input → the run. */
export type RunEngine = (input: GenerateInput) => Promise<EngineRun>;

/**
 * One cross-cutting concern around the engine, in the style of vercel/ai's `wrapLanguageModel`
 * middleware (`wrapStream`): given the call and the layers below it, it returns the run the layers
 * above see. It may answer without calling `next` (a blocked prompt, a cache hit), call it more
 * than once (code execution's rounds), or pass its events through while watching them (recording
 * for the cache). The engine never knows.
 */
export type GenerationMiddleware = (ctx: GenerationContext, next: RunEngine) => RunEngine;

/** The engine wrapped in `middlewares`, the first outermost. */
export function wrapEngine(ctx: GenerationContext, engine: RunEngine, middlewares: readonly GenerationMiddleware[]): RunEngine {
  return middlewares.reduceRight<RunEngine>((next, middleware) => middleware(ctx, next), engine);
}
