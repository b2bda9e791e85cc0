import { Errors, isGemserveError, type GemserveError } from '../../core/errors.js';
import { toErrorEnvelope } from '../error-envelope.js';
import { CACHE_HEADER, ENGINE_HEADER, MEDIA_PATH_HEADER } from '../gemserve-headers.js';
import { callOf, type MethodContext } from '../method-context.js';
import { StreamWriter } from '../stream-writer.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:streamGenerateContent[?alt=sse]`.
 *
 * Headers are committed only when the first chunk is ready, so that anything failing before
 * (validation, media, an unknown model, an overloaded engine, a deadline) is an ordinary non-200
 * JSON error; after that, failures go in-band as a last `{"error": …}` chunk
 * (ai.google.dev/api/generate-content#method:-models.streamgeneratecontent). A client disconnect
 * or an `X-Server-Timeout` aborts the call's signal, which stops the generation and frees its
 * slot; the service meters what was sent however the stream ends.
 */
export async function streamGenerateContent(ctx: MethodContext): Promise<void> {
  const { request, reply } = ctx;
  const format = (request.query as Record<string, unknown>).alt === 'sse' ? 'sse' : 'json-array';
  const watch = watchRequest(request, reply);
  try {
    const stream = await ctx.service.stream(callOf(ctx, watch.signal));
    const first = await stream.chunks.next();
    // The service ends a stream without any chunk only by throwing; this is belt and braces.
    if (first.done) throw Errors.internal(new Error('engine ended without any output'));
    if (stream.cache) reply.header(CACHE_HEADER, stream.cache);
    const routedTo = stream.routedTo();
    if (routedTo) reply.header(ENGINE_HEADER, routedTo);
    if (stream.mediaPaths.length > 0) reply.header(MEDIA_PATH_HEADER, stream.mediaPaths.join(', '));

    reply.hijack();
    const writer = new StreamWriter(reply.raw, format);
    try {
      writer.start(reply.getHeaders());
      await writer.write(first.value);
      for (let next = await stream.chunks.next(); !next.done; next = await stream.chunks.next()) await writer.write(next.value);
      writer.end();
    } catch (e) {
      const error: GemserveError = watch.abortReason() ?? (isGemserveError(e) ? e : Errors.internal(e));
      if (error.cause !== undefined) request.log.error({ err: error.cause }, 'stream failed after headers were sent');
      stream.failed(error);
      await stream.chunks.return();
      if (!watch.clientGone) await writer.fail(toErrorEnvelope(error).body);
    }
  } finally {
    watch.dispose();
  }
}
