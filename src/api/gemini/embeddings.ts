import { CONTENT, type Content } from './content.js';
import { defineEnum, defineMessage, field, repeated, required, type EnumValue, type MessageType } from './define-message.js';

/** `models.embedContent` and `models.batchEmbedContents` (generative_service.proto in googleapis/googleapis). */

/**
 * How an embedding will be used (google.ai.generativelanguage.v1beta `TaskType`). Google's
 * models tune the vector for it; a local model has no task heads (see embed-content.ts).
 */
export const TASK_TYPE = defineEnum('TaskType', [
  'TASK_TYPE_UNSPECIFIED', 'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY',
  'CLASSIFICATION', 'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY',
]);
export type EmbeddingTaskType = EnumValue<typeof TASK_TYPE>;

/** `POST …:embedContent`, and each entry of a batch. Only the text parts of `content` are embedded. */
export const EMBED_CONTENT_REQUEST = defineMessage('EmbedContentRequest', {
  /** `models/{id}`; required in a batch entry, where it must name the model of the URL. */
  model: field.string(),
  content: required(field.message(CONTENT).as<Content>()),
  taskType: field.enum(TASK_TYPE),
  /** Only with taskType RETRIEVAL_DOCUMENT. */
  title: field.string(),
  /** Keep the first N values of the vector (Matryoshka truncation). */
  outputDimensionality: field.int32(),
  /** Vertex AI's form of the settings above (`embedContentConfig` in js-genai's Vertex converter); read as they are. */
  embedContentConfig: field.struct(),
});
export interface EmbedContentRequest extends MessageType<typeof EMBED_CONTENT_REQUEST> {}

export interface ContentEmbedding {
  values: number[];
}

export interface EmbedContentResponse {
  embedding: ContentEmbedding;
}

/** `POST …:batchEmbedContents`; the SDKs call this even for one text. */
export const BATCH_EMBED_CONTENTS_REQUEST = defineMessage('BatchEmbedContentsRequest', {
  requests: required(repeated(field.message(EMBED_CONTENT_REQUEST).as<EmbedContentRequest>())),
});
export interface BatchEmbedContentsRequest extends MessageType<typeof BATCH_EMBED_CONTENTS_REQUEST> {}

export interface BatchEmbedContentsResponse {
  /** One per request, in request order. */
  embeddings: ContentEmbedding[];
}
