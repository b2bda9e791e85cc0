import type { ContentEmbedding } from '../../api/gemini/types.js';
import type { Engine } from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import type { CallBase } from '../generation-call.js';
import type { EmbedJob } from './parse-embed-request.js';

/** The first `n` values (all when `n` is absent), scaled to unit length; a zero vector stays zero. */
export function truncateAndNormalise(values: readonly number[], n?: number): number[] {
  const kept = n === undefined ? [...values] : values.slice(0, n);
  const norm = Math.sqrt(kept.reduce((s, v) => s + v * v, 0));
  return norm > 0 ? kept.map((v) => v / norm) : kept;
}

/** The engine's `embed`, or a 400 naming why this model cannot embed. */
function embedderOf(engine: Engine, modelId: string): NonNullable<Engine['embed']> & { dimensions: number } {
  const dimensions = engine.capabilities.embeddings?.dimensions;
  if (!dimensions || !engine.embed) {
    throw Errors.invalidArgument(
      `models/${modelId} cannot compute embeddings on this server: the model bound to it (${engine.label}, ` +
        `${engine.kind} engine) is not an embedding model. Bind an embedding GGUF to it, one whose metadata ` +
        'declares a pooling type (<arch>.pooling_type), e.g. a Qwen3-Embedding or nomic-embed-text model; ' +
        'for an upstream engine (gemini-upstream, openai-compatible), set embeddingDimensions in its config.',
    );
  }
  return Object.assign(engine.embed.bind(engine), { dimensions });
}

/**
 * Runs an embedding call's jobs (one per text) through one engine call and shapes each vector; returns the
 * embeddings in order and the tokens embedded (a sum, so engines that report only a total, on
 * the first text, meter the same).
 */
export async function embedTexts(call: CallBase, jobs: readonly EmbedJob[]): Promise<{ embeddings: ContentEmbedding[]; tokens: number }> {
  const modelId = call.model.definition.id;
  const embed = embedderOf(call.model.engine, modelId);
  jobs.forEach(({ request: { outputDimensionality } }, i) => {
    if (outputDimensionality !== undefined && outputDimensionality > embed.dimensions) {
      const at = call.method === 'batchEmbedContents' ? `requests[${i}].` : '';
      throw Errors.invalidArgument(
        `${at}output_dimensionality ${outputDimensionality} is larger than the ${embed.dimensions} dimensions ` +
          `of models/${modelId} on this server.`,
        `${at}output_dimensionality`,
      );
    }
  });
  const { vectors, tokens } = await embed({ texts: jobs.map((j) => j.text), requests: jobs.map((j) => j.request), signal: call.signal });
  // An upstream that applied outputDimensionality itself returns N unnormalised values:
  // keeping the first N of N and normalising again is the identity on its direction.
  const embeddings = vectors.map((v, i) => ({ values: truncateAndNormalise(v, jobs[i].request.outputDimensionality) }));
  return { embeddings, tokens: tokens.reduce((a, b) => a + b, 0) };
}
