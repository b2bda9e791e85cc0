import { classifyInteraction, modelOfPath } from './classify-interaction.js';
import type { RecordingFile } from './recording-format.js';

/** Methods whose model must embed (ai.google.dev/api/embeddings). */
const EMBED_METHOD = /:(?:embedContent|batchEmbedContents|asyncBatchEmbedContent)\b/;

/** Vector length of the fake embedding engine: text-embedding-004's 768 (ai.google.dev/gemini-api/docs/models). */
const EMBEDDING_DIMENSIONS = 768;

/**
 * A gemserve config file binding every model the recordings' Gemini API requests name to one
 * engine, the fake one unless another is given (and to a fake one that embeds for embedding methods). A name only ever answered 404 by Google
 * is left out: the recording expects it to be unknown.
 */
export function buildModelsConfig(
  recordings: RecordingFile[], engine: Record<string, unknown> = { kind: 'fake' },
): { engines: Record<string, unknown>; models: Record<string, string> } {
  const models: Record<string, string> = {};
  for (const { request, response } of recordings.flatMap((r) => r.interactions)) {
    if (classifyInteraction(request) !== 'gemini-api') continue;
    const model = modelOfPath(request.url);
    if (!model || response.statusCode === 404) continue;
    if (EMBED_METHOD.test(request.url)) models[model] = 'demo-embed';
    else models[model] ??= 'demo';
  }
  const sorted = Object.fromEntries(Object.entries(models).sort(([a], [b]) => a.localeCompare(b)));
  const engines: Record<string, unknown> = { demo: engine };
  if (Object.values(models).includes('demo-embed')) engines['demo-embed'] = { kind: 'fake', embeddingDimensions: EMBEDDING_DIMENSIONS };
  return { engines, models: sorted };
}
