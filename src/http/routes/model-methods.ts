import type { FastifyInstance } from 'fastify';
import type { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { Errors } from '../../core/errors.js';
import type { RateLimiter } from '../../gateway/limits/rate-limiter.js';
import { API_VERSIONS } from '../api-versions.js';
import { enforceLimits } from '../enforce-limits.js';
import type { MethodHandler, MethodServices } from '../method-context.js';
import { parseModelMethodPath } from '../model-method-path.js';
import { countTokens } from './count-tokens.js';
import { createBatch } from './batches.js';
import { batchEmbedContents, embedContent } from './embed-content.js';
import { generateContent } from './generate-content.js';
import { streamGenerateContent } from './stream-generate-content.js';

/** Methods served, and the `supportedGenerationMethods` entry a model needs for each. */
const METHODS: Record<string, { handle: MethodHandler; requires: string }> = {
  generateContent: { handle: generateContent, requires: 'generateContent' },
  // Google lists only `generateContent`; streaming comes with it.
  streamGenerateContent: { handle: streamGenerateContent, requires: 'generateContent' },
  countTokens: { handle: countTokens, requires: 'countTokens' },
  // Google lists only `embedContent` on embedding models; the batch form comes with it.
  embedContent: { handle: embedContent, requires: 'embedContent' },
  batchEmbedContents: { handle: batchEmbedContents, requires: 'embedContent' },
  // The Batch API (routes/batches.ts), on the models Google lists the methods for.
  batchGenerateContent: { handle: createBatch('generate'), requires: 'batchGenerateContent' },
  asyncBatchEmbedContent: { handle: createBatch('embed'), requires: 'asyncBatchEmbedContent' },
};

const BATCH_METHODS: ReadonlySet<string> = new Set(['batchGenerateContent', 'asyncBatchEmbedContent']);

/**
 * `POST /{version}/{models|tunedModels}/{id}:{method}`: one catch-all route per collection
 * and a parser, because model ids may contain `/` and the method hides behind a colon in
 * the last segment. A method gemserve does not serve (the Batch API's without a batch store, …),
 * or one the model does not list, gets Google's 404 for it ("… is not supported for
 * embedContent. Call ListModels …"). With `limits`, generate calls are admitted under the
 * rate limits first (src/http/enforce-limits.ts).
 */
export function registerModelMethods(
  app: FastifyInstance,
  catalog: ModelCatalog,
  services: MethodServices = {},
  limits?: RateLimiter,
): void {
  for (const apiVersion of API_VERSIONS) {
    for (const collection of ['models', 'tunedModels']) {
      app.post(`/${apiVersion}/${collection}/*`, async (request, reply) => {
        const target = parseModelMethodPath((request.params as { '*': string })['*']);
        if (!target) throw Errors.notFound(request.url.split('?')[0]);
        const method = METHODS[target.method];
        // Without a batch store the Batch API is not served: its methods are unknown ones.
        if (!method || (!services.batches && BATCH_METHODS.has(target.method))) throw Errors.modelNotFound(target.model, apiVersion, target.method);
        const entry = catalog.resolve(target.model, apiVersion, target.method);
        if (!entry.definition.supportedGenerationMethods.includes(method.requires)) {
          throw Errors.modelNotFound(target.model, apiVersion, target.method);
        }
        // Rate limits (a 429) only once the model and method are known to exist (else a 404).
        await enforceLimits(limits, request, target.model, target.method);
        return method.handle({ request, reply, entry, apiVersion, ...services });
      });
    }
  }
}
