import { resolve } from 'node:path';
import { benchModel } from '../../test/fixtures/test-models.js';
import type { BenchArgs } from './cli-args.js';
import { describeModel, type ModelInfo } from './model-info.js';

/** The `--model` option every model benchmark accepts. */
export const MODEL_OPTION = 'model';

/**
 * The GGUF a model benchmark runs on: `--model PATH` when given (e.g. a real downloaded model),
 * else the project's generated ~100M-parameter random-weight llama (Q8_0, ChatML template),
 * built once and cached by the test fixtures. Random weights cost the same per token as
 * trained ones, so throughput figures transfer.
 */
export async function resolveBenchModel(args: BenchArgs): Promise<{ path: string; info: ModelInfo; generated: boolean }> {
  const given = args.values[MODEL_OPTION];
  const path = given ? resolve(given) : (await benchModel()).path;
  return { path, info: await describeModel(path), generated: !given };
}
