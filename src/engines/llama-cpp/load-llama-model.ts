import type { Llama, LlamaModel } from 'node-llama-cpp';
import { Errors } from '../../core/errors.js';
import { checkGgufFile, errorMessage, withCause } from '../shared/check-gguf-file.js';
import { captureLlamaErrors, getSharedLlama } from './shared-llama.js';

/** A loaded model on the shared Llama; dispose frees the model (the Llama stays, see shared-llama.ts). */
export interface LoadedLlamaModel extends AsyncDisposable {
  readonly llama: Llama;
  readonly model: LlamaModel;
  dispose(): Promise<void>;
}

/**
 * Loads a GGUF file on the process-wide Llama (CPU). Every failure is a
 * `Errors.badModelFile(path, reason)` with a reason a user can act on: the file is checked
 * (exists, is a file, starts with the GGUF magic, header and tensor offsets inside the file)
 * before llama.cpp sees it, and llama.cpp's own load failure carries its logged reason.
 */
export async function loadLlamaModel(modelPath: string): Promise<LoadedLlamaModel> {
  const problem = await checkGgufFile(modelPath);
  if (problem) throw problem;
  const llama = await getSharedLlama();
  const loaded = await captureLlamaErrors(() => llama.loadModel({ modelPath }));
  if (!loaded.ok) {
    const why = loaded.logs.find((l) => /error loading model/i.test(l))?.replace(/^.*error loading model:\s*/i, '')
      ?? loaded.logs.at(-1) ?? errorMessage(loaded.error);
    throw withCause(Errors.badModelFile(modelPath, `llama.cpp could not load it: ${why}`), loaded.error);
  }
  const model = loaded.result;
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await model.dispose();
  };
  return { llama, model, dispose, [Symbol.asyncDispose]: dispose };
}
