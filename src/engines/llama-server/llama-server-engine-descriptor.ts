/** The llama-server engine described for the config file (see src/core/engine-descriptor.ts). */
import type { ConfigFields } from '../../core/config-fields.js';
import { defineEngine } from '../../core/engine-descriptor.js';
import { GGUF_MODEL_FIELD, LLAMA_TUNING_FIELDS } from '../shared/llama-engine-fields.js';

/** The engine's settings; {@link LlamaServerEngineOptions} takes them, the files as `modelPath` and `mmprojPath`. */
export const LLAMA_SERVER_ENGINE_FIELDS = {
  model: GGUF_MODEL_FIELD,
  mmproj: {
    type: 'text', anchor: 'path', default: 'none: text only',
    help: 'The multimodal projector GGUF (llama-server --mmproj): with it the engine takes images, and audio if the projector hears.',
  },
  binary: {
    type: 'text', anchor: 'path', default: "the --llama-server setting, else llama-server on PATH, else `gemserve engine build`'s",
    help: 'The llama-server binary to run.',
  },
  ...LLAMA_TUNING_FIELDS,
  cacheDir: {
    type: 'text', notInConfigFile: true, default: 'not searched',
    help: 'The engine cache root where `gemserve engine build` leaves its binary (the engineCacheDir setting).',
  },
} as const satisfies ConfigFields;

export const llamaServerEngineDescriptor = defineEngine({
  kind: 'llama-server',
  summary: "llama.cpp's llama-server as a supervised child process on loopback: images and audio through a projector.",
  fields: LLAMA_SERVER_ENGINE_FIELDS,
  async create({ model, mmproj, ...rest }) {
    // Lazily, like llama-cpp: only `serve` with such an engine needs it.
    const { createLlamaServerEngine } = await import('./llama-server-engine.js');
    return createLlamaServerEngine({ modelPath: model, mmprojPath: mmproj, ...rest });
  },
});
