/**
 * Every engine kind a config file can declare, in the order help and errors list them. The
 * `routed` engine is not here: it is built from a model binding's `routes` and `fallback`
 * (src/cli/start-server.ts), over engines declared here.
 */
import { fakeEngineDescriptor } from './fake/fake-engine-descriptor.js';
import { geminiUpstreamEngineDescriptor } from './gemini-upstream/gemini-upstream-engine-descriptor.js';
import { llamaCppEngineDescriptor } from './llama-cpp/llama-cpp-engine-descriptor.js';
import { llamaServerEngineDescriptor } from './llama-server/llama-server-engine-descriptor.js';
import { openAiCompatibleEngineDescriptor } from './openai-compatible/openai-compatible-engine-descriptor.js';

export const ENGINE_DESCRIPTORS = [
  llamaCppEngineDescriptor,
  llamaServerEngineDescriptor,
  geminiUpstreamEngineDescriptor,
  openAiCompatibleEngineDescriptor,
  fakeEngineDescriptor,
] as const;

/** One of the descriptors. */
export type AnyEngineDescriptor = (typeof ENGINE_DESCRIPTORS)[number];

/** An engine kind a config file can name. */
export type EngineKind = AnyEngineDescriptor['kind'];

/** The descriptor of `kind`, or undefined for a kind no engine has. */
export function findEngineDescriptor(kind: string): AnyEngineDescriptor | undefined {
  return ENGINE_DESCRIPTORS.find((d) => d.kind === kind);
}
