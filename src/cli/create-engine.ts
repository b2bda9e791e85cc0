/**
 * Builds one engine from its configuration: the one place that knows each engine's factory.
 * Adding an engine kind means a case here and its shape in src/config/engine-config.ts.
 */
import type { Engine } from '../core/engine.js';
import type { EngineConfig, LlamaServerEngineConfig } from '../config/engine-config.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';

/**
 * A resolved engine configuration: `model` is already an absolute file path; llama-server also
 * gets the engine cache root where `gemserve engine build` left its binary.
 */
export type EngineSpec = Exclude<EngineConfig, LlamaServerEngineConfig> | (LlamaServerEngineConfig & { cacheDir?: string });

/** Creates the engine `spec` describes; llama-cpp loads its model (seconds for large files). */
export async function createEngine(spec: EngineSpec): Promise<Engine> {
  switch (spec.kind) {
    case 'fake':
      return new FakeEngine({
        label: spec.label,
        tokenDelayMs: spec.tokenDelayMs,
        contextTokens: spec.contextTokens,
        failAfterTokens: spec.failAfterTokens,
      });
    case 'llama-cpp': {
      // Imported lazily: node-llama-cpp loads native bindings, which `gemserve serve` with
      // only fake engines (and the other commands) should not pay for.
      const { createLlamaCppEngine } = await import('../engines/llama-cpp/llama-cpp-engine.js');
      return createLlamaCppEngine({
        modelPath: spec.model,
        contextSize: spec.contextSize,
        parallel: spec.parallel,
        maxQueue: spec.maxQueue,
        threads: spec.threads,
      });
    }
    case 'llama-server': {
      // Lazily, like llama-cpp: only `serve` with such an engine needs it.
      const { createLlamaServerEngine } = await import('../engines/llama-server/llama-server-engine.js');
      return createLlamaServerEngine({
        modelPath: spec.model,
        mmprojPath: spec.mmproj,
        binary: spec.binary,
        cacheDir: spec.cacheDir,
        contextSize: spec.contextSize,
        parallel: spec.parallel,
        maxQueue: spec.maxQueue,
        threads: spec.threads,
      });
    }
  }
}
