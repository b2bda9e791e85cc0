/**
 * Builds one engine from its configuration: the one place that knows each engine's factory.
 * Adding an engine kind means a case here and its shape in src/config/engine-config.ts.
 */
import type { Engine } from '../core/engine.js';
import { ConfigError } from '../config/config-error.js';
import type { EngineConfig, LlamaServerEngineConfig } from '../config/engine-config.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';

/**
 * A resolved engine configuration: `model` is already an absolute file path; llama-server also
 * gets the engine cache root where `gemserve engine build` left its binary.
 */
export type EngineSpec = Exclude<EngineConfig, LlamaServerEngineConfig> | (LlamaServerEngineConfig & { cacheDir?: string });

/** The key an upstream engine's `apiKeyEnv` names; secrets stay out of config files. */
function keyFromEnv(kind: string, name: string | undefined, env: NodeJS.ProcessEnv, required: boolean): string | undefined {
  if (name === undefined) return undefined;
  const key = env[name]?.trim();
  if (!key && required) throw new ConfigError(`a ${kind} engine's apiKeyEnv names ${name}, but that environment variable is not set: export the key there`);
  return key || undefined;
}

/** Creates the engine `spec` describes; llama-cpp loads its model (seconds for large files). */
export async function createEngine(spec: EngineSpec, env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  switch (spec.kind) {
    case 'fake':
      return new FakeEngine({
        label: spec.label,
        tokenDelayMs: spec.tokenDelayMs,
        contextTokens: spec.contextTokens,
        failAfterTokens: spec.failAfterTokens,
        embeddingDimensions: spec.embeddingDimensions,
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
    case 'gemini-upstream': {
      const { GeminiUpstreamEngine } = await import('../engines/gemini-upstream/gemini-upstream-engine.js');
      return new GeminiUpstreamEngine({
        model: spec.model,
        baseUrl: spec.baseUrl,
        apiKey: keyFromEnv(spec.kind, spec.apiKeyEnv ?? 'GEMINI_API_KEY', env, true)!,
        timeoutMs: spec.timeoutMs,
        contextTokens: spec.contextTokens,
        retry: spec.retry,
        breaker: spec.breaker,
        embeddingDimensions: spec.embeddingDimensions,
      });
    }
    case 'openai-compatible': {
      const { OpenAiCompatibleEngine } = await import('../engines/openai-compatible/openai-compatible-engine.js');
      return new OpenAiCompatibleEngine({
        baseUrl: spec.baseUrl,
        model: spec.model,
        apiKey: keyFromEnv(spec.kind, spec.apiKeyEnv, env, true),
        timeoutMs: spec.timeoutMs,
        retry: spec.retry,
        breaker: spec.breaker,
        capabilities: spec.capabilities,
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
