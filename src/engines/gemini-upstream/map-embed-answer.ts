/**
 * Google's `BatchEmbedContentsResponse` (`{embeddings: [{values}]}`, one per request, in request
 * order) → the engine's vectors, checked: an answer of the wrong shape is the upstream's fault
 * (`UPSTREAM_MALFORMED`), never passed on as vectors of the wrong length.
 *
 * A vector's length must be the configured `dimensions`, or the `outputDimensionality` its
 * request asked for: Google returns the first N values (unnormalised) when asked, and an
 * endpoint that ignores the field returns them all, which the HTTP layer then truncates.
 */
import type { EmbedRequestFields } from './convert-to-embed-request.js';
import { malformed } from './map-gemini-error.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The vectors of `answer`, one per request; throws the catalog's malformed error otherwise. */
export function mapEmbedAnswer(upstream: string, answer: unknown, requests: readonly EmbedRequestFields[], dimensions: number): number[][] {
  const embeddings = isObject(answer) ? answer.embeddings : undefined;
  if (!Array.isArray(embeddings)) throw malformed(upstream, 'batchEmbedContents answered without an embeddings array').error;
  if (embeddings.length !== requests.length) {
    throw malformed(upstream, `asked for ${requests.length} embeddings, got ${embeddings.length}`).error;
  }
  return embeddings.map((e: unknown, i) => {
    const values = isObject(e) ? e.values : undefined;
    if (!Array.isArray(values) || !values.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw malformed(upstream, `embedding ${i} is not an array of numbers`).error;
    }
    const asked = requests[i].outputDimensionality;
    if (values.length !== dimensions && values.length !== asked) {
      throw malformed(
        upstream,
        `embedding ${i} has ${values.length} values, expected ${asked ?? dimensions} (check embeddingDimensions in the config)`,
      ).error;
    }
    return values as number[];
  });
}
