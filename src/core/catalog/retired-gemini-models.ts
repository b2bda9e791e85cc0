/**
 * Gemini 3 models Google has retired, answered as Google answers them (see {@link Retirement}):
 * a shut-down name is Google's 404 and is not listed, even on a server whose `--model` serves
 * every other `gemini-*` name; a name Google routes to its replacement is answered by the
 * replacement. Binding the exact name in the config (`models`) or with an exact alias
 * (`--alias gemini-3-pro-preview=...`) serves it anyway, with the definition below.
 *
 * Sources: ai.google.dev/gemini-api/docs/deprecations (release and shutdown dates, recommended
 * replacements; "Once a model is shutdown, it is completely turned off, and the endpoint is no
 * longer available") and ai.google.dev/gemini-api/docs/changelog (October 8, 2026: requests to
 * gemini-3.7-flash and gemini-3.5-flash "are automatically routed" to gemini-3.8-flash and
 * gemini-3.6-flash). The 2.x models gemserve already served keep being served
 * (`gemini-models.ts` flags the retired ones as legacy).
 */
import { GEMINI_3_TEXT } from './gemini-3-models.js';
import { MEDIA_METHODS, type ModelDefinition } from './model-definition.js';

/** Retired Gemini 3 text models: as the served ones, flagged legacy. */
const text = { ...GEMINI_3_TEXT, legacy: true };

export const RETIRED_GEMINI_MODELS: readonly ModelDefinition[] = [
  {
    // Released November 18, 2025, shut down March 9, 2026, replaced by gemini-3.1-pro-preview
    // (/deprecations). Levels LOW and HIGH, default HIGH; thinking cannot be turned off
    // (ai.google.dev/gemini-api/docs/gemini-3, "Thinking level"). gemini-cli 0.61 still names it
    // for some side tasks; Google answers those with its 404, and so does gemserve.
    ...text,
    id: 'gemini-3-pro-preview',
    version: '3-pro-preview-11-2025',
    displayName: 'Gemini 3 Pro Preview',
    description: 'Gemini 3 Pro Preview. Retired: shut down by Google on March 9, 2026; use gemini-3.1-pro-preview.',
    thinkingLevels: { supported: ['LOW', 'HIGH'], default: 'HIGH', canDisable: false },
    retired: { shutdown: '2026-03-09', replacement: 'gemini-3.1-pro-preview', answer: 'not-found' },
  },
  {
    // Released March 3, 2026, shut down May 25, 2026, replaced by gemini-3.1-flash-lite (/deprecations).
    ...text,
    id: 'gemini-3.1-flash-lite-preview',
    version: '3.1-preview',
    displayName: 'Gemini 3.1 Flash-Lite Preview',
    description: 'Gemini 3.1 Flash-Lite Preview. Retired: shut down by Google on May 25, 2026; use gemini-3.1-flash-lite.',
    thinkingLevels: { supported: ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'], default: 'MINIMAL', canDisable: false },
    retired: { shutdown: '2026-05-25', replacement: 'gemini-3.1-flash-lite', answer: 'not-found' },
  },
  {
    // Released November 20, 2025, shut down June 25, 2026, replaced by gemini-3-pro-image (/deprecations).
    ...text,
    id: 'gemini-3-pro-image-preview',
    version: '3-preview',
    displayName: 'Nano Banana Pro Preview',
    description: 'Gemini 3 Pro Image Preview. Retired: shut down by Google on June 25, 2026; use gemini-3-pro-image.',
    inputTokenLimit: 65_536,
    outputTokenLimit: 32_768,
    supportedGenerationMethods: MEDIA_METHODS,
    outputModalities: ['TEXT', 'IMAGE'],
    retired: { shutdown: '2026-06-25', replacement: 'gemini-3-pro-image', answer: 'not-found' },
  },
  {
    // Released February 26, 2026, shut down June 25, 2026, replaced by gemini-3.1-flash-image (/deprecations).
    ...text,
    id: 'gemini-3.1-flash-image-preview',
    version: '3.1-preview',
    displayName: 'Nano Banana 2 Preview',
    description: 'Gemini 3.1 Flash Image Preview. Retired: shut down by Google on June 25, 2026; use gemini-3.1-flash-image.',
    inputTokenLimit: 131_072,
    outputTokenLimit: 32_768,
    supportedGenerationMethods: MEDIA_METHODS,
    thinkingLevels: { supported: ['MINIMAL', 'HIGH'], default: 'MINIMAL', canDisable: false },
    outputModalities: ['TEXT', 'IMAGE'],
    retired: { shutdown: '2026-06-25', replacement: 'gemini-3.1-flash-image', answer: 'not-found' },
  },
  {
    // Released August 13, 2026 (/deprecations); retired October 8, 2026, requests routed to
    // gemini-3.8-flash (/changelog). Levels LOW, MEDIUM, HIGH, default MEDIUM (the Gemini 3.8 Flash
    // developer guide's comparison table).
    ...text,
    id: 'gemini-3.7-flash',
    version: '3.7',
    displayName: 'Gemini 3.7 Flash',
    description: 'Gemini 3.7 Flash. Retired by Google on October 8, 2026; requests are routed to gemini-3.8-flash.',
    thinkingLevels: { supported: ['LOW', 'MEDIUM', 'HIGH'], default: 'MEDIUM', canDisable: false },
    retired: { shutdown: '2026-10-08', replacement: 'gemini-3.8-flash', answer: 'routed' },
  },
  {
    // Released May 19, 2026 (/deprecations); retired October 8, 2026, requests routed to
    // gemini-3.6-flash (/changelog). Levels MINIMAL..HIGH, default MEDIUM (the Gemini 3.5 Flash
    // developer guide's comparison table).
    ...text,
    id: 'gemini-3.5-flash',
    version: '3.5',
    displayName: 'Gemini 3.5 Flash',
    description: 'Gemini 3.5 Flash. Retired by Google on October 8, 2026; requests are routed to gemini-3.6-flash.',
    thinkingLevels: { supported: ['MINIMAL', 'LOW', 'MEDIUM', 'HIGH'], default: 'MEDIUM', canDisable: false },
    retired: { shutdown: '2026-10-08', replacement: 'gemini-3.6-flash', answer: 'routed' },
  },
];
