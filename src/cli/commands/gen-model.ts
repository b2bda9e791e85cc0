/**
 * `gemserve gen-model`: writes a llama-architecture GGUF with seeded random weights
 * (src/gguf/write-llama-model.ts), so tests and benchmarks have a model without downloading
 * one. Same preset and seed give a byte-identical file.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { integer } from '../../config/setting-parsers.js';
import { LLAMA_MODEL_PRESETS, type LlamaModelPresetName } from '../../gguf/llama-model-options.js';
import { writeLlamaModel } from '../../gguf/write-llama-model.js';
import { formatBytes } from '../pull/format-units.js';
import type { Command } from './command.js';

const PRESETS = Object.keys(LLAMA_MODEL_PRESETS) as LlamaModelPresetName[];

/** The `gen-model` command. */
export const genModelCommand: Command = {
  name: 'gen-model',
  summary: 'Write a GGUF llama model with random weights (for tests and benchmarks).',
  usage: `gen-model --preset ${PRESETS.join('|')} --out PATH [--seed N] [--no-chat-template]`,
  description: [
    'Presets:',
    '  tiny       ~0.35M parameters, ~1.3 MB: loads and generates in milliseconds, for tests.',
    '  bench100m  ~100M parameters in Q8_0, ~106 MB: a realistic per-token cost, for benchmarks.',
    'The weights are random, so the output is gibberish; throughput does not depend on their values.',
  ].join('\n'),
  options: {
    preset: { type: 'string', valueName: 'NAME', help: `Model shape: ${PRESETS.join(', ')}.` },
    out: { type: 'string', short: 'o', valueName: 'PATH', help: 'Where to write the .gguf file.' },
    seed: { type: 'string', valueName: 'N', help: "Seed of the random weights (default: the preset's, 1)." },
    'no-chat-template': { type: 'boolean', help: 'Write no chat template (EOS becomes </s>), like a base model.' },
  },
  async run({ flags }, ctx) {
    const preset = flags.preset as string | undefined;
    if (!preset || !PRESETS.includes(preset as LlamaModelPresetName)) {
      throw new ConfigError(`--preset must be one of ${PRESETS.join(', ')}${preset ? ` (got ${JSON.stringify(preset)})` : ''}`);
    }
    if (typeof flags.out !== 'string' || !flags.out) throw new ConfigError('--out PATH is required: where to write the model');
    let seed: number | undefined;
    try {
      seed = flags.seed === undefined ? undefined : integer(0, 2 ** 32 - 1)(flags.seed);
    } catch (e) {
      throw new ConfigError(`--seed ${(e as Error).message}`);
    }
    const out = resolve(ctx.cwd, flags.out);
    const base = LLAMA_MODEL_PRESETS[preset as LlamaModelPresetName];
    const options = {
      ...base,
      ...(seed === undefined ? {} : { seed }),
      ...(flags['no-chat-template'] ? { chatTemplate: false } : {}),
    };
    await mkdir(dirname(out), { recursive: true });
    ctx.stderr.write(`writing ${preset} model to ${out} ...\n`);
    const started = Date.now();
    const result = await writeLlamaModel(out, options);
    ctx.stderr.write(
      `wrote ${formatBytes(result.bytes)} (${result.parameterCount.toLocaleString('en-US')} parameters, ` +
        `vocabulary ${result.vocabSize}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    ctx.stdout.write(`${result.path}\n`);
    return 0;
  },
};
