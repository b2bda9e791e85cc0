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

export const PREBUILT_VOICE_CONFIG = defineMessage('PrebuiltVoiceConfig', {
  voiceName: field.string(),
});

export const VOICE_CONFIG = defineMessage('VoiceConfig', {
  prebuiltVoiceConfig: field.message(PREBUILT_VOICE_CONFIG),
  /** A voice cloned from a sample (`ReplicatedVoiceConfig` in both SDKs); opaque. */
  replicatedVoiceConfig: field.struct(),
  voice: field.string(),
});

export const SPEAKER_VOICE_CONFIG = defineMessage('SpeakerVoiceConfig', {
  speaker: field.string(),
  voiceConfig: field.message(VOICE_CONFIG),
});

export const MULTI_SPEAKER_VOICE_CONFIG = defineMessage('MultiSpeakerVoiceConfig', {
  speakerVoiceConfigs: repeated(field.message(SPEAKER_VOICE_CONFIG)),
});

/** `SpeechConfig` (generative_service.proto; `SpeechConfig` in both SDKs). */
export const SPEECH_CONFIG = defineMessage('SpeechConfig', {
  voiceConfig: field.message(VOICE_CONFIG),
  multiSpeakerVoiceConfig: field.message(MULTI_SPEAKER_VOICE_CONFIG),
  languageCode: field.string(),
});
export interface SpeechConfig extends MessageType<typeof SPEECH_CONFIG> {}

/**
 * `ImageConfig` (`aspectRatio`, `imageSize` for the Gemini API; the rest Vertex AI's, in both
 * SDKs' `ImageConfig`). Enum-valued fields are strings, so values Google adds are not refused.
 */
export const IMAGE_CONFIG = defineMessage('ImageConfig', {
  aspectRatio: field.string(),
  imageSize: field.string(),
  personGeneration: field.string(),
  prominentPeople: field.string(),
  outputMimeType: field.string(),
  outputCompressionQuality: field.int32(),
  imageOutputOptions: field.struct(),
});
export interface ImageConfig extends MessageType<typeof IMAGE_CONFIG> {}

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
  /** Text-to-speech voices; no local engine speaks, so nothing reads it. */
  speechConfig: field.message(SPEECH_CONFIG).as<SpeechConfig>(),
  /** Image generation; no local engine makes images, so nothing reads it. */
  imageConfig: field.message(IMAGE_CONFIG).as<ImageConfig>(),
  /** Google's replacement for HARM_CATEGORY_CIVIC_INTEGRITY (safety.proto); no local effect. */
  enableEnhancedCivicAnswers: field.bool(),
  thinkingConfig: field.message(THINKING_CONFIG).as<ThinkingConfig>(),
  /** Transcription of audio input or output (both SDKs' `audioTranscriptionConfig`); opaque, no local effect. */
  audioTranscriptionConfig: field.struct(),
  // Fields both SDKs' `GenerationConfig` type has and whose converters refuse for the Gemini API,
  // or that only Vertex AI reads, but that a client holding that type may still send raw
  // (@ai-sdk/google sends `audioTimestamp` to either API): known, so not refused; no local effect.
  audioTimestamp: field.bool(),
  enableAffectiveDialog: field.bool(),
  modelSelectionConfig: field.struct(),
  routingConfig: field.struct(),
  responseFormat: repeated(field.struct()),
  translationConfig: field.struct(),
});
export interface GenerationConfig extends MessageType<typeof GENERATION_CONFIG> {}
