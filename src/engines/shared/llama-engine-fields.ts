/** The config fields both llama.cpp engines (llama-cpp, llama-server) take. */
import type { ConfigField, ConfigFields } from '../../core/config-fields.js';

/** The GGUF to load: a path, or a name the pull cache resolves before the engine is created (src/cli/plan-serve.ts). */
export const GGUF_MODEL_FIELD = {
  type: 'text', anchor: 'model', required: 'the GGUF file (or pulled model name) to load',
  help: 'The GGUF file to load, or the name of a model in the pull cache (`gemserve pull`).',
} as const satisfies ConfigField;

/**
 * Capacity. A config file's engine leaves these unset to follow the global settings
 * (`--threads`, `--parallel`, ...), which `gemserve serve` fills in (src/cli/plan-serve.ts).
 */
export const LLAMA_TUNING_FIELDS = {
  threads: {
    type: 'auto-or-integer', min: 1, max: 1024, default: 'the --threads setting',
    help: 'CPU threads; auto picks per host (llama-cpp: 1 on 2 cores or fewer, else the fastest measured; llama-server: its own default, its count of physical cores).',
  },
  parallel: {
    type: 'integer', min: 1, max: 256, default: 'the --parallel setting',
    help: 'Requests served at once: llama-cpp context sequences, llama-server slots.',
  },
  contextSize: {
    type: 'integer', min: 16, max: 1 << 24, default: "--context-size when given, else 4096 or the model's trained context if smaller",
    help: 'Context window per sequence, in tokens (prompt + output).',
  },
  maxQueue: {
    type: 'integer', min: 0, max: 1_000_000, default: 'the --max-queue setting',
    help: 'Requests that may wait when every sequence is busy; more are refused with 503 UNAVAILABLE.',
  },
} as const satisfies ConfigFields;
