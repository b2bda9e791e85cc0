import { createLlamaCppEngine, type LlamaCppEngine, type LlamaCppEngineOptions } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { serveEngine, type ServedEngine } from './serve-engine.js';

export { BENCH_MODEL_ID } from './serve-engine.js';

/** gemserve serving one GGUF through the embedded llama-cpp engine. */
export type LlamaServer = ServedEngine<LlamaCppEngine>;

/** gemserve on 127.0.0.1 (ephemeral port) serving one GGUF through the llama-cpp engine. */
export async function startLlamaServer(opts: LlamaCppEngineOptions): Promise<LlamaServer> {
  return serveEngine(await createLlamaCppEngine(opts));
}
