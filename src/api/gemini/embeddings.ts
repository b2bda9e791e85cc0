import type { Content } from './content.js';

/** `models.embedContent` and `models.batchEmbedContents` (generative_service.proto in googleapis/googleapis). */

/**
 * How an embedding will be used (google.ai.generativelanguage.v1beta `TaskType`). Google's
 * models tune the vector for it; a local model has no task heads (see embed-content.ts).
 */
export type EmbeddingTaskType =
  | 'TASK_TYPE_UNSPECIFIED' | 'RETRIEVAL_QUERY' | 'RETRIEVAL_DOCUMENT' | 'SEMANTIC_SIMILARITY'
  | 'CLASSIFICATION' | 'CLUSTERING' | 'QUESTION_ANSWERING' | 'FACT_VERIFICATION' | 'CODE_RETRIEVAL_QUERY';

/** `POST …:embedContent`, and each entry of a batch. Only the text parts of `content` are embedded. */
export interface EmbedContentRequest {
  /** `models/{id}`; required in a batch entry, where it must name the model of the URL. */
  model?: string;
  content: Content;
  taskType?: EmbeddingTaskType;
  /** Only with taskType RETRIEVAL_DOCUMENT. */
  title?: string;
  /** Keep the first N values of the vector (Matryoshka truncation). */
  outputDimensionality?: number;
}

export interface ContentEmbedding {
  values: number[];
}

export interface EmbedContentResponse {
  embedding: ContentEmbedding;
}

/** `POST …:batchEmbedContents`; the SDKs call this even for one text. */
export interface BatchEmbedContentsRequest {
  requests: EmbedContentRequest[];
}

export interface BatchEmbedContentsResponse {
  /** One per request, in request order. */
  embeddings: ContentEmbedding[];
}
