import type { FastifyInstance } from 'fastify';
import { Errors } from '../../core/errors.js';
import type { BatchService } from '../../batch/batch-service.js';
import type { GenerationService } from '../../generation/generation-service.js';
import { API_VERSIONS } from '../api-versions.js';
import type { MethodHandler } from '../method-context.js';
import { parseModelMethodPath } from '../model-method-path.js';
import { shedWhenOverloaded, type ShedRequest } from '../shed-when-overloaded.js';
import { countTokens } from './count-tokens.js';
import { createBatch } from './batches.js';
import { batchEmbedContents, embedContent } from './embed-content.js';
import { generateContent } from './generate-content.js';
import { streamGenerateContent } from './stream-generate-content.js';

/** The methods served; whether a model offers each is the service's question (`resolveModel`). */
const METHODS: Record<string, MethodHandler> = {
  generateContent,
  streamGenerateContent,
  countTokens,
  embedContent,
  batchEmbedContents,
  // The Batch API (routes/batches.ts), served only with a batch store.
  batchGenerateContent: createBatch('generate'),
  asyncBatchEmbedContent: createBatch('embed'),
};

const BATCH_METHODS: ReadonlySet<string> = new Set(['batchGenerateContent', 'asyncBatchEmbedContent']);

/**
 * `POST /{version}/{models|tunedModels}/{id}:{method}`: one catch-all route per collection
 * and a parser, because model ids may contain `/` and the method hides behind a colon in
 * the last segment. The model path is parsed here, once; the service resolves it for the caller
 * (a model the key may not use is a 403; an unknown one, or one that does not list the method,
 * Google's 404 "… is not supported for embedContent. Call ListModels …"). A method gemserve
 * does not serve (the Batch API's without a batch store, …) is a 404 the same way.
 */
export function registerModelMethods(
  app: FastifyInstance, service: GenerationService, batches?: BatchService, onShed?: (shed: ShedRequest) => void,
): void {
  // A generation its engine would refuse is refused before its body is read (issue 14, item 2).
  const shed = shedWhenOverloaded(service, onShed);
  for (const apiVersion of API_VERSIONS) {
    const onRequest = shed(apiVersion);
    for (const collection of ['models', 'tunedModels']) {
      app.post(`/${apiVersion}/${collection}/*`, { onRequest }, async (request, reply) => {
        const target = parseModelMethodPath((request.params as { '*': string })['*']);
        if (!target) throw Errors.notFound(request.url.split('?')[0]);
        const model = target.model.replace(/^models\//, '');
        // Without a batch store the Batch API is not served: its methods are unknown ones.
        const handle = !batches && BATCH_METHODS.has(target.method) ? undefined : METHODS[target.method];
        const entry = service.resolveModel(request.caller, target.model, apiVersion, target.method);
        if (!handle) throw Errors.modelNotFound(model, apiVersion, target.method);
        return handle({ request, reply, entry, model, method: target.method, apiVersion, service, ...(batches ? { batches } : {}) });
      });
    }
  }
}
