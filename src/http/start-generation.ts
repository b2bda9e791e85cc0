import type { GenerateContentRequest } from '../api/gemini/types.js';
import type { ResponseMeta } from '../convert/convert-to-gemini-response.js';
import { runWithCodeExecution } from '../core/code-execution-loop.js';
import type { GenerateInput, GenerationEvent } from '../core/engine.js';
import { recordGeneration, replayGeneration } from '../gateway/cache/record-generation.js';
import { lookupResponse, responseCacheKeyFor } from '../gateway/cache/response-caching.js';
import type { Caller } from '../gateway/caller.js';
import { batchRequestOf } from './batch/batch-request.js';
import type { MethodContext } from './method-context.js';
import { newResponseMeta } from './new-response-meta.js';

/** A generation's events, and the `responseId`/`modelVersion` its response (every chunk of it) carries. */
export interface Generation {
  events: AsyncIterable<GenerationEvent>;
  meta: ResponseMeta;
}

/**
 * How the response cache answered (gemserve's own header; Google has none): `hit` (no engine
 * work; the body is the stored one, `responseId` included), `miss` (the engine ran; the result is
 * stored if it completes), `bypass` (the cache policy leaves this request to the engine, e.g.
 * temperature 1 without a seed). Absent when the server runs without a cache.
 */
export const CACHE_HEADER = 'x-gemserve-cache';

/**
 * The engine that took the request, when the model routes between engines (engines/routed/):
 * its label, from the engine's `prompt` event. For canary checks by apps, and for metering.
 */
export const ENGINE_HEADER = 'x-gemserve-engine';

/**
 * The events of one generation: the engine's stream, wrapped in the code-execution loop when
 * the request turned that tool on (convert-to-generate-input.ts has already refused it when the
 * server has no sandbox). With a response cache, a stored generation is replayed instead, or
 * the engine's is recorded ("caching wraps the engine", STYLE.md): the routes convert the events
 * either way, so a stored generation answers both generateContent and streamGenerateContent.
 */
export async function startGeneration(ctx: MethodContext, req: GenerateContentRequest, interactive: GenerateInput): Promise<Generation> {
  // Batch API requests wait behind interactive ones for an engine slot (core/scheduler.ts).
  const input: GenerateInput = batchRequestOf(ctx.request) ? { ...interactive, priority: 'batch' } : interactive;
  const meta = newResponseMeta(ctx.entry);
  const caching = ctx.responseCache;
  if (!caching) return { events: runEngine(ctx, req, input), meta };
  const { request, reply, entry } = ctx;
  const key = responseCacheKeyFor(caching, {
    // authenticate.ts sets `request.caller`; `callerId` (the key's hash) is the older field.
    callerId: (request as { caller?: Caller }).caller?.id ?? request.callerId,
    model: entry.definition.id,
    engine: `${entry.engine.kind}:${entry.engine.label}`,
    request: req,
  });
  if (key === undefined) {
    reply.header(CACHE_HEADER, 'bypass');
    return { events: runEngine(ctx, req, input), meta };
  }
  const cached = await lookupResponse(caching, key);
  reply.header(CACHE_HEADER, cached ? 'hit' : 'miss');
  if (cached) return { events: replayGeneration(cached), meta: { responseId: cached.responseId, modelVersion: cached.modelVersion } };
  const target = { key, ...meta, candidateCount: input.candidateCount, signal: input.signal };
  return { events: recordGeneration(caching, target, runEngine(ctx, req, input)), meta };
}

function runEngine(ctx: MethodContext, req: GenerateContentRequest, input: GenerateInput): AsyncIterable<GenerationEvent> {
  const wantsCode = (req.tools ?? []).some((t) => t.codeExecution !== undefined);
  if (wantsCode && ctx.codeRunner) return nameEngine(ctx, runWithCodeExecution(ctx.entry.engine, input, ctx.codeRunner));
  return nameEngine(ctx, ctx.entry.engine.stream(input));
}

/** Passes the events on, setting ENGINE_HEADER from a routed engine's `prompt` event (before any byte is sent). */
async function* nameEngine(ctx: MethodContext, events: AsyncIterable<GenerationEvent>): AsyncGenerator<GenerationEvent> {
  for await (const ev of events) {
    if (ev.type === 'prompt' && ev.engine && !ctx.reply.sent && !ctx.reply.raw.headersSent) ctx.reply.header(ENGINE_HEADER, ev.engine);
    yield ev;
  }
}
