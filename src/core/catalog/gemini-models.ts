/**
 * The Gemini models gemserve serves by name, with the limits and defaults Google publishes.
 *
 * Sources: the live `GET /v1beta/models` listing (a captured copy is in the public repo
 * yuv-man/habeat-server `models.json`) and ai.google.dev/gemini-api/docs/models; the 1.5 and
 * 2.0 experimental entries from Google's model pages before their retirement. Token limits are
 * what ListModels reports (`inputTokenLimit`, `outputTokenLimit`).
 */

export type OutputModality = 'TEXT' | 'IMAGE' | 'AUDIO';

export interface ModelDefinition {
  /** The id as clients name it, without `models/`. */
  id: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature: number;
  maxTemperature: number;
  topP: number;
  /** Default top_k as ListModels reports it. */
  topK: number;
  /**
   * The documented quirk of the 1.5 "002" models: a top_k above 40 is clamped to 40, not
   * rejected (ai.google.dev, Gemini 1.5 model versions: "top_k ... range 1-40 ... values above
   * are clamped").
   */
  maxTopK?: number;
  thinking: boolean;
  /**
   * The thinking budgets the model takes (ai.google.dev/gemini-api/docs/thinking, "Set budgets":
   * 2.5 Pro 128..32768 and cannot turn thinking off; 2.5 Flash 0..24576). Absent on a thinking
   * model: no budget control (the 2.0 thinking experiment thinks, budgets are not honoured).
   */
  thinkingBudget?: { min: number; max: number; canDisable: boolean };
  /** Retired or superseded by Google; still served, flagged in its description. */
  legacy: boolean;
  outputModalities: OutputModality[];
  /** For `-latest` aliases: the id this alias points at. */
  aliasOf?: string;
  /**
   * Embedding models: the vector length Google's model returns by default. The length served
   * is the bound engine's (`capabilities.embeddings.dimensions`); this is documentation.
   */
  embeddingDimensions?: number;
}

/** Methods of a text generation model, as ListModels reports them. */
export const TEXT_METHODS = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];

/** Google's top_k ceiling on the 1.5 002 models. */
export const GEMINI_15_002_MAX_TOP_K = 40;

const base = {
  temperature: 1,
  maxTemperature: 2,
  topP: 0.95,
  supportedGenerationMethods: TEXT_METHODS,
  legacy: false,
  thinking: false,
  outputModalities: ['TEXT'] as OutputModality[],
};

/**
 * Embedding models, as ListModels reports them (captured listings: yuv-man/habeat-server
 * `models.json` for text-embedding-004; later ones for gemini-embedding-001, which adds the
 * token counting and async batch methods). Google's listing has no sampling fields for them;
 * the definition's are unused. Dimensions from ai.google.dev/gemini-api/docs/embeddings
 * (gemini-embedding-001: 3072, Matryoshka-truncatable to 768/1536) and the text-embedding-004
 * model card (768).
 */
const embeddingBase = { ...base, temperature: 0, maxTemperature: 0, topP: 1, topK: 1, outputTokenLimit: 1 };

/** The Gemini embedding models gemserve serves by name (bound to a local GGUF embedding model). */
export const GEMINI_EMBEDDING_MODELS: readonly ModelDefinition[] = [
  {
    ...embeddingBase,
    id: 'gemini-embedding-001',
    version: '001',
    displayName: 'Gemini Embedding 001',
    description: 'Obtain a distributed representation of a text.',
    inputTokenLimit: 2048,
    supportedGenerationMethods: ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'],
    embeddingDimensions: 3072,
  },
  {
    ...embeddingBase,
    id: 'text-embedding-004',
    version: '004',
    displayName: 'Text Embedding 004',
    description: 'Obtain a distributed representation of a text. Legacy: superseded by gemini-embedding-001.',
    inputTokenLimit: 2048,
    supportedGenerationMethods: ['embedContent'],
    embeddingDimensions: 768,
    legacy: true,
  },
];

export const GEMINI_MODELS: readonly ModelDefinition[] = [
  {
    ...base,
    id: 'gemini-1.5-flash-002',
    version: '002',
    displayName: 'Gemini 1.5 Flash 002',
    description: 'Stable version of Gemini 1.5 Flash, released in September of 2024. Legacy: retired by Google.',
    inputTokenLimit: 1_000_000,
    outputTokenLimit: 8192,
    topK: 40,
    maxTopK: GEMINI_15_002_MAX_TOP_K,
    legacy: true,
  },
  {
    ...base,
    id: 'gemini-1.5-pro-002',
    version: '002',
    displayName: 'Gemini 1.5 Pro 002',
    description: 'Stable version of Gemini 1.5 Pro, released in September of 2024. Legacy: retired by Google.',
    inputTokenLimit: 2_000_000,
    outputTokenLimit: 8192,
    topK: 40,
    maxTopK: GEMINI_15_002_MAX_TOP_K,
    legacy: true,
  },
  {
    ...base,
    id: 'gemini-2.0-flash',
    version: '2.0',
    displayName: 'Gemini 2.0 Flash',
    description: 'Gemini 2.0 Flash',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 8192,
    topK: 40,
  },
  {
    ...base,
    id: 'gemini-2.0-flash-lite',
    version: '2.0',
    displayName: 'Gemini 2.0 Flash-Lite',
    description: 'Gemini 2.0 Flash-Lite',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 8192,
    topK: 40,
  },
  {
    ...base,
    id: 'gemini-2.0-flash-thinking-exp-01-21',
    version: '2.0-exp-01-21',
    displayName: 'Gemini 2.0 Flash Thinking Experimental 01-21',
    description:
      'Preview release (January 21st, 2025) of Gemini 2.0 Flash Thinking. Legacy: experimental, superseded by Gemini 2.5.',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    topK: 64,
    thinking: true,
    legacy: true,
  },
  {
    ...base,
    id: 'gemini-2.0-flash-exp-image-generation',
    version: '2.0',
    displayName: 'Gemini 2.0 Flash (Image Generation) Experimental',
    description:
      'Gemini 2.0 Flash (Image Generation) Experimental. Legacy: experimental, superseded by Gemini 2.5 Flash Image.',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 8192,
    topK: 40,
    legacy: true,
    outputModalities: ['TEXT', 'IMAGE'],
  },
  {
    ...base,
    id: 'gemini-2.5-flash',
    version: '001',
    displayName: 'Gemini 2.5 Flash',
    description:
      'Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up to 1 million tokens, released in June of 2025.',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    topK: 64,
    thinking: true,
    thinkingBudget: { min: 1, max: 24_576, canDisable: true },
  },
  {
    ...base,
    id: 'gemini-2.5-pro',
    version: '2.5',
    displayName: 'Gemini 2.5 Pro',
    description: 'Stable release (June 17th, 2025) of Gemini 2.5 Pro',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    topK: 64,
    thinking: true,
    thinkingBudget: { min: 128, max: 32_768, canDisable: false },
  },
  {
    ...base,
    id: 'gemini-2.5-flash-image-preview',
    version: '2.0',
    displayName: 'Nano Banana',
    description: 'Gemini 2.5 Flash Preview Image',
    inputTokenLimit: 32_768,
    outputTokenLimit: 32_768,
    topK: 64,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'batchGenerateContent'],
    outputModalities: ['TEXT', 'IMAGE'],
  },
  ...GEMINI_EMBEDDING_MODELS,
];

/** `-latest` aliases Google serves, and what each points at. */
export const GEMINI_ALIASES: Readonly<Record<string, string>> = {
  'gemini-1.5-flash-latest': 'gemini-1.5-flash-002',
  'gemini-1.5-pro-latest': 'gemini-1.5-pro-002',
  'gemini-flash-latest': 'gemini-2.5-flash',
  'gemini-pro-latest': 'gemini-2.5-pro',
  'gemini-flash-lite-latest': 'gemini-2.0-flash-lite',
};
