/**
 * Embedding input → the JSON Google's embedding methods take (ai.google.dev/api/embeddings; the v1beta
 * `BatchEmbedContentsRequest` and `CountTokensRequest`). The engine's own minimal mapping:
 * engines never see src/api's wire types.
 *
 * - Each text is one `EmbedContentRequest` naming the model (Google requires `model` in every
 *   entry of a batch) with the client's `taskType`, `title` and `outputDimensionality` passed on
 *   as they came: Google applies them, the title kept apart from the text.
 * - The route joined a Content's text parts with "\n" (one vector per Content, as Google
 *   returns); that text goes out as one part.
 * - Token counting uses the bare `{contents}` form, one Content per text: only the texts are
 *   counted, which is all an embedding has.
 */
import type { EmbedInput } from '../../core/engine.js';

/** One text to embed with the client's fields (`EmbedInput.requests`). */
export type EmbedRequestFields = NonNullable<EmbedInput['requests']>[number];

/** The `:batchEmbedContents` body for `requests` on `model` (its id, without `models/`). */
export function convertToBatchEmbedRequest(requests: readonly EmbedRequestFields[], model: string): { requests: Array<Record<string, unknown>> } {
  return {
    requests: requests.map((r) => ({
      model: `models/${model}`,
      content: { parts: [{ text: r.text }] },
      ...(r.taskType !== undefined ? { taskType: r.taskType } : {}),
      ...(r.title !== undefined ? { title: r.title } : {}),
      ...(r.outputDimensionality !== undefined ? { outputDimensionality: r.outputDimensionality } : {}),
    })),
  };
}

/** The `:countTokens` body counting `texts`, one Content each. */
export function convertToEmbedCountRequest(texts: readonly string[]): { contents: Array<{ role: 'user'; parts: Array<{ text: string }> }> } {
  return { contents: texts.map((text) => ({ role: 'user', parts: [{ text }] })) };
}
