/** The openai-compatible engine described for the config file (see src/core/engine-descriptor.ts). */
import type { ConfigFields } from '../../core/config-fields.js';
import { defineEngine } from '../../core/engine-descriptor.js';
import { UPSTREAM_RESILIENCE_FIELDS } from '../shared/upstream-resilience-fields.js';
import {
  DEFAULT_OPENAI_CONTEXT_TOKENS, DEFAULT_OPENAI_MAX_CANDIDATES, DEFAULT_OPENAI_TIMEOUT_MS, OpenAiCompatibleEngine,
} from './openai-compatible-engine.js';

const capability = (help: string) => ({ type: 'boolean', default: 'false', help }) as const;

/** The values of `toolChoice` (mode-any-ladder.ts). */
export const TOOL_CHOICES = ['auto', 'native', 'prompted'] as const;
export type ToolChoice = (typeof TOOL_CHOICES)[number];

/**
 * The engine's settings; {@link OpenAiCompatibleEngineOptions} takes them, with the key itself in
 * place of `apiKeyEnv`.
 */
export const OPENAI_COMPATIBLE_ENGINE_FIELDS = {
  model: { type: 'text', required: "the upstream's model id", help: "The upstream's model name, e.g. qwen3:0.6b." },
  baseUrl: {
    type: 'http-url', required: 'the API root with its /v1, e.g. http://localhost:11434/v1',
    help: 'The API root with its /v1: http://localhost:11434/v1 (Ollama), http://localhost:8000/v1 (vLLM).',
  },
  apiKeyEnv: {
    type: 'text', default: 'none: no Authorization header',
    help: 'The environment variable holding the key sent as Authorization: Bearer (most local servers need none).',
  },
  timeoutMs: {
    type: 'integer', min: 1, max: 3_600_000, default: String(DEFAULT_OPENAI_TIMEOUT_MS),
    help: 'How long the headers, and each chunk after them, may take (a local server may evaluate a long prompt first).',
  },
  toolChoice: {
    type: 'word', words: TOOL_CHOICES, default: 'auto',
    help: 'How function-calling mode ANY gets its call: native sends tool_choice "required" and trusts the upstream; '
      + 'prompted describes the functions in the prompt and constrains the reply to a call (response_format json_schema, '
      + 'else llama.cpp\'s grammar field); auto asks natively and, the first time an answer has no call or the upstream '
      + 'refuses, asks again prompted and stays prompted. A mode-ANY answer without a call is never passed on: it fails with UPSTREAM_LIMITATION.',
  },
  ...UPSTREAM_RESILIENCE_FIELDS,
  capabilities: {
    type: 'object',
    help: 'What the upstream model can do: not discoverable in a standard way, so stated here; requests needing more are refused with a 400.',
    fields: {
      maxCandidates: {
        type: 'integer', min: 1, max: 8, default: String(DEFAULT_OPENAI_MAX_CANDIDATES),
        help: 'Candidates per request (made as separate requests, one after another).',
      },
      contextTokens: { type: 'integer', min: 16, max: 1 << 24, default: String(DEFAULT_OPENAI_CONTEXT_TOKENS), help: 'Context window in tokens.' },
      inputModalities: { type: 'word-list', words: ['IMAGE', 'AUDIO'], default: 'none: text only', help: 'Media the model takes besides text.' },
      structuredOutput: capability('The server constrains output to a JSON Schema (response_format json_schema).'),
      functionCalling: capability('The model calls tools.'),
      thinking: capability('The model thinks, streaming its thoughts as reasoning_content.'),
      logprobs: capability('The server reports log probabilities.'),
      embeddingDimensions: {
        type: 'integer', min: 1, max: 65_536, default: 'none: no embeddings',
        help: 'The model embeds (/v1/embeddings), with vectors this long: vLLM --task embed, llama-server --embeddings, Ollama.',
      },
    },
  },
} as const satisfies ConfigFields;

export const openAiCompatibleEngineDescriptor = defineEngine({
  kind: 'openai-compatible',
  summary: 'Any OpenAI-style /v1/chat/completions server: vLLM, Ollama, LM Studio, llama-server.',
  fields: OPENAI_COMPATIBLE_ENGINE_FIELDS,
  create: async ({ apiKeyEnv, ...config }, host) =>
    new OpenAiCompatibleEngine({ ...config, apiKey: apiKeyEnv === undefined ? undefined : host.secretFromEnv(apiKeyEnv) }),
});
