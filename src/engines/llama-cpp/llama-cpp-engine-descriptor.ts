/** The embedded llama.cpp engine described for the config file (see src/core/engine-descriptor.ts). */
import type { ConfigFields } from '../../core/config-fields.js';
import { defineEngine } from '../../core/engine-descriptor.js';
import { GGUF_MODEL_FIELD, LLAMA_TUNING_FIELDS } from '../shared/llama-engine-fields.js';

/** The engine's settings; {@link LlamaCppEngineOptions} takes them, the model as `modelPath`. */
export const LLAMA_CPP_ENGINE_FIELDS = { model: GGUF_MODEL_FIELD, ...LLAMA_TUNING_FIELDS } as const satisfies ConfigFields;

export const llamaCppEngineDescriptor = defineEngine({
  kind: 'llama-cpp',
  summary: 'llama.cpp embedded in gemserve (node-llama-cpp) on one GGUF file: text, structured output, function calling, embeddings.',
  fields: LLAMA_CPP_ENGINE_FIELDS,
  async create({ model, ...tuning }) {
    // Imported lazily: node-llama-cpp loads native bindings, which reading the config, or
    // `gemserve serve` with only other engines, should not pay for.
    const { createLlamaCppEngine } = await import('./llama-cpp-engine.js');
    return createLlamaCppEngine({ modelPath: model, ...tuning });
  },
});
