import { defineEnum, defineMessage, field, repeated, type MessageType } from './define-message.js';
import { SCHEMA, type Schema } from './schema.js';

/**
 * `GenerationConfig` and `ThinkingConfig` (generative_service.proto in googleapis/googleapis;
 * fields newer than the protos, such as `thinkingLevel`, from `@google/genai` `src/types.ts`).
 */

export const THINKING_LEVEL = defineEnum('ThinkingConfig.ThinkingLevel', [
  'THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH',
]);

export const THINKING_CONFIG = defineMessage('ThinkingConfig', {
  thinkingBudget: field.int32(),
  includeThoughts: field.bool(),
  thinkingLevel: field.enum(THINKING_LEVEL),
});
export interface ThinkingConfig extends MessageType<typeof THINKING_CONFIG> {}

/** What a request asks the model to answer with (not the `Modality` of token counts). */
export const RESPONSE_MODALITY = defineEnum('GenerationConfig.Modality', ['MODALITY_UNSPECIFIED', 'TEXT', 'IMAGE', 'AUDIO']);

export const GENERATION_CONFIG = defineMessage('GenerationConfig', {
  candidateCount: field.int32(),
  stopSequences: repeated(field.string()),
  maxOutputTokens: field.int32(),
  temperature: field.float(),
  topP: field.float(),
  topK: field.int32(),
  seed: field.int32(),
  presencePenalty: field.float(),
  frequencyPenalty: field.float(),
  responseMimeType: field.string(),
  responseSchema: field.message(SCHEMA).as<Schema>(),
  responseJsonSchema: field.value(),
  /**
   * The other JSON name of a JSON schema: generative_service.proto gives `response_json_schema`
   * the json_name `_responseJsonSchema` ("an internal detail"), and `responseJsonSchema` to
   * `response_json_schema_ordered`.
   */
  _responseJsonSchema: field.value(),
  responseLogprobs: field.bool(),
  logprobs: field.int32(),
  responseModalities: repeated(field.enum(RESPONSE_MODALITY)),
  // A string, not the proto's MediaResolution enum, so levels Google adds later are not
  // refused; the media step reads it (src/media/choose-pixel-budget.ts).
  mediaResolution: field.string(),
  /** Text-to-speech voices; opaque here, no local engine speaks. */
  speechConfig: field.struct(),
  /**
   * Image generation (`aspectRatio`, `imageSize`, ... in `@google/genai`'s `ImageConfig`);
   * opaque here, no local engine makes images, and its inner names are not normalised.
   */
  imageConfig: field.struct(),
  /** Google's replacement for HARM_CATEGORY_CIVIC_INTEGRITY (safety.proto); no local effect. */
  enableEnhancedCivicAnswers: field.bool(),
  thinkingConfig: field.message(THINKING_CONFIG).as<ThinkingConfig>(),
});
export interface GenerationConfig extends MessageType<typeof GENERATION_CONFIG> {}
