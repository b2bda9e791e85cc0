/**
 * Builds one engine from its configuration through its kind's descriptor
 * (src/engines/engine-descriptors.ts), which knows the engine's fields and factory; this file
 * only supplies what the program holds, the environment the upstream keys are read from.
 */
import type { EngineDescriptor, EngineHost, EngineSpecOf } from '../core/engine-descriptor.js';
import type { Engine } from '../core/engine.js';
import { ConfigError } from '../config/config-error.js';
import { findEngineDescriptor, type AnyEngineDescriptor } from '../engines/engine-descriptors.js';

/**
 * A resolved engine configuration: `model` is already an absolute file path, and the fields
 * the program sets are filled in (llama-server's `cacheDir`, where `gemserve engine build`
 * left its binary).
 */
export type EngineSpec = EngineSpecOf<AnyEngineDescriptor>;

/** Reads an upstream engine's key from the variable its `apiKeyEnv` names; secrets stay out of config files. */
function engineHost(kind: string, env: NodeJS.ProcessEnv): EngineHost {
  return {
    secretFromEnv(name) {
      const key = env[name]?.trim();
      if (!key) throw new ConfigError(`a ${kind} engine's apiKeyEnv names ${name}, but that environment variable is not set: export the key there`);
      return key;
    },
  };
}

/** Creates the engine `spec` describes; llama-cpp loads its model (seconds for large files). */
export async function createEngine(spec: EngineSpec, env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const { kind, ...config } = spec;
  const descriptor = findEngineDescriptor(kind) as EngineDescriptor | undefined;
  if (!descriptor) throw new ConfigError(`no engine of kind ${JSON.stringify(kind)}`);
  return descriptor.create(config, engineHost(kind, env));
}
