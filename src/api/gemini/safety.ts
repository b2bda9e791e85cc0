import { defineEnum, defineMessage, field, required, type EnumValue, type MessageType } from './define-message.js';

/** Safety settings of a request (safety.proto in googleapis/googleapis). */

/**
 * Every `HarmCategory` the v1beta proto defines, in its order: six PaLM-era categories, then
 * the five the proto tags **Gemini** (CIVIC_INTEGRITY deprecated in favour of
 * `generationConfig.enableEnhancedCivicAnswers`). A value outside this list is a type error
 * (`Invalid value at 'safety_settings[0].category'`). `@google/genai` also lists
 * HARM_CATEGORY_JAILBREAK and HARM_CATEGORY_IMAGE_* (Vertex AI's; the SDK marks the image ones
 * "not supported in Gemini API"), which this proto does not define.
 */
export const HARM_CATEGORY = defineEnum('HarmCategory', [
  'HARM_CATEGORY_UNSPECIFIED', 'HARM_CATEGORY_DEROGATORY', 'HARM_CATEGORY_TOXICITY',
  'HARM_CATEGORY_VIOLENCE', 'HARM_CATEGORY_SEXUAL', 'HARM_CATEGORY_MEDICAL', 'HARM_CATEGORY_DANGEROUS',
  'HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT', 'HARM_CATEGORY_CIVIC_INTEGRITY',
]);
export type HarmCategory = EnumValue<typeof HARM_CATEGORY>;

/**
 * The categories a Gemini model accepts in `safetySettings`, in the order Google's 400 lists
 * them (`element predicate failed: $.category in (...)`, seen verbatim): the proto's **Gemini**
 * ones. The PaLM-era ones and UNSPECIFIED parse, but Gemini refuses them.
 */
export const GEMINI_HARM_CATEGORIES = [
  'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_SEXUALLY_EXPLICIT', 'HARM_CATEGORY_DANGEROUS_CONTENT',
  'HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_CIVIC_INTEGRITY',
] as const satisfies readonly HarmCategory[];

export const HARM_BLOCK_THRESHOLD = defineEnum('SafetySetting.HarmBlockThreshold', [
  'HARM_BLOCK_THRESHOLD_UNSPECIFIED', 'BLOCK_LOW_AND_ABOVE', 'BLOCK_MEDIUM_AND_ABOVE',
  'BLOCK_ONLY_HIGH', 'BLOCK_NONE', 'OFF',
]);
export type HarmBlockThreshold = EnumValue<typeof HARM_BLOCK_THRESHOLD>;

export const SAFETY_SETTING = defineMessage('SafetySetting', {
  category: required(field.enum(HARM_CATEGORY)),
  threshold: required(field.enum(HARM_BLOCK_THRESHOLD)),
  /** Vertex AI's `HarmBlockMethod` (both SDKs' `SafetySetting`); a string, no local effect. */
  method: field.string(),
});
export interface SafetySetting extends MessageType<typeof SAFETY_SETTING> {}
