/**
 * The Gemini models gemserve serves by name, with the limits and defaults Google publishes.
 *
 * Sources: the live `GET /v1beta/models` listing (a captured copy is in the public repo
 * yuv-man/habeat-server `models.json`) and ai.google.dev/gemini-api/docs/models; the 1.5 and
 * 2.0 experimental entries from Google's model pages before their retirement. Token limits are
 * what ListModels reports (`inputTokenLimit`, `outputTokenLimit`). The Gemini 3 family is in
 * `gemini-3-models.ts`, models Google has shut down in `retired-gemini-models.ts`.
 */

import { GEMINI_3_MODELS } from './gemini-3-models.js';
import { TEXT_METHODS, type ModelDefinition, type OutputModality } from './model-definition.js';

export { TEXT_METHODS } from './model-definition.js';
export type { ModelDefinition, OutputModality, Retirement, ThinkingLevelName, ThinkingLevels } from './model-definition.js';

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
  ...GEMINI_3_MODELS,
  ...GEMINI_EMBEDDING_MODELS,
];

/**
 * Where each `-latest` alias Google serves has pointed, newest first. An alias resolves to the
 * first of these this server serves, so it follows Google's move to Gemini 3 when Gemini 3 names
 * are served (as `--model` serves them all) and keeps pointing at the older model on a server that
 * binds only that one.
 *
 * Sources (ai.google.dev/gemini-api/docs/changelog): January 21, 2026 "Changed the latest aliases:
 * gemini-pro-latest switched to gemini-3-pro-preview, gemini-flash-latest switched to
 * gemini-3-flash-preview"; gemini-3-pro-preview was shut down March 9, 2026 with
 * gemini-3.1-pro-preview as its replacement (/deprecations), so gemini-pro-latest points there;
 * the Flash aliases follow each GA release of their line (gemini-3.5-flash in May 2026, then
 * gemini-3.8-flash, GA September 2, 2026; gemini-3.5-flash-lite, GA July 21, 2026), the newest
 * GA model of the tier as the changelog lists them. The 1.5 and 2.x targets are the earlier ones.
 */
export const GEMINI_ALIAS_TARGETS: Readonly<Record<string, readonly string[]>> = {
  'gemini-1.5-flash-latest': ['gemini-1.5-flash-002'],
  'gemini-1.5-pro-latest': ['gemini-1.5-pro-002'],
  'gemini-flash-latest': ['gemini-3.8-flash', 'gemini-3-flash-preview', 'gemini-2.5-flash'],
  'gemini-pro-latest': ['gemini-3.1-pro-preview', 'gemini-2.5-pro'],
  'gemini-flash-lite-latest': ['gemini-3.5-flash-lite', 'gemini-3.1-flash-lite', 'gemini-2.0-flash-lite'],
};

/** `-latest` aliases Google serves, and what each points at today (the first of {@link GEMINI_ALIAS_TARGETS}). */
export const GEMINI_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(GEMINI_ALIAS_TARGETS).map(([alias, targets]) => [alias, targets[0]]),
);
