import { convertToGeminiChunks } from '../../convert/convert-to-gemini-chunks.js';
import { convertToGenerateInput } from '../../convert/convert-to-generate-input.js';
import { convertToOutputOptions } from '../../convert/convert-to-output-parts.js';
import { Errors, isGemserveError, type GemserveError } from '../../core/errors.js';
import { answerBlockedPrompt, oneChunk } from '../answer-blocked-prompt.js';
import { applyCachedContent, cachedPrefixOf, chunksWithCachedContentTokens } from '../apply-cached-content.js';
import { toErrorEnvelope } from '../error-envelope.js';
import { meterGeneration, type GenerationMeter } from '../meter-generation.js';
import type { MethodContext } from '../method-context.js';
import { parseGenerateContentRequest } from '../parse-gemini-request.js';
import { resolveRequestMedia } from '../resolve-request-media.js';
import { startGeneration } from '../start-generation.js';
import { StreamWriter } from '../stream-writer.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:streamGenerateContent[?alt=sse]`.
 *
 * Headers are committed only when the first chunk is ready, so that anything failing before
 * (validation, media, an unknown model, an overloaded engine, a deadline) is an ordinary non-200 JSON
 * error; after that, failures go in-band (GEMINI-API.md TL;DR 7). A client disconnect or an
 * `X-Server-Timeout` aborts the engine's signal, which stops the generation and frees its slot.
 * Usage is metered from the last chunk sent, also when the stream fails or the client leaves.
 */
export function streamGenerateContent(ctx: MethodContext): Promise<void> {
  return meterGeneration(ctx, 'streamGenerateContent', (meter) => stream(ctx, meter));
}

async function stream(ctx: MethodContext, meter: GenerationMeter): Promise<void> {
  const { request, reply, entry } = ctx;
  const { req, use } = await applyCachedContent(ctx, parseGenerateContentRequest(request.body));
  const format = (request.query as Record<string, unknown>).alt === 'sse' ? 'sse' : 'json-array';
  const watch = watchRequest(request, reply);
  try {
    let chunks;
    let first;
    try {
      const media = await resolveRequestMedia(ctx, req, watch.signal);
      const input = convertToGenerateInput(req, entry, media, { codeExecution: ctx.codeRunner !== undefined });
      if (use) input.cachedPrefix = cachedPrefixOf(use, entry, media);
      const blocked = await answerBlockedPrompt(ctx, req, input.messages);
      chunks = meter.chunks(blocked ? oneChunk(blocked) : await startGeneration(ctx, req, { ...input, signal: watch.signal })
        .then((g) => chunksWithCachedContentTokens(convertToGeminiChunks(g.events, g.meta, convertToOutputOptions(req)), use)));
      first = await chunks.next();
    } catch (e) {
      throw watch.abortReason() ?? e;
    }
    if (first.done) throw watch.abortReason() ?? Errors.internal(new Error('engine ended without any output'));

    reply.hijack();
    const writer = new StreamWriter(reply.raw, format);
    try {
      writer.start(reply.getHeaders());
      await writer.write(first.value);
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) await writer.write(next.value);
      const aborted = watch.abortReason();
      if (aborted) meter.failedInBand(aborted);
      if (aborted && !watch.clientGone) await writer.fail(toErrorEnvelope(aborted).body);
      else writer.end();
    } catch (e) {
      const error: GemserveError = watch.abortReason() ?? (isGemserveError(e) ? e : Errors.internal(e));
      if (error.cause !== undefined) request.log.error({ err: error.cause }, 'stream failed after headers were sent');
      meter.failedInBand(error);
      await writer.fail(toErrorEnvelope(error).body);
    }
  } finally {
    watch.dispose();
  }
}
