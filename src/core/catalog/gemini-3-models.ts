/**
 * The Gemini 3 family as Google documents it today (December 2026): the 3.x Pro, Flash and
 * Flash-Lite text models, the image, speech (TTS) and Live models. Retired 3.x names (the 3 Pro
 * preview, the image previews, 3.5 and 3.7 Flash) are in `retired-gemini-models.ts`.
 *
 * Sources, per entry below: the model pages (ai.google.dev/gemini-api/docs/models/<id>, "Token
 * limits", "Capabilities", "Versions"), the models overview (ai.google.dev/gemini-api/docs/models),
 * the release notes (ai.google.dev/gemini-api/docs/changelog), the deprecations table
 * (ai.google.dev/gemini-api/docs/deprecations) and Google's per-model table of thinking levels
 * (ai.google.dev/gemini-api/docs/thinking; the same table on docs.cloud.google.com/
 * gemini-enterprise-agent-platform/models/thinking and in each model's developer guide).
 *
 * Fields Google's pages do not give are taken from the live ListModels shape of the family:
 * temperature 1 (max 2), topP 0.95, topK 64 ("topK: 64 (fixed)", the Gemini 3 Flash model page on
 * docs.cloud.google.com). `version` is the id's version: Google's exact ListModels value for these
 * models was not captured. Output modalities served by later issues (IMAGE, AUDIO) are listed with
 * the methods Google lists; generating them is not implemented yet.
 */
import {
  LIVE_METHODS, MEDIA_METHODS, SAMPLING_DEFAULTS, TEXT_METHODS, type ModelDefinition, type OutputModality, type ThinkingLevels,
} from './model-definition.js';

/** Every Gemini 3 text model: 1,048,576 tokens in, 65,536 out (each model page, "Token limits"). */
export const GEMINI_3_TEXT = {
  ...SAMPLING_DEFAULTS,
  topK: 64,
  inputTokenLimit: 1_048_576,
  outputTokenLimit: 65_536,
  supportedGenerationMethods: TEXT_METHODS,
  thinking: true,
  legacy: false,
  outputModalities: ['TEXT'] as OutputModality[],
};

/** The four levels, as Flash and Flash-Lite take them. */
const ALL_LEVELS = ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
/** Without MINIMAL: 3.1 Pro and 3.8 Flash ("minimal is not supported"). */
const LOW_TO_HIGH = ['LOW', 'MEDIUM', 'HIGH'] as const;
const levels = (supported: ThinkingLevels['supported'], def: ThinkingLevels['default']): ThinkingLevels =>
  ({ supported, default: def, canDisable: false });

/** The Pro, Flash and Flash-Lite models served today. */
const TEXT_MODELS: readonly ModelDefinition[] = [
  {
    // ai.google.dev/gemini-api/docs/models/gemini-3.1-pro-preview: 1,048,576 / 65,536; Batch API,
    // caching, function calling, structured outputs, thinking supported; released February 19,
    // 2026, no shutdown date announced (/deprecations). Levels LOW, MEDIUM, HIGH, default HIGH
    // (thinking table); Pro cannot turn thinking off (/thinking).
    ...GEMINI_3_TEXT,
    id: 'gemini-3.1-pro-preview',
    version: '3.1-preview',
    displayName: 'Gemini 3.1 Pro Preview',
    description: 'Gemini 3.1 Pro Preview: better thinking and token efficiency for software engineering and agentic workflows with precise tool use.',
    thinkingLevels: levels(LOW_TO_HIGH, 'HIGH'),
  },
  {
    // The same model page, "Versions": a separate endpoint of 3.1 Pro that prioritises custom tools.
    ...GEMINI_3_TEXT,
    id: 'gemini-3.1-pro-preview-customtools',
    version: '3.1-preview',
    displayName: 'Gemini 3.1 Pro Preview Custom Tools',
    description: 'Gemini 3.1 Pro Preview endpoint that prioritises custom tools (e.g. view_file, search_code) over bash.',
    thinkingLevels: levels(LOW_TO_HIGH, 'HIGH'),
  },
  {
    // ai.google.dev/gemini-api/docs/models/gemini-3.8-flash: 1,048,576 / 65,536, stable, released
    // September 2, 2026 (/deprecations). Levels LOW, MEDIUM, HIGH, default MEDIUM; MINIMAL is
    // refused (thinking table; the Gemini 3.8 Flash developer guide). gemini-cli 0.61's main model.
    ...GEMINI_3_TEXT,
    id: 'gemini-3.8-flash',
    version: '3.8',
    displayName: 'Gemini 3.8 Flash',
    description: 'Gemini 3.8 Flash: our most intelligent Flash model, for long-horizon software engineering, autonomous agents and complex workflows.',
    thinkingLevels: levels(LOW_TO_HIGH, 'MEDIUM'),
  },
  {
    // GA July 21, 2026 (/changelog); "previous generation ... still available for production"
    // (whats-new-gemini-3.6). Levels MINIMAL..HIGH, default MEDIUM (thinking table; the
    // "latest model" guide: default thinking level medium).
    ...GEMINI_3_TEXT,
    id: 'gemini-3.6-flash',
    version: '3.6',
    displayName: 'Gemini 3.6 Flash',
    description: 'Gemini 3.6 Flash: previous-generation Flash model balancing speed and multimodal capability for everyday tasks.',
    thinkingLevels: levels(ALL_LEVELS, 'MEDIUM'),
  },
  {
    // Released December 17, 2025; no shutdown date announced, recommended replacement
    // gemini-3.5-flash (/deprecations). Levels MINIMAL..HIGH, default HIGH (thinking table;
    // "Default for Gemini 3 Flash Preview"). gemini-cli 0.61 uses it for web search and loop detection.
    ...GEMINI_3_TEXT,
    id: 'gemini-3-flash-preview',
    version: '3-preview',
    displayName: 'Gemini 3 Flash Preview',
    description: 'Gemini 3 Flash Preview: Pro-level reasoning at Flash speed. Legacy: superseded by the 3.x Flash releases; no shutdown date announced.',
    thinkingLevels: levels(ALL_LEVELS, 'HIGH'),
    legacy: true,
  },
  {
    // GA July 21, 2026 (/changelog): 1,048,576 / 65,536; defaults to minimal thinking, MINIMAL..HIGH
    // (the Gemini 3.5 Flash-Lite model page; thinking table). gemini-cli 0.61's routing model.
    ...GEMINI_3_TEXT,
    id: 'gemini-3.5-flash-lite',
    version: '3.5',
    displayName: 'Gemini 3.5 Flash-Lite',
    description: 'Gemini 3.5 Flash-Lite: the fastest and most cost-efficient 3.5 model, for high-throughput classification, routing and extraction.',
    thinkingLevels: levels(ALL_LEVELS, 'MINIMAL'),
  },
  {
    // GA May 7, 2026, shutdown May 7, 2027 (/deprecations); 1,048,576 / 65,536; MINIMAL..HIGH,
    // default MINIMAL (the Gemini 3.5 Flash developer guide's comparison table).
    ...GEMINI_3_TEXT,
    id: 'gemini-3.1-flash-lite',
    version: '3.1',
    displayName: 'Gemini 3.1 Flash-Lite',
    description: 'Gemini 3.1 Flash-Lite: frontier-class performance at a fraction of the cost.',
    thinkingLevels: levels(ALL_LEVELS, 'MINIMAL'),
  },
];

/**
 * Image generation ("Nano Banana"), GA May 28, 2026 (/deprecations; the preview ids they replace
 * were shut down June 25, 2026). Output TEXT and IMAGE; no context caching.
 */
const IMAGE_MODELS: readonly ModelDefinition[] = [
  {
    // Nano Banana Pro (Gemini 3 Pro Image): 65,536 in / 32,768 out as its preview's model page
    // gave them; thinks before drawing, thinking cannot be turned off (image-generation guide).
    ...GEMINI_3_TEXT,
    id: 'gemini-3-pro-image',
    version: '3',
    displayName: 'Nano Banana Pro',
    description: 'Gemini 3 Pro Image: highest-quality image generation and editing, with reasoning and search grounding.',
    inputTokenLimit: 65_536,
    outputTokenLimit: 32_768,
    supportedGenerationMethods: MEDIA_METHODS,
    outputModalities: ['TEXT', 'IMAGE'],
  },
  {
    // Nano Banana 2 (Gemini 3.1 Flash Image): 131,072 in / 32,768 out (its model page);
    // "configurable thinking levels" MINIMAL (default) and HIGH (image-generation guide).
    ...GEMINI_3_TEXT,
    id: 'gemini-3.1-flash-image',
    version: '3.1',
    displayName: 'Nano Banana 2',
    description: 'Gemini 3.1 Flash Image: fast image generation and editing with search grounding.',
    inputTokenLimit: 131_072,
    outputTokenLimit: 32_768,
    supportedGenerationMethods: MEDIA_METHODS,
    thinkingLevels: levels(['MINIMAL', 'HIGH'], 'MINIMAL'),
    outputModalities: ['TEXT', 'IMAGE'],
  },
];

/**
 * Speech generation: text in, audio out, no thinking, no tools
 * (ai.google.dev/gemini-api/docs/speech-generation; each model page: 8,192 in / 16,384 out, Batch
 * API supported, caching not supported).
 */
const tts = {
  ...GEMINI_3_TEXT,
  inputTokenLimit: 8192,
  outputTokenLimit: 16_384,
  supportedGenerationMethods: MEDIA_METHODS,
  thinking: false,
  outputModalities: ['AUDIO'] as OutputModality[],
};

const TTS_MODELS: readonly ModelDefinition[] = [
  {
    // ai.google.dev/gemini-api/docs/models/gemini-3.8-flash-tts.
    ...tts,
    id: 'gemini-3.8-flash-tts',
    version: '3.8',
    displayName: 'Gemini 3.8 Flash TTS',
    description: 'Gemini 3.8 Flash TTS: expressive, controllable single- and multi-speaker speech in over 130 languages.',
  },
  {
    // ai.google.dev/gemini-api/docs/models/gemini-3.8-flash-lite-tts: "built to replace
    // gemini-3.1-flash-tts-preview for high-throughput production workloads".
    ...tts,
    id: 'gemini-3.8-flash-lite-tts',
    version: '3.8',
    displayName: 'Gemini 3.8 Flash-Lite TTS',
    description: 'Gemini 3.8 Flash-Lite TTS: fast, cost-efficient speech generation for high-volume workloads.',
  },
  {
    // ai.google.dev/gemini-api/docs/models/gemini-3.1-flash-tts-preview: "a legacy preview model",
    // no shutdown announced.
    ...tts,
    id: 'gemini-3.1-flash-tts-preview',
    version: '3.1-preview',
    displayName: 'Gemini 3.1 Flash TTS Preview',
    description: 'Gemini 3.1 Flash TTS Preview: low-latency speech with audio tags. Legacy: superseded by the Gemini 3.8 TTS models.',
    legacy: true,
  },
];

/**
 * Live API models: sessions over `bidiGenerateContent` only (ai.google.dev/gemini-api/docs/live-api).
 * ai.google.dev/gemini-api/docs/models/gemini-3.8-live: text, images, audio and video in, text and
 * audio out, 131,072 in / 65,536 out, "Thinking: Supported (interleaved reasoning)" but no
 * thinking_level ("gemini-3.8-live does not support thinking_level"); stable since September 15,
 * 2026 (/deprecations), as is its extended-thinking variant (models overview: "recommended when
 * more background reasoning is needed"; its limits are taken as 3.8 Live's).
 */
const live = {
  ...GEMINI_3_TEXT,
  inputTokenLimit: 131_072,
  supportedGenerationMethods: LIVE_METHODS,
  outputModalities: ['TEXT', 'AUDIO'] as OutputModality[],
};

const LIVE_MODELS: readonly ModelDefinition[] = [
  {
    ...live,
    id: 'gemini-3.8-live',
    version: '3.8',
    displayName: 'Gemini 3.8 Live',
    description: 'Gemini 3.8 Live: the default Live API model for low-latency voice agents and real-time dialogue.',
  },
  {
    ...live,
    id: 'gemini-3.8-live-extended-thinking',
    version: '3.8',
    displayName: 'Gemini 3.8 Live Extended Thinking',
    description: 'Gemini 3.8 Live Extended Thinking: the Live API model with more background reasoning for voice interactions.',
  },
];

/** Every Gemini 3 model served today, text models first. */
export const GEMINI_3_MODELS: readonly ModelDefinition[] = [...TEXT_MODELS, ...IMAGE_MODELS, ...TTS_MODELS, ...LIVE_MODELS];
