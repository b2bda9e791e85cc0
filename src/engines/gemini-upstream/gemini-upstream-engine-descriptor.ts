/** The gemini-upstream engine described for the config file (see src/core/engine-descriptor.ts). */
import type { ConfigFields } from '../../core/config-fields.js';
import { defineEngine } from '../../core/engine-descriptor.js';
import { UPSTREAM_RESILIENCE_FIELDS } from '../shared/upstream-resilience-fields.js';
import {
  DEFAULT_GEMINI_CONTEXT_TOKENS, DEFAULT_UPSTREAM_TIMEOUT_MS, GeminiUpstreamEngine, GOOGLE_BASE_URL,
} from './gemini-upstream-engine.js';

/** Where the operator's key is read from when `apiKeyEnv` is unset: the variable Google's SDKs read. */
export const GEMINI_API_KEY_ENV = 'GEMINI_API_KEY';

/**
 * The engine's settings; {@link GeminiUpstreamEngineOptions} takes them, with the key itself in
 * place of `apiKeyEnv`.
 */
export const GEMINI_UPSTREAM_ENGINE_FIELDS = {
  model: {
    type: 'text', required: "the upstream's model id",
    help: "The upstream's model id, e.g. gemini-2.5-flash (a leading models/ is accepted).",
  },
  baseUrl: {
    type: 'http-url', default: GOOGLE_BASE_URL,
    help: 'The API root; a path prefix is kept (http://gw/gemini → http://gw/gemini/v1beta/...).',
  },
  apiKeyEnv: {
    type: 'text', default: GEMINI_API_KEY_ENV,
    help: "The environment variable holding the operator's key, sent as x-goog-api-key; the key itself never goes in the config file.",
  },
  timeoutMs: {
    type: 'integer', min: 1, max: 3_600_000, default: String(DEFAULT_UPSTREAM_TIMEOUT_MS),
    help: 'How long the headers, and each chunk after them, may take (thinking models pause before their first chunk).',
  },
  ...UPSTREAM_RESILIENCE_FIELDS,
  contextTokens: {
    type: 'integer', min: 16, max: 1 << 24, default: String(DEFAULT_GEMINI_CONTEXT_TOKENS), help: 'Context window reported in capabilities.',
  },
  embeddingDimensions: {
    type: 'integer', min: 1, max: 65_536, default: 'none: no embeddings',
    help: 'The upstream model embeds, with vectors this long (gemini-embedding-001: 3072, text-embedding-004: 768): embedContent and batchEmbedContents are then forwarded.',
  },
} as const satisfies ConfigFields;

export const geminiUpstreamEngineDescriptor = defineEngine({
  kind: 'gemini-upstream',
  summary: "Google's Gemini API (or any endpoint speaking it) behind gemserve, with the operator's key.",
  fields: GEMINI_UPSTREAM_ENGINE_FIELDS,
  create: async ({ apiKeyEnv, ...config }, host) => new GeminiUpstreamEngine({ ...config, apiKey: host.secretFromEnv(apiKeyEnv ?? GEMINI_API_KEY_ENV) }),
});
