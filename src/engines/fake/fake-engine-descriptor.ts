/** The fake engine described for the config file (see src/core/engine-descriptor.ts). */
import type { ConfigFields } from '../../core/config-fields.js';
import { defineEngine } from '../../core/engine-descriptor.js';
import { FAKE_CONTEXT_TOKENS, FakeEngine } from './fake-engine.js';

/** The fake engine's settings; {@link FakeEngine}'s options are exactly these. */
export const FAKE_ENGINE_FIELDS = {
  label: { type: 'text', default: 'fake', help: 'Label reported as the loaded weights.' },
  tokenDelayMs: {
    type: 'integer', min: 0, max: 60_000, default: '0',
    help: 'Delay before each generated token, to exercise concurrency, cancellation and timeouts.',
  },
  contextTokens: {
    type: 'integer', min: 16, max: 1 << 24, default: String(FAKE_CONTEXT_TOKENS), help: 'Context window reported in capabilities.',
  },
  failAfterTokens: {
    type: 'integer', min: 0, default: 'never', help: 'Throw after this many generated tokens, to exercise mid-stream failure handling.',
  },
  embeddingDimensions: {
    type: 'integer', min: 1, max: 65_536, default: 'none: no embeddings',
    help: 'Also embed, with vectors this long (for embedding model bindings in demos and tests).',
  },
} as const satisfies ConfigFields;

export const fakeEngineDescriptor = defineEngine({
  kind: 'fake',
  summary: 'The deterministic fake engine: no weights, predictable words, for demos and tests.',
  fields: FAKE_ENGINE_FIELDS,
  create: async (config) => new FakeEngine(config),
});
